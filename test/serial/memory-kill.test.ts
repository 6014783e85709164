import fs from 'fs';
import path from 'path';
import { makeOpsApp } from '../support/ops-app';
import { RunningApp, startApp } from '../support/spawn-app';

/**
 * The memory connector with a `file`: a real app process killed with SIGKILL in the middle of a
 * stream of concurrent POSTs leaves a file that is valid JSON and holds every write that was
 * answered 2xx (the file store answers a write only once a file holding it is fsynced and renamed
 * into place); the app restarted on that file serves them all and continues the id sequence.
 */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const WRITERS = 16;

interface MemoryFile {
  ids: Record<string, number>;
  models: Record<string, Record<string, string>>;
}

describe('SIGKILL during memory-connector writes with a file', () => {
  const app = makeOpsApp({ dataSource: { connector: 'memory', file: 'data/db.json' } });
  const file = path.join(app.dir, 'data', 'db.json');
  // The REST API, mounted as an LB3 app's middleware.json does.
  fs.writeFileSync(path.join(app.dir, 'server', 'middleware.json'), JSON.stringify({ routes: { 'loopback#rest': { paths: ['${restApiRoot}'] } }, final: { 'loopback#urlNotFound': {} } }));
  afterAll(() => app.remove());

  it('leaves a valid file holding every acknowledged write, served again after a restart', async () => {
    let running: RunningApp = await startApp(path.join(app.dir, 'server'), { cwd: app.dir });
    try {
      const acked = new Map<number, string>();
      let stop = false;
      let unanswered = 0;
      const writer = async (w: number) => {
        for (let k = 0; !stop; k++) {
          const title = `w${w}-${k}`;
          try {
            const res = await fetch(`${running.url}/api/Notes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title, n: k }) });
            expect(res.status).toBe(200);
            acked.set(((await res.json()) as { id: number }).id, title);
          } catch (err) {
            if ((err as Error).name === 'JestAssertionError') throw err;
            unanswered++; // the process died with this request in flight: never acknowledged
          }
        }
      };
      const writers = Array.from({ length: WRITERS }, (_, w) => writer(w));
      // Kill mid-stream, once a good number of writes have been acknowledged.
      const until = Date.now() + 15000;
      while (acked.size < 100 && Date.now() < until) await sleep(10);
      expect(acked.size).toBeGreaterThan(0);
      running.child.kill('SIGKILL');
      stop = true;
      expect((await running.exited).signal).toBe('SIGKILL');
      await Promise.all(writers);
      expect(unanswered).toBeLessThanOrEqual(WRITERS);

      const content = JSON.parse(fs.readFileSync(file, 'utf8')) as MemoryFile;
      const rows = content.models.Note;
      const missing = [...acked].filter(([id, title]) => rows[String(id)] === undefined || JSON.parse(rows[String(id)]).title !== title);
      expect(missing).toEqual([]);
      expect(content.ids.Note).toBeGreaterThan(Math.max(...acked.keys()));
      console.log(`SIGKILL: ${acked.size} writes acknowledged before the kill, ${Object.keys(rows).length} rows in the file`);

      running = await startApp(path.join(app.dir, 'server'), { cwd: app.dir });
      const served = (await (await fetch(`${running.url}/api/Notes`)).json()) as Array<{ id: number; title: string }>;
      const byId = new Map(served.map((r) => [r.id, r.title]));
      expect([...acked].filter(([id, title]) => byId.get(id) !== title)).toEqual([]);
      const next = await fetch(`${running.url}/api/Notes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'after' }) });
      expect(next.status).toBe(200);
      expect(((await next.json()) as { id: number }).id).toBeGreaterThan(Math.max(...served.map((r) => r.id)));
    } finally {
      await running.stop();
    }
  }, 60000);
});
