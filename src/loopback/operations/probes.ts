import type { IncomingMessage, ServerResponse } from 'http';
import type { DataSource } from '../../juggler/datasource';

/**
 * `GET /health` (liveness: the process answers, no store is touched) and `GET /ready`
 * (readiness: every data source answers a ping). Answered before the middleware phases, so a
 * probe never runs the token lookup, body parsers or an app's own middleware.
 *
 * config.json: `"probes": {"health": "/health", "ready": "/ready", "timeout": 2000}`; a path set
 * to `false` turns that probe off, `"probes": false` turns both off (LB3 apps have neither route
 * by default, so the paths only collide with routes an app added itself).
 */
export interface ProbeSettings {
  health: string | false;
  ready: string | false;
  /** ms a data source may take to answer the readiness ping before it counts as down. */
  timeout: number;
}

const DEFAULTS: ProbeSettings = { health: '/health', ready: '/ready', timeout: 2000 };

export function probeSettings(config: unknown): ProbeSettings | undefined {
  if (config === false) return undefined;
  const c = (config && typeof config === 'object' ? config : {}) as Partial<ProbeSettings>;
  const path = (v: unknown, fallback: string | false) => (v === false ? false : typeof v === 'string' && v.startsWith('/') ? v : fallback);
  const timeout = Number(c.timeout);
  return { health: path(c.health, DEFAULTS.health), ready: path(c.ready, DEFAULTS.ready), timeout: Number.isFinite(timeout) && timeout > 0 ? timeout : DEFAULTS.timeout };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

function pingWithin(ds: DataSource, ms: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(`no answer within ${ms} ms`), ms);
    Promise.resolve(ds.ping()).then(
      () => {
        clearTimeout(timer);
        resolve(undefined);
      },
      (err: unknown) => {
        clearTimeout(timer);
        resolve(String((err as Error)?.message ?? err));
      },
    );
  });
}

/** Each data source once, under the name it was registered with (app.dataSources holds aliases). */
function distinct(dataSources: Record<string, DataSource>): Array<[string, DataSource]> {
  const seen = new Set<DataSource>();
  const out: Array<[string, DataSource]> = [];
  for (const [name, ds] of Object.entries(dataSources)) {
    if (seen.has(ds)) continue;
    seen.add(ds);
    out.push([ds.name && dataSources[ds.name] === ds ? ds.name : name, ds]);
  }
  return out;
}

async function answerReady(res: ServerResponse, dataSources: Record<string, DataSource>, timeout: number): Promise<void> {
  const list = distinct(dataSources);
  const results = await Promise.all(list.map(([, ds]) => pingWithin(ds, timeout)));
  const status: Record<string, 'UP' | 'DOWN'> = {};
  const failed: Record<string, string> = {};
  list.forEach(([name], i) => {
    status[name] = results[i] === undefined ? 'UP' : 'DOWN';
    if (results[i] !== undefined) failed[name] = results[i]!;
  });
  const down = Object.keys(failed);
  if (down.length === 0) return send(res, 200, { status: 'UP', dataSources: status });
  send(res, 503, {
    status: 'DOWN',
    dataSources: status,
    error: { statusCode: 503, name: 'Error', code: 'NOT_READY', message: `Data source ${down.map((n) => `"${n}"`).join(', ')} did not answer a ping`, details: failed },
  });
}

/** True when the request was a probe and has been answered. */
export function answerProbe(req: IncomingMessage, res: ServerResponse, settings: ProbeSettings, dataSources: Record<string, DataSource>): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  if (settings.health !== false && path === settings.health) {
    send(res, 200, { status: 'UP' });
    return true;
  }
  if (settings.ready !== false && path === settings.ready) {
    void answerReady(res, dataSources, settings.timeout);
    return true;
  }
  return false;
}
