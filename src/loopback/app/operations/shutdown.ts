import type * as http from 'http';

export const DEFAULT_SHUTDOWN_TIMEOUT = 10000;

/** `config.json` `shutdownTimeout`: ms to drain before giving up; `false` leaves signals alone. */
export function shutdownTimeoutOf(value: unknown): number | undefined {
  if (value === false) return undefined;
  const n = Number(value);
  return value === undefined || value === null || !Number.isFinite(n) || n <= 0
    ? DEFAULT_SHUTDOWN_TIMEOUT
    : n;
}

/** How bad a shutdown line is: a forced or failed stop is what an operator must see. */
export type ShutdownLogLevel = 'info' | 'warn' | 'error';

export interface GracefulShutdownOptions {
  timeout: number;
  /** Closes what the server used (data source pools) once the last request is answered. */
  release: () => Promise<void>;
  log: (message: string, level?: ShutdownLogLevel) => void;
  exit: (code: number) => void;
}

/**
 * Stops `server` gracefully: no new connections, idle keep-alive connections closed, each
 * in-flight request answered (with `Connection: close`), then `release()`, then exit 0. Past the
 * deadline the remaining connections are cut and the exit code is 1, so an orchestrator can tell
 * a clean stop from a forced one.
 */
export class GracefulShutdown {
  private started = false;
  private readonly busy = new Set<http.ServerResponse>();

  constructor(
    private readonly server: http.Server,
    private readonly options: GracefulShutdownOptions,
  ) {
    // Ahead of the app's own listener: a request that arrives while draining (its head was on the
    // wire at the signal) may be answered synchronously — /ready's 503 is — and a header set after
    // that would throw ERR_HTTP_HEADERS_SENT and kill the process mid-drain.
    server.prependListener('request', (_req: http.IncomingMessage, res: http.ServerResponse) => {
      this.busy.add(res);
      if (this.started) res.setHeader('Connection', 'close');
      res.once('close', () => {
        this.busy.delete(res);
        // A keep-alive connection whose last request is answered is not needed any more.
        if (this.started) this.server.closeIdleConnections();
      });
    });
  }

  get shuttingDown(): boolean {
    return this.started;
  }

  begin(signal: string): void {
    if (this.started) return;
    this.started = true;
    const { timeout, log, exit } = this.options;
    log(`${signal} received: draining ${this.busy.size} in-flight request(s), ${timeout} ms at most`);
    const deadline = setTimeout(() => {
      log(
        `shutdown deadline of ${timeout} ms passed with ${this.busy.size} request(s) unanswered; exiting with code 1`,
        'warn',
      );
      this.server.closeAllConnections();
      exit(1);
    }, timeout);
    this.server.close(() => {
      void this.options.release().then(
        () => {
          clearTimeout(deadline);
          log('server closed, data sources disconnected');
          exit(0);
        },
        (err: unknown) => {
          clearTimeout(deadline);
          log(
            `server closed; a data source failed to disconnect: ${(err as Error)?.message ?? String(err)}`,
            'error',
          );
          exit(1);
        },
      );
    });
    for (const res of this.busy) if (!res.headersSent) res.setHeader('Connection', 'close');
    this.server.closeIdleConnections();
  }
}
