import cluster, { Worker } from 'cluster';
import { createLogger } from './logger';
import { DEFAULT_SHUTDOWN_TIMEOUT, type ShutdownLogLevel } from './shutdown';

export interface ClusterOptions {
  /** ms the workers get to drain after SIGTERM before they are killed (default 10000, plus 1 s). */
  shutdownTimeout?: number;
  /** Where the primary's lines go; by default a pino logger (config.json is not read by the primary). */
  log?: (message: string, level?: ShutdownLogLevel) => void;
}

/** The primary's own pino logger: it boots no app, so it has no app.logger; LOOPLINE_LOG_LEVEL applies. */
function primaryLog(): (message: string, level?: ShutdownLogLevel) => void {
  const logger = createLogger().child({ component: 'cluster' });
  return (message, level = 'info') => logger[level](message);
}

/** A worker that dies younger than this (ms) died of its boot or its start: replace it later. */
const EARLY_DEATH_MS = 5000;
/** The first wait before replacing an early death; each further one doubles it, up to the max. */
const RESTART_DELAY_MIN_MS = 100;
const RESTART_DELAY_MAX_MS = 5000;

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
 * A worker that dies is replaced: at once when it had run for 5 s or more (which also resets the
 * delay below), otherwise after a delay of 100 ms that doubles with each such early death, up to
 * 5 s, so an app that cannot boot does not fork in a tight loop. SIGTERM/SIGINT to
 * the primary are passed to every worker, which drain their requests and close their pools (a
 * replacement still waiting is called off); the primary exits when the last one has, with 0 if
 * every worker stopped cleanly, 1 otherwise.
 */
export function runWorkers(concurrency: string | number | undefined, options: ClusterOptions = {}): boolean {
  const workers = workerCount(concurrency);
  if (workers < 2 || !cluster.isPrimary) return false;
  const log = options.log ?? primaryLog();
  const deadline = (options.shutdownTimeout ?? DEFAULT_SHUTDOWN_TIMEOUT) + 1000;
  let stopping = false;
  let failed = false;
  // Our own record rather than cluster.workers, which may still list a worker at its 'exit'.
  const running = new Map<Worker, number>();
  const pending = new Set<NodeJS.Timeout>();
  let restartDelay = 0;
  const fork = (): Worker => {
    const worker = cluster.fork();
    running.set(worker, Date.now());
    return worker;
  };
  const stopped = () => process.exit(failed ? 1 : 0);

  cluster.on('exit', (worker, code, signal) => {
    const lived = Date.now() - (running.get(worker) ?? Date.now());
    running.delete(worker);
    if (stopping) {
      if (code !== 0) failed = true;
      if (running.size === 0) stopped();
      return;
    }
    const pid = worker.process.pid;
    const replace = () => log(`worker ${fork().process.pid} started in place of worker ${pid}`);
    if (lived >= EARLY_DEATH_MS) {
      restartDelay = 0;
      log(`worker ${pid} exited (${signal ?? code}); replacing it`, 'warn');
      replace();
      return;
    }
    restartDelay = restartDelay ? Math.min(restartDelay * 2, RESTART_DELAY_MAX_MS) : RESTART_DELAY_MIN_MS;
    log(
      `worker ${pid} exited (${signal ?? code}) ${lived} ms after it started; replacing it in ${restartDelay} ms`,
      'warn',
    );
    const timer = setTimeout(() => {
      pending.delete(timer);
      replace();
    }, restartDelay);
    pending.add(timer);
  });

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log(`${signal} received: stopping ${workers} workers`);
    // A worker waiting to be replaced died unasked: that is not a clean stop.
    if (pending.size) failed = true;
    for (const timer of pending) clearTimeout(timer);
    pending.clear();
    if (running.size === 0) return stopped();
    for (const worker of running.keys()) worker.process.kill('SIGTERM');
    setTimeout(() => {
      log(`workers still running after ${deadline} ms; killing them`, 'warn');
      for (const worker of running.keys()) worker.process.kill('SIGKILL');
      process.exit(1);
    }, deadline).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);

  log(`primary ${process.pid} starting ${workers} workers`);
  for (let i = 0; i < workers; i++) fork();
  return true;
}
