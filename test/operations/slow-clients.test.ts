import net from 'net';
import { listening } from '../support/listening-app';

/** Slow clients (slowloris): a head or body that trickles in is cut off with 408, not waited on. */
/** Sends `text` and keeps the connection open; resolves with what came back and when it closed. */
function trickle(port: number, text: string): Promise<{ reply: string; ms: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    let reply = '';
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
    socket.on('data', (d) => (reply += d.toString()));
    socket.on('close', () => resolve({ reply, ms: Date.now() - started }));
    socket.on('error', () => undefined);
  });
}

describe('slow clients', () => {
  it('bounds the head and the whole request by default (10 s, 60 s)', async () => {
    const { server } = await listening();
    try {
      expect([server.headersTimeout, server.requestTimeout]).toEqual([10000, 60000]);
    } finally {
      server.close();
    }
  });

  it('answers 408 and closes a connection whose head does not arrive within headersTimeout', async () => {
    const { server, port } = await listening({ headersTimeout: 300 });
    try {
      const { reply, ms } = await trickle(port, 'GET /ok HTTP/1.1\r\nHost: x\r\n');
      expect(reply).toMatch(/^HTTP\/1\.1 408 /);
      expect(ms).toBeLessThan(2500);
      const ok = await fetch(`http://127.0.0.1:${port}/ok`);
      expect(ok.status).toBe(200);
    } finally {
      server.close();
    }
  });

  it('answers 408 and closes a connection whose body does not arrive within requestTimeout', async () => {
    const { server, port } = await listening({ requestTimeout: 800 });
    try {
      const { reply, ms } = await trickle(
        port,
        'POST /ok HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a"',
      );
      expect(reply).toMatch(/^HTTP\/1\.1 408 /);
      expect(ms).toBeLessThan(3000);
    } finally {
      server.close();
    }
  });
});
