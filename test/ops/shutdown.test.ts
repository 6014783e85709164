import { startApp } from '../support/spawn-app';
import { requireBuild, writeOpsApp } from '../support/ops-app';
import { describeStore, STORES } from '../connectors/stores';

/**
 * SIGTERM on a real app process: it stops accepting, lets the request in flight finish with its
 * 2xx, closes its data sources and exits 0 — or exits 1 once config.json `shutdownTimeout` passes.
 */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('graceful shutdown on SIGTERM', () => {
  beforeAll(requireBuild);

  it('drains the request in flight, then exits 0 with its data sources closed', async () => {
    const app = writeOpsApp({ db: { connector: 'memory' }, config: { shutdownTimeout: 5000 } });
    const running = await startApp(app.dir + '/server/server.js', { cwd: app.dir });
    try {
      const slow = fetch(`${running.url}/api/Notes/slow?ms=1000`);
      await sleep(300);
      const signalled = Date.now();
      running.child.kill('SIGTERM');
      await sleep(200);
      // The listener is closed: a new connection is refused while the slow request still runs.
      await expect(fetch(`${running.url}/health`)).rejects.toThrow();
      const res = await slow;
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ done: true, ms: 1000 });
      const exit = await running.exited;
      expect(exit).toEqual({ code: 0, signal: null });
      expect(Date.now() - signalled).toBeLessThan(3000);
      expect(running.output()).toContain('loopline: SIGTERM received, draining (deadline 5000 ms)');
      expect(running.output()).toContain('loopline: data source "db" closed');
      expect(running.output()).toContain('loopline: stopped');
    } finally {
      await running.stop();
      app.remove();
    }
  }, 30000);

  it('exits 1 when a request is still running at the shutdownTimeout deadline', async () => {
    const app = writeOpsApp({ db: { connector: 'memory' }, config: { shutdownTimeout: 500 } });
    const running = await startApp(app.dir + '/server/server.js', { cwd: app.dir });
    try {
      const slow = fetch(`${running.url}/api/Notes/slow?ms=10000`).catch((err: Error) => err);
      await sleep(300);
      const signalled = Date.now();
      running.child.kill('SIGTERM');
      const exit = await running.exited;
      expect(exit).toEqual({ code: 1, signal: null });
      expect(Date.now() - signalled).toBeGreaterThanOrEqual(450);
      expect(Date.now() - signalled).toBeLessThan(3000);
      // The request cut off at the deadline fails on the client's side (no response).
      expect(String(await slow)).toMatch(/fetch failed/);
      expect(running.output()).toContain('loopline: shutdown did not finish within 500 ms; exiting with code 1');
    } finally {
      await running.stop();
      app.remove();
    }
  }, 30000);

  const pg = STORES.find((s) => s.name === 'postgresql')!;
  describeStore(pg, () => {
    it('closes the PostgreSQL pool it opened, then exits 0', async () => {
      const app = writeOpsApp({ db: { ...pg.settings }, config: { shutdownTimeout: 5000 } });
      const running = await startApp(app.dir + '/server/server.js', { cwd: app.dir });
      try {
        const ready = await fetch(`${running.url}/ready`);
        expect(ready.status).toBe(200);
        const slow = fetch(`${running.url}/api/Notes/slow?ms=500`);
        await sleep(100);
        running.child.kill('SIGTERM');
        expect((await slow).status).toBe(200);
        expect(await running.exited).toEqual({ code: 0, signal: null });
        expect(running.output()).toContain('loopline: data source "db" closed');
      } finally {
        await running.stop();
        app.remove();
      }
    }, 30000);
  });
});
