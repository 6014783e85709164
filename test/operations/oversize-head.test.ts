import http from 'http';
import net from 'net';
import { listening } from '../support/listening-app';

/**
 * A request line and headers over Node's 16 kB limit: 431 with a code, then a graceful close.
 * Node's own answer destroyed the socket while the client was still sending, and the reset beat
 * the status line: every connection below saw ECONNRESET and no status.
 */
/** A 20 kB URL, then 200 kB of headers in eleven writes, as a client that does not wait for an answer. */
function oversize(port: number): Promise<{ reply: string; error?: string }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let reply = '';
    let error: string | undefined;
    socket.on('data', (d) => (reply += d.toString()));
    socket.on('error', (e: NodeJS.ErrnoException) => (error = e.code));
    socket.on('close', () => resolve({ reply, error }));
    let headers = '';
    for (let h = 0; h < 200; h++) headers += `X-H${h}: ${'b'.repeat(1000)}\r\n`;
    socket.write(`GET /${'a'.repeat(20000)} HTTP/1.1\r\nHost: x\r\n`);
    let n = 0;
    const more = (): void => {
      if (socket.destroyed) return;
      if (n++ > 10) socket.write('\r\n');
      else socket.write(headers, () => setImmediate(more));
    };
    more();
  });
}

function send(port: number, text: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
    let reply = '';
    socket.on('data', (d) => (reply += d.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(reply));
  });
}

describe('a request head over the limit', () => {
  let server: http.Server;
  let port: number;
  beforeAll(async () => ({ server, port } = await listening()));
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('answers 431 HEADERS_TOO_LARGE every time, ten connections at once, three rounds, never a reset', async () => {
    for (let round = 0; round < 3; round++) {
      const replies = await Promise.all(Array.from({ length: 10 }, () => oversize(port)));
      for (const { reply, error } of replies) {
        expect(error).toBeUndefined();
        const [head, body] = reply.split('\r\n\r\n');
        expect(head.split('\r\n')).toEqual(
          expect.arrayContaining([
            'HTTP/1.1 431 Request Header Fields Too Large',
            'Connection: close',
            'Content-Type: application/json; charset=utf-8',
          ]),
        );
        expect(JSON.parse(body).error).toMatchObject({ statusCode: 431, code: 'HEADERS_TOO_LARGE' });
      }
    }
    // The server still serves.
    expect((await fetch(`http://127.0.0.1:${port}/ok`)).status).toBe(200);
  });

  it('still answers a request it cannot parse with 400, as Node does', async () => {
    expect(await send(port, 'NOT A REQUEST\r\n\r\n')).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
  });

  it('takes its limit from maxHeaderSize in config.json', async () => {
    const small = await listening({ maxHeaderSize: 1024 });
    try {
      expect(await send(small.port, `GET /${'a'.repeat(2000)} HTTP/1.1\r\nHost: x\r\n\r\n`)).toMatch(
        /^HTTP\/1\.1 431 /,
      );
      expect((await fetch(`http://127.0.0.1:${small.port}/ok`)).status).toBe(200);
    } finally {
      small.server.close();
    }
  });
});
