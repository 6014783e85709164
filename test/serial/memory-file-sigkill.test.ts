import fs from 'fs';
import path from 'path';
import { makeOpsApp } from '../support/ops-app';
import { startApp } from '../support/spawn-app';
import { sleep, startWriters } from './load';

/**
 * kill -9 in the middle of memory-connector writes with a `file`: the file is valid JSON holding
 * every write that was answered 2xx, and the app restarted on it serves them all.
 */
describe('SIGKILL during memory-store writes', () => {
  const app = makeOpsApp({ dataSource: { connector: 'memory', file: 'data/db.json' } });
  afterAll(() => app.remove());

  it('leaves a valid file with every acknowledged write', async () => {
    const file = path.join(app.dir, 'data/db.json');
    const first = await startApp(path.join(app.dir, 'server'), { cwd: app.dir });
    const load = startWriters(first.url, 16, 'kill');
    await sleep(1500);
    first.child.kill('SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    await load.stop();
    const acked = load.acked();
    expect(acked.length).toBeGreaterThan(20);
    // Requests cut off by the kill got no answer at all; none got an error status.
    expect(load.outcomes.filter((o) => o.status !== 200 && o.status !== 0)).toEqual([]);

    const content = JSON.parse(fs.readFileSync(file, 'utf8'));
    const titles = new Set(
      Object.values(content.models.Note as Record<string, string>).map(
        (row) => JSON.parse(row).title as string,
      ),
    );
    expect(acked.filter((t) => !titles.has(t))).toEqual([]);
    // No temp file is left looking like data, and none was taken for the store.
    expect(fs.readdirSync(path.dirname(file)).filter((f) => !f.startsWith('.'))).toEqual(['db.json']);

    const second = await startApp(path.join(app.dir, 'server'), { cwd: app.dir });
    try {
      const served = (await (
        await fetch(
          `${second.url}/api/Notes?filter=${encodeURIComponent(JSON.stringify({ fields: ['title'] }))}`,
        )
      ).json()) as { title: string }[];
      const servedTitles = new Set(served.map((n) => n.title));
      expect(acked.filter((t) => !servedTitles.has(t))).toEqual([]);
      expect(servedTitles.size).toBe(titles.size);
      console.log(
        `[sigkill] ${load.outcomes.length} writes sent, ${acked.length} acknowledged, ${titles.size} in the file after kill -9`,
      );
    } finally {
      await second.stop();
    }
  }, 60000);
});
