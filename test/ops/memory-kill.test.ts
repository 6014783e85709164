import fs from 'fs';
import path from 'path';
import { startApp } from '../support/spawn-app';
import { requireBuild, writeOpsApp } from '../support/ops-app';

/**
 * The memory connector with a `file`: a real app process killed with SIGKILL in the middle of a
 * stream of concurrent POSTs leaves a file that is valid JSON and holds every write that was
 * answered 2xx; the app restarted on that file serves them all.
 */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('SIGKILL during memory-connector writes with a file', () => {
  beforeAll(requireBuild);

  it('keeps every acknowledged write in a valid file, served again after a restart', async () => {
    const app = writeOpsApp({ db: { connector: 'memory', file: 'data/db.json' } });
    const file = path.join(app.dir, 'data', 'db.json');
    let running = await startApp(app.dir + '/server/server.js', { cwd: app.dir });
    try {
      const acked = new Map<number, string>();
      let stop = false;
      let failures = 0;
      const writer = async (w: number) => {
        for (let k = 0; !stop; k++) {
          const title = `w${w}-${k}`;
          try {
            const res = await fetch(`${running.url}/api/Notes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title, n: k }) });
            if (res.status >= 200 && res.status < 300) acked.set(((await res.json()) as { id: number }).id, title);
            else failures++;
          } catch {
            failures++; // the connection died with the process: not acknowledged
          }
        }
      };
      const writers = Array.from({ length: 16 }, (_, w) => writer(w));
      // Kill mid-stream: once a good number of writes have been acknowledged.
      const until = Date.now() + 15000;
      while (acked.size < 100 && Date.now() < until) await sleep(10);
      expect(acked.size).toBeGreaterThan(0);
      running.child.kill('SIGKILL');
      stop = true;
      expect((await running.exited).signal).toBe('SIGKILL');
      await Promise.all(writers);
      expect(failures).toBeLessThanOrEqual(16); // only the requests in flight at the kill

      const content = JSON.parse(fs.readFileSync(file, 'utf8')) as { ids: Record<string, number>; models: Record<string, Record<string, string>> };
      const rows = content.models.Note;
      for (const [id, title] of acked) {
        expect(rows[String(id)]).toBeDefined();
        expect(JSON.parse(rows[String(id)]).title).toBe(title);
      }
      expect(content.ids.Note).toBeGreaterThan(Math.max(...acked.keys()));
      console.log(`SIGKILL test: ${acked.size} writes acknowledged before the kill, ${Object.keys(rows).length} rows in the file`);

      running = await startApp(app.dir + '/server/server.js', { cwd: app.dir });
      const served = (await (await fetch(`${running.url}/api/Notes`)).json()) as Array<{ id: number; title: string }>;
      const byId = new Map(served.map((r) => [r.id, r.title]));
      for (const [id, title] of acked) expect(byId.get(id)).toBe(title);
      // The id sequence continues past every stored row.
      const next = await fetch(`${running.url}/api/Notes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'after' }) });
      expect(next.status).toBe(200);
      expect(((await next.json()) as { id: number }).id).toBeGreaterThan(Math.max(...served.map((r) => r.id)));
    } finally {
      await running.stop();
      app.remove();
    }
  }, 60000);
});
