import type { Server } from 'http';
import loopback from '../../src';

/**
 * Cause: every `app.listen()` added its own SIGTERM and SIGINT handlers to the process, so a
 * suite that listens on many apps without closing them (LB3's own tests do) passed Node's limit of
 * ten and printed MaxListenersExceededWarning. One pair of handlers now serves every server.
 */
describe('stop signal handlers', () => {
  it('stay one pair however many servers listen, and go when the last one closes', async () => {
    const before = { term: process.listenerCount('SIGTERM'), int: process.listenerCount('SIGINT') };
    const servers: Server[] = [];
    for (let i = 0; i < 12; i++) {
      const app = loopback({ localRegistry: true });
      servers.push(
        await new Promise<Server>((resolve) => {
          const s: Server = app.listen(0, () => resolve(s));
        }),
      );
    }
    expect(process.listenerCount('SIGTERM')).toBe(before.term + 1);
    expect(process.listenerCount('SIGINT')).toBe(before.int + 1);
    await Promise.all(servers.slice(1).map((s) => new Promise((r) => s.close(r))));
    expect(process.listenerCount('SIGTERM')).toBe(before.term + 1);
    await new Promise((r) => servers[0].close(r));
    expect(process.listenerCount('SIGTERM')).toBe(before.term);
    expect(process.listenerCount('SIGINT')).toBe(before.int);
  });
});
