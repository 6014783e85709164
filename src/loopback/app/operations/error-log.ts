import type { IncomingMessage, ServerResponse } from 'http';
import type { Logger } from 'pino';
import { redactUrl } from '../../../util/redact-url';
import { createLogger } from './logger';
import { CLIENT_ERROR, LOGGED_BY_REQUEST_LINE, requestIdOf } from './request-log';

type ErrorRequest = IncomingMessage & { id?: unknown; originalUrl?: string; app?: { logger?: Logger } };
type ErrorResponse = ServerResponse & {
  err?: unknown;
  [LOGGED_BY_REQUEST_LINE]?: boolean;
  [CLIENT_ERROR]?: Record<string, unknown>;
};

let fallback: Logger | undefined;

/** The app's logger; a plain Express app mounting the error handler gets one with the defaults. */
function loggerOf(req: ErrorRequest): Logger {
  const own = req.app?.logger;
  if (own && typeof own.error === 'function') return own;
  return (fallback ??= createLogger());
}

/** The status strong-error-handler answers with: the error's `statusCode` or `status` when 4xx/5xx, else 500. */
export function statusOfError(err: unknown): number {
  const e = (Array.isArray(err) ? err[0] : err) as
    { statusCode?: unknown; status?: unknown } | null | undefined;
  const status = Number(e?.statusCode ?? e?.status);
  return status >= 400 && status <= 599 ? status : 500;
}

/** What a 4xx line says of its error: no stack (the fault is the client's, not in the code). */
function clientErrorSummary(err: unknown, status: number): Record<string, unknown> {
  const e = (err ?? {}) as { name?: unknown; code?: unknown; message?: unknown };
  return { type: e.name, code: e.code, message: e.message, statusCode: status };
}

/**
 * Logs an error an error handler answers, once: a 5xx at `error` with its stack and the request
 * id, a 4xx at `info` with its code and message only. When the request has a request line
 * (request logs on), the error goes into that line instead of one of its own.
 */
export function logHandledError(err: unknown, req: IncomingMessage, res: ServerResponse): void {
  const request = req as ErrorRequest;
  const response = res as ErrorResponse;
  const status = statusOfError(err);
  const serverError = status >= 500;
  const error = Array.isArray(err) ? err[0] : err;
  if (response[LOGGED_BY_REQUEST_LINE]) {
    if (serverError) response.err = error;
    else response[CLIENT_ERROR] = clientErrorSummary(error, status);
    return;
  }
  const logger = loggerOf(request);
  if (!logger.isLevelEnabled(serverError ? 'error' : 'info')) return;
  const url = redactUrl(request.originalUrl ?? request.url ?? '/');
  const line = {
    reqId: requestIdOf(request, res),
    req: { method: request.method, url },
    err: serverError ? error : clientErrorSummary(error, status),
  };
  const message = `Request ${request.method} ${url} failed: ${status} ${String((error as { message?: unknown } | null)?.message ?? error)}`;
  if (serverError) logger.error(line, message);
  else logger.info(line, message);
}
