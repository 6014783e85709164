import { randomUUID } from 'crypto';
import type { IncomingMessage, ServerResponse } from 'http';
import type { Logger } from 'pino';
import { redactUrl } from '../../../util/redact-url';
import { SERIALIZERS } from './logger';

/** An incoming `X-Request-Id` is echoed only when it is short and plain (it lands in logs). */
const SAFE_REQUEST_ID = /^[\w.:@-]{1,128}$/;

/** Set on a response whose request line pino-http writes: its error goes in that line, not a second one. */
export const LOGGED_BY_REQUEST_LINE = Symbol('loopline.requestLine');
/** The 4xx error of a response, summarised (no stack) in its request line. */
export const CLIENT_ERROR = Symbol('loopline.clientError');

type IdentifiedRequest = IncomingMessage & { id?: unknown; originalUrl?: string };
type LoggedResponse = ServerResponse & {
  err?: unknown;
  [LOGGED_BY_REQUEST_LINE]?: boolean;
  [CLIENT_ERROR]?: Record<string, unknown>;
};

/**
 * On when config.json says `"logging": {"requests": true}` (or the older `"requestLog": true`), or
 * the environment `LOOPLINE_REQUEST_LOG=1` (`=0` turns it off over the config).
 */
export function requestLogEnabled(
  logging: unknown,
  legacySetting?: unknown,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  const fromEnv = env.LOOPLINE_REQUEST_LOG;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv === '1' || fromEnv === 'true';
  const requests =
    logging && typeof logging === 'object' ? (logging as { requests?: unknown }).requests : undefined;
  return requests === undefined ? legacySetting === true : requests === true;
}

/**
 * The request's id, given the first time something needs it (its request line, or the log line
 * of its error): the caller's safe `X-Request-Id`, else a new UUID; sent back as `X-Request-Id`
 * while the headers can still be set.
 */
export function requestIdOf(req: IdentifiedRequest, res: ServerResponse): string {
  if (typeof req.id === 'string' || typeof req.id === 'number') return String(req.id);
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
  req.id = id;
  if (!res.headersSent) res.setHeader('X-Request-Id', id);
  return id;
}

function levelOf(res: LoggedResponse, err?: Error): 'info' | 'error' {
  return err || res.err || res.statusCode >= 500 ? 'error' : 'info';
}

/**
 * The request-line middleware: pino-http on the app's logger, one line per request when its
 * response is finished or the connection closes — `req` (method, URL without secrets, headers),
 * `res.statusCode`, `responseTime` (ms) and `reqId`. A 5xx line carries its error with the stack
 * (the error handler hands it over as `res.err`), a 4xx line the error's code and message only.
 */
export function requestLogger(logger: Logger): (req: IncomingMessage, res: ServerResponse) => void {
  const { pinoHttp } = require('pino-http') as typeof import('pino-http');
  const middleware = pinoHttp({
    logger,
    wrapSerializers: false,
    serializers: SERIALIZERS,
    quietReqLogger: true,
    genReqId: (req, res) => requestIdOf(req as IdentifiedRequest, res),
    customLogLevel: (_req, res, err) => levelOf(res as LoggedResponse, err),
    customSuccessMessage: (req, res, ms) =>
      `${req.method} ${redactUrl((req as IdentifiedRequest).originalUrl ?? req.url ?? '/')} ${res.statusCode} ${ms}ms`,
    customErrorMessage: (req, res, err) =>
      `${req.method} ${redactUrl((req as IdentifiedRequest).originalUrl ?? req.url ?? '/')} ${res.statusCode}: ${err.message}`,
    customSuccessObject: (_req, res, line) => {
      const clientError = (res as LoggedResponse)[CLIENT_ERROR];
      return clientError ? { ...line, err: clientError } : line;
    },
    // pino-http makes up an Error for a 5xx nobody reported; its stack would point into pino-http.
    customErrorObject: (_req, res, err, line) =>
      (res as LoggedResponse).err === undefined && err.message === `failed with status code ${res.statusCode}`
        ? { ...line, err: undefined }
        : line,
  });
  return (req, res) => {
    (res as LoggedResponse)[LOGGED_BY_REQUEST_LINE] = true;
    middleware(req, res);
  };
}
