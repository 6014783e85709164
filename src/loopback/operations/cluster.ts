import cluster, { Worker } from 'cluster';
import { DEFAULT_SHUTDOWN_TIMEOUT } from './shutdown';

export interface ClusterOptions {
  /** ms the workers get to drain after SIGTERM before they are killed (default 10000, plus 1 s). */
  shutdownTimeout?: number;
  log?: (message: string) => void;
}

/** `WEB_CONCURRENCY` as a worker count: an integer of 2 or more, anything else means "no cluster". */
export function workerCount(value: string | number | undefined): number {
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isInteger(n) && n > 1 ? n : 1;
}

/**
 * `WEB_CONCURRENCY=N node server`: in the primary process, forks N workers that each boot the app
 * and share its port (the OS hands each connection to one of them), and returns true; the caller
 * then does nothing else. In a worker, or with N < 2, returns false: the caller starts the app.
 *
 * A worker that dies is replaced. SIGTERM/SIGINT to the primary are passed to every worker, which
 * drain their requests and close their pools; the primary exits when the last one has, with 0 if
 * every worker stopped cleanly, 1 otherwise.
 */
export function runWorkers(concurrency: string | number | undefined, options: ClusterOptions = {}): boolean {
  const workers = workerCount(concurrency);
  if (workers < 2 || !cluster.isPrimary) return false;
  const log = options.log ?? ((m: string) => console.log(`[loopline cluster] ${m}`));
  const deadline = (options.shutdownTimeout ?? DEFAULT_SHUTDOWN_TIMEOUT) + 1000;
  let stopping = false;
  let failed = false;
  const fork = (): Worker => cluster.fork();

  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (code !== 0) failed = true;
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(failed ? 1 : 0);
      return;
    }
    log(`worker ${worker.process.pid} exited (${signal ?? code}); starting another`);
    fork();
  });

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log(`${signal} received: stopping ${workers} workers`);
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    setTimeout(() => {
      log(`workers still running after ${deadline} ms; killing them`);
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
      process.exit(1);
    }, deadline).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);

  log(`primary ${process.pid} starting ${workers} workers`);
  for (let i = 0; i < workers; i++) fork();
  return true;
}
