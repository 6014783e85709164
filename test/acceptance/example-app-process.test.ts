import fs from 'fs';
import os from 'os';
import path from 'path';
import { REPO_ROOT } from '../support/example-app';
import { startApp } from '../support/spawn-app';

/**
 * `node server` on a copy of the example app: it listens where PORT/HOST say, prints its URLs,
 * and keeps its memory store in server/data/db.json across restarts.
 */
async function until(test: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!test() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
}

describe('the example app as a process', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loopline-example-'));
    for (const sub of ['common', 'server'])
      fs.cpSync(path.join(REPO_ROOT, sub), path.join(dir, sub), {
        recursive: true,
        filter: (src) => src !== path.join(REPO_ROOT, 'server', 'data'),
      });
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.symlinkSync(REPO_ROOT, path.join(dir, 'node_modules', 'loopline'), 'dir');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('prints its URLs and persists writes to the data file across restarts', async () => {
    let app = await startApp(path.join(dir, 'server'), { cwd: dir });
    try {
      expect(app.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      await until(() => app.output().includes('REST API at'));
      expect(app.output()).toContain(`REST API at ${app.url}/api`);
      const res = await fetch(`${app.url}/api/Products`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Pen', price: 3 }),
      });
      expect(res.status).toBe(200);
    } finally {
      await app.stop();
    }

    const file = JSON.parse(fs.readFileSync(path.join(dir, 'server/data/db.json'), 'utf8'));
    expect(file.ids.Product).toBe(2);
    expect(JSON.parse(file.models.Product['1'])).toEqual({ name: 'Pen', price: 3, inStock: true, id: 1 });

    app = await startApp(path.join(dir, 'server'), { cwd: dir });
    try {
      expect((await (await fetch(`${app.url}/api/Products`)).json()) as any).toEqual([
        { name: 'Pen', price: 3, inStock: true, id: 1 },
      ]);
    } finally {
      await app.stop();
    }
  }, 40000);
});
