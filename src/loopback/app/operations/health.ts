import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { LooplineError } from '../../../errors';
import { debugFor } from '../../../util/debug';
import type { DataSource } from '../../../juggler';

/**
 * `config.json` `health`: `false` turns both endpoints off; an object may move them
 * (`livenessPath`, `readinessPath`) or bound the readiness ping (`timeout`, ms).
 */
export interface HealthSettings {
  livenessPath: string;
  readinessPath: string;
  timeout: number;
}

export const DEFAULT_HEALTH: HealthSettings = Object.freeze({
  livenessPath: '/health',
  readinessPath: '/ready',
  timeout: 2000,
});

export function healthSettings(value: unknown): HealthSettings | undefined {
  if (value === false) return undefined;
  const own =
    value && typeof value === 'object' ? (value as Partial<HealthSettings> & { enabled?: boolean }) : {};
  if (own.enabled === false) return undefined;
  return {
    livenessPath: typeof own.livenessPath === 'string' ? own.livenessPath : DEFAULT_HEALTH.livenessPath,
    readinessPath: typeof own.readinessPath === 'string' ? own.readinessPath : DEFAULT_HEALTH.readinessPath,
    timeout:
      Number.isFinite(Number(own.timeout)) && Number(own.timeout) > 0
        ? Number(own.timeout)
        : DEFAULT_HEALTH.timeout,
  };
}

const debug = debugFor('health');

/**
 * The 503 of readiness, written here rather than passed to the error handler: a production error
 * handler hides the message of a 5xx, and a load balancer's operator needs to see which store.
 * Only data source names travel; why a ping failed (hosts, ports) stays in the server's debug log.
 */
function notReady(res: Response, message: string, details: Record<string, unknown>): void {
  const err = new LooplineError('NOT_READY', message, details);
  res
    .status(err.statusCode)
    .set('Cache-Control', 'no-store')
    .json({ error: { statusCode: err.statusCode, name: err.name, message, code: err.code, details } });
}

interface HealthApp {
  get(key: string): unknown;
  dataSources: Record<string, DataSource>;
}

/** Each data source once (the app keeps it under several spellings of its name). */
function distinctDataSources(app: HealthApp): DataSource[] {
  return [...new Set(Object.values(app.dataSources))];
}

function pingWithin(ds: DataSource, ms: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    ds.ping().then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

/**
 * Liveness (`GET /health`, never touches a store) and readiness (`GET /ready`: every data source
 * answers a ping). Mounted after the app's own routes, so an app that already serves these paths
 * keeps its handlers. Settings are read on the first request, after boot applied config.json.
 */
export function healthEndpoints(app: HealthApp, isShuttingDown: () => boolean): RequestHandler {
  let settings: HealthSettings | undefined | null = null;
  return (req: Request, res: Response, next: NextFunction) => {
    if (settings === null) settings = healthSettings(app.get('health'));
    if (!settings || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
    if (req.path === settings.livenessPath) {
      res.set('Cache-Control', 'no-store').json({ status: 'UP' });
      return;
    }
    if (req.path !== settings.readinessPath) return next();
    const shuttingDown = () =>
      notReady(res, 'The server is shutting down; send requests to another instance', { shuttingDown: true });
    if (isShuttingDown()) return shuttingDown();
    const timeout = settings.timeout;
    const sources = distinctDataSources(app);
    void Promise.all(
      sources.map((ds) =>
        pingWithin(ds, timeout).then(
          () => ({ name: ds.name, up: true, reason: undefined as string | undefined }),
          (err: Error) => ({ name: ds.name, up: false, reason: err.message }),
        ),
      ),
    ).then((results) => {
      const dataSources = Object.fromEntries(results.map((r) => [r.name, r.up ? 'UP' : 'DOWN']));
      const down = results.filter((r) => !r.up);
      // A shutdown that began while the stores were pinged wins: the answer is "not ready" now.
      if (isShuttingDown()) return shuttingDown();
      if (!down.length) {
        res.set('Cache-Control', 'no-store').json({ status: 'UP', dataSources });
        return;
      }
      for (const r of down) debug('data source %s did not answer a ping: %s', r.name, r.reason);
      const names = down.map((r) => r.name);
      notReady(
        res,
        `Data source ${names.join(', ')} did not answer a ping; the server is not ready for traffic`,
        { dataSources, failed: names },
      );
    });
  };
}
