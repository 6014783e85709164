import type * as http from 'http';
import type { DataSource } from '../../juggler/datasource';

/**
 * Graceful shutdown of every server `app.listen()` started in this process. On SIGTERM (or
 * SIGINT): stop accepting, let in-flight requests finish (keep-alive connections are closed as
 * soon as they go idle), disconnect each data source (pools closed), exit 0. Past the deadline
 * (config.json `shutdownTimeout`, ms, default 10000) the process exits 1 whatever is still open.
 * config.json `"gracefulShutdown": false` leaves the signals to the app.
 */
export const DEFAULT_SHUTDOWN_TIMEOUT = 10000;

interface Managed {
  server: http.Server;
  timeout: number;
  dataSources: () => Record<string, DataSource>;
}

const managed = new Set<Managed>();
const extraSteps: Array<() => Promise<void>> = [];
let installed = false;
let shuttingDown = false;
let shutdownTimeout = 0;

export function shutdownTimeoutOf(value: unknown): number {
  const n = Number(value);
  return value !== undefined && value !== null && value !== '' && Number.isFinite(n) && n >= 0 ? n : DEFAULT_SHUTDOWN_TIMEOUT;
}

function install(): void {
  if (installed) return;
  installed = true;
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

/** Puts a listening server (and its app's data sources) under the shutdown above. */
export function manageServer(server: http.Server, timeout: number, dataSources: () => Record<string, DataSource>): void {
  const entry = { server, timeout, dataSources };
  managed.add(entry);
  server.once('close', () => managed.delete(entry));
  // A request that arrives on a kept-alive connection while draining is served, then the connection closes.
  server.on('request', (_req: http.IncomingMessage, res: http.ServerResponse) => {
    if (shuttingDown && !res.headersSent) res.setHeader('Connection', 'close');
  });
  install();
}

/** Something else the process must stop before it exits (the cluster primary's workers). */
export function onShutdown(step: () => Promise<void>, timeout: number): void {
  extraSteps.push(step);
  shutdownTimeout = Math.max(shutdownTimeout, timeout);
  install();
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeIdleConnections();
    // In-flight requests on kept-alive connections leave them idle when they finish.
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    sweep.unref();
    server.once('close', () => clearInterval(sweep));
  });
}

async function shutdown(signal: string): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  const entries = [...managed];
  const timeout = Math.max(shutdownTimeout, ...entries.map((e) => e.timeout), 0) || DEFAULT_SHUTDOWN_TIMEOUT;
  console.log(`loopline: ${signal} received, draining (deadline ${timeout} ms)`);
  const deadline = setTimeout(() => {
    console.error(`loopline: shutdown did not finish within ${timeout} ms; exiting with code 1`);
    for (const e of entries) e.server.closeAllConnections();
    process.exit(1);
  }, timeout);
  try {
    await Promise.all([...entries.map((e) => closeServer(e.server)), ...extraSteps.map((step) => step())]);
    const pools = new Set<DataSource>();
    for (const e of entries) for (const ds of Object.values(e.dataSources())) pools.add(ds);
    await Promise.all(
      [...pools].map((ds) =>
        Promise.resolve(ds.disconnect()).then(
          () => console.log(`loopline: data source "${ds.name}" closed`),
          (err: unknown) => console.error(`loopline: closing data source "${ds.name}" failed: ${String((err as Error)?.message ?? err)}`),
        ),
      ),
    );
  } catch (err) {
    console.error(`loopline: shutdown failed: ${String((err as Error)?.message ?? err)}`);
    clearTimeout(deadline);
    process.exit(1);
  }
  clearTimeout(deadline);
  console.log('loopline: stopped');
  process.exit(0);
}
