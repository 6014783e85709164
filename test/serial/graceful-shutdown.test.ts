import http from 'http';
import net from 'net';
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
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body, connection: res.headers.connection }),
        );
      })
      .on('error', reject);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The raw answer on `socket` up to the server's close, split into status, lower-cased headers and
 * body; with `Connection: close` and a Content-Length body nothing more is needed to read it.
 */
function rawAnswer(
  socket: net.Socket,
): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  return new Promise((resolve, reject) => {
    let raw = '';
    socket.setEncoding('utf8');
    socket.on('data', (c: string) => (raw += c));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head, ...rest] = raw.split('\r\n\r\n');
      const [statusLine, ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(
        lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
      );
      resolve({ status: Number(statusLine.split(' ')[1] ?? 0), headers, body: rest.join('\r\n\r\n') });
    });
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

  it('SIGINT (Ctrl-C) drains the same way: the request in flight is answered and the exit code is 0', async () => {
    const running = await startApp(path.join(app.dir, 'server'), { cwd: app.dir });
    const started = Date.now();
    const slow = get(`${running.url}/slow?ms=800`);
    await sleep(200);
    running.child.kill('SIGINT');
    await sleep(100);
    await expect(get(`${running.url}/health`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    const answer = await slow;
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ slow: true, pid: running.child.pid });
    expect(answer.connection).toBe('close');
    expect(await running.exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - started).toBeLessThan(1500);
    expect(running.output()).toContain('SIGINT received: draining 1 in-flight request(s), 1500 ms at most');
    expect(running.output()).toContain('server closed, data sources disconnected');
  }, 20000);

  /*
   * Once draining, the server takes no new connection and closes idle keep-alive ones, so a load
   * balancer mostly sees /ready fail to connect. The one client that still reaches /ready is one
   * whose request was arriving when the signal came (its connection is not idle, so it is kept):
   * that request must hear 503 NOT_READY, not UP.
   */
  it('/ready during the drain: 503 NOT_READY to a request arriving at the signal; idle keep-alive connections are closed', async () => {
    const running = await startApp(path.join(app.dir, 'server'), { cwd: app.dir });
    const { hostname, port } = new URL(running.url);

    // A keep-alive connection that was ready before the signal, idle at the signal.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const before = await new Promise<{ status: number; body: string; socket: net.Socket }>(
      (resolve, reject) => {
        http
          .get(`${running.url}/ready`, { agent }, (res) => {
            // Kept now: the agent detaches the socket from the response once it is read.
            const socket = res.socket;
            let body = '';
            res.on('data', (c) => (body += c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body, socket }));
          })
          .on('error', reject);
      },
    );
    expect(before.status).toBe(200);
    expect(JSON.parse(before.body)).toEqual({ status: 'UP', dataSources: { db: 'UP' } });
    const idleClosed = new Promise<number>((resolve) =>
      before.socket.once('close', () => resolve(Date.now())),
    );

    // A request drained by the shutdown, and a /ready whose head is half sent.
    const slow = get(`${running.url}/slow?ms=1000`);
    const arriving = net.connect(Number(port), hostname);
    const answer = rawAnswer(arriving);
    arriving.write(`GET /ready HTTP/1.1\r\nHost: ${hostname}:${port}\r\n`);
    await sleep(200);

    const signalled = Date.now();
    running.child.kill('SIGTERM');
    expect((await idleClosed) - signalled).toBeLessThan(500);
    arriving.write('\r\n');

    const ready = await answer;
    expect(ready.status).toBe(503);
    expect(ready.headers.connection).toBe('close');
    expect(JSON.parse(ready.body)).toMatchObject({
      error: { statusCode: 503, code: 'NOT_READY', details: { shuttingDown: true } },
    });
    expect(Date.now() - signalled).toBeLessThan(600);
    // The keep-alive client's next /ready finds no server to ask.
    await expect(
      new Promise((resolve, reject) =>
        http.get(`${running.url}/ready`, { agent }, resolve).on('error', reject),
      ),
    ).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    agent.destroy();

    expect((await slow).status).toBe(200);
    expect(await running.exited).toEqual({ code: 0, signal: null });
    expect(running.output()).toContain('SIGTERM received: draining 1 in-flight request(s), 1500 ms at most');
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
    expect(running.output()).toContain(
      'shutdown deadline of 1500 ms passed with 1 request(s) unanswered; exiting with code 1',
    );
  }, 20000);
});
