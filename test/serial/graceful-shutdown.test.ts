import http from 'http';
import path from 'path';
import { makeOpsApp } from '../support/ops-app';
import { startApp } from '../support/spawn-app';

/** A GET whose answer (or failure) is kept; `fetch` would hide a refused connection's code. */
function get(url: string): Promise<{ status: number; body: string; connection?: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, connection: res.headers.connection }));
      })
      .on('error', reject);
  });
}

describe('SIGTERM: graceful shutdown', () => {
  const app = makeOpsApp({ dataSource: { connector: 'memory' }, config: { shutdownTimeout: 1500 } });
  afterAll(() => app.remove());

  it('stops accepting, answers the request in flight, closes the data sources and exits 0', async () => {
    const running = await startApp(path.join(app.dir, 'server'), { cwd: app.dir });
    const started = Date.now();
    const slow = get(`${running.url}/slow?ms=800`);
    await new Promise((r) => setTimeout(r, 200));
    running.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 100));
    await expect(get(`${running.url}/health`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    const answer = await slow;
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ slow: true, pid: running.child.pid });
    expect(answer.connection).toBe('close');
    const exit = await running.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(Date.now() - started).toBeLessThan(1500);
    expect(running.output()).toContain('SIGTERM received: draining 1 in-flight request(s), 1500 ms at most');
    expect(running.output()).toContain('server closed, data sources disconnected');
  }, 20000);

  it('exits 1 once shutdownTimeout has passed with a request still unanswered', async () => {
    const running = await startApp(path.join(app.dir, 'server'), { cwd: app.dir });
    const hanging = get(`${running.url}/hang`).catch((err: NodeJS.ErrnoException) => err.code);
    await new Promise((r) => setTimeout(r, 200));
    const signalled = Date.now();
    running.child.kill('SIGTERM');
    const exit = await running.exited;
    const took = Date.now() - signalled;
    expect(exit).toEqual({ code: 1, signal: null });
    expect(took).toBeGreaterThanOrEqual(1400);
    expect(took).toBeLessThan(4000);
    expect(await hanging).toBe('ECONNRESET');
    expect(running.output()).toContain('shutdown deadline of 1500 ms passed with 1 request(s) unanswered; exiting with code 1');
  }, 20000);
});
