import net from 'net';

/**
 * A TCP relay in front of a real server, so a test can cut the store off and bring it back
 * (`stop()` closes the listener and every open connection; `start()` listens again on the same
 * port). The store itself is real; only the wire between is interrupted.
 *
 * `stall()` keeps accepting connections but forwards nothing (a black-holed network: the client
 * waits for an answer that never comes); `slow(ms)` delays every chunk both ways; `pass()` brings
 * back a plain wire, closing the connections that lost bytes while stalled.
 */
export class Relay {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private mode: 'pass' | 'stall' | 'slow' = 'pass';
  private delay = 0;
  /** Connections that dropped bytes while stalled: their protocol state is lost. */
  private readonly broken = new Set<() => void>();
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  /** The sockets open through the relay (both ends of each connection). */
  get openSockets(): number {
    return this.sockets.size;
  }

  stall(): void {
    this.mode = 'stall';
  }

  slow(ms: number): void {
    this.mode = 'slow';
    this.delay = ms;
  }

  pass(): void {
    this.mode = 'pass';
    for (const drop of this.broken) drop();
    this.broken.clear();
  }

  async start(): Promise<number> {
    const server = net.createServer((client) => {
      const upstream = net.connect({ host: this.targetHost, port: this.targetPort });
      this.sockets.add(client);
      this.sockets.add(upstream);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        this.sockets.delete(client);
        this.sockets.delete(upstream);
        this.broken.delete(drop);
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
      const forward = (to: net.Socket) => (chunk: Buffer) => {
        if (this.mode === 'stall') {
          this.broken.add(drop);
          return;
        }
        if (this.mode === 'slow') setTimeout(() => to.destroyed || to.write(chunk), this.delay);
        else to.write(chunk);
      };
      client.on('data', forward(upstream));
      upstream.on('data', forward(client));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as net.AddressInfo).port;
    return this.port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    this.broken.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
