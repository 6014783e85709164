import { randomUUID } from 'crypto';
import type { IncomingMessage, ServerResponse } from 'http';

/** An incoming `X-Request-Id` is echoed only when it is short and plain (it lands in logs). */
const SAFE_REQUEST_ID = /^[\w.:@-]{1,128}$/;

export type LogWriter = (line: string) => void;

/** On when config.json says `requestLog: true` or the environment `LOOPLINE_REQUEST_LOG=1`. */
export function requestLogEnabled(setting: unknown, env: NodeJS.ProcessEnv = process.env): boolean {
  const fromEnv = env.LOOPLINE_REQUEST_LOG;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv === '1' || fromEnv === 'true';
  return setting === true;
}

/** The path alone: a query string may carry `access_token` or other secrets, so none is logged. */
function pathOf(url: string | undefined): string {
  if (!url) return '/';
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

/**
 * Gives the request an id (echoing a safe incoming `X-Request-Id`), sends it back as
 * `X-Request-Id`, and when the response is finished writes one JSON line:
 * `{"time","id","pid","method","path","status","ms"}`.
 */
export function logRequest(req: IncomingMessage & { id?: string }, res: ServerResponse, write: LogWriter): void {
  const started = process.hrtime.bigint();
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
  req.id = id;
  res.setHeader('X-Request-Id', id);
  const method = req.method;
  const path = pathOf((req as { originalUrl?: string }).originalUrl ?? req.url);
  let written = false;
  const done = () => {
    if (written) return;
    written = true;
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const entry = { time: new Date().toISOString(), id, pid: process.pid, method, path, status: res.statusCode, ms: Math.round(ms * 100) / 100, ...(res.writableFinished ? {} : { aborted: true }) };
    write(JSON.stringify(entry) + '\n');
  };
  res.once('finish', done);
  res.once('close', done);
}
