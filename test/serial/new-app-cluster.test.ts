import fs from 'fs';
import http from 'http';
import os from 'os';
import path from 'path';
import { appFiles } from '../../src/cli/app-template';
import { REPO_ROOT } from '../support/example-app';
import { startApp } from '../support/spawn-app';

/**
 * The app `loopline new` writes, run as `node .` with WEB_CONCURRENCY=2: two worker processes
 * serve the one port (the request log's pid says which answered), and SIGTERM to the primary
 * stops both and exits 0.
 */
function get(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => (res.resume(), res.on('end', () => resolve(res.statusCode ?? 0))))
      .on('error', reject);
  });
}

describe('a new app with WEB_CONCURRENCY=2', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loopline-new-cluster-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('serves from two worker pids and stops them all on SIGTERM', async () => {
    for (const [rel, content] of Object.entries(appFiles('demo', 'file:../loopline'))) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(
        path.join(dir, rel),
        typeof content === 'string' ? content : JSON.stringify(content, null, 2),
      );
    }
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.symlinkSync(REPO_ROOT, path.join(dir, 'node_modules', 'loopline'), 'dir');

    const running = await startApp(dir, {
      cwd: dir,
      env: { WEB_CONCURRENCY: '2', LOOPLINE_REQUEST_LOG: '1' },
    });
    try {
      const until = Date.now() + 20000;
      while ((running.output().match(/listening at/g) ?? []).length < 2 && Date.now() < until)
        await new Promise((r) => setTimeout(r, 50));
      expect((running.output().match(/listening at/g) ?? []).length).toBe(2);

      const statuses = [];
      for (let i = 0; i < 20; i++) statuses.push(await get(`${running.url}/`));
      expect(new Set(statuses)).toEqual(new Set([200]));
      await new Promise((r) => setTimeout(r, 200));
      const pids = new Set(
        running
          .output()
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as { pid?: number; req?: unknown })
          // The request lines (the primary logs JSON lines of its own, with its pid).
          .filter((line) => line.req !== undefined)
          .map((line) => line.pid),
      );
      expect(pids.size).toBe(2);
      expect(pids.has(running.child.pid)).toBe(false);

      running.child.kill('SIGTERM');
      expect(await running.exited).toEqual({ code: 0, signal: null });
      for (const pid of pids) expect(() => process.kill(pid!, 0)).toThrow();
    } finally {
      await running.stop();
    }
  }, 60000);
});
