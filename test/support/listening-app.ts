import http from 'http';
import net from 'net';
import loopback from '../../src';

/** A bare app answering GET /ok, listening on a free port of 127.0.0.1, for tests that speak raw HTTP. */
export function listening(
  settings: Record<string, unknown> = {},
): Promise<{ server: http.Server; port: number }> {
  const app = loopback({ localRegistry: true } as any);
  for (const [k, v] of Object.entries(settings)) app.set(k, v);
  app.set('shutdownTimeout', false);
  app.get('/ok', (_req: unknown, res: { json(v: unknown): void }) => res.json({ ok: true }));
  return new Promise((resolve) => {
    const server: http.Server = app.listen(0, '127.0.0.1', () =>
      resolve({ server, port: (server.address() as net.AddressInfo).port }),
    );
  });
}
