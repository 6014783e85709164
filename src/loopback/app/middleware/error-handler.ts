import type { Request, Response } from 'express';
import { redactUrl } from '../../../util/redact-url';
import { logHandledError } from '../operations/error-log';

/**
 * The error handler used when the app configured none: strong-error-handler in production mode,
 * so responses never carry stack traces. Loaded on the first error only: it (with its
 * globalisation layer) is the slowest module to require, and most requests never need it.
 */
type Handler = (err: Error, req: Request, res: Response, next: () => void) => void;
let handler: Handler | undefined;
let withCode: Handler | undefined;

/**
 * 5xx bodies show only status and message in production mode; a store that cannot be reached
 * also shows its code, STORE_UNAVAILABLE, so a client can tell "retry later" from a fault.
 */
const CODES_SHOWN_ON_5XX = new Set(['STORE_UNAVAILABLE', 'STORE_AUTH_FAILED', 'STORE_DATABASE_NOT_FOUND']);

/**
 * strong-error-handler as middleware.json mounts it (`"strong-error-handler": {}`, as every LB3
 * app has): the same handler, except that the codes above stay in a 5xx body, as they do with
 * the default handler. Other 5xx codes (a driver's) stay hidden unless `safeFields` names `code`.
 */
export function showingStoreCodes(
  factory: (options?: Record<string, unknown>) => Handler,
): (options?: Record<string, unknown>) => Handler {
  return function strongErrorHandler(options: Record<string, unknown> = {}) {
    // Errors are logged through the app's logger (a 4xx without its stack, a 5xx once with it and
    // the request id), not strong-error-handler's console lines; `log: false` still silences them.
    const logging = options.log !== false;
    options = { ...options, log: false };
    const plain = factory(options);
    const safe =
      options.safeFields === undefined
        ? []
        : Array.isArray(options.safeFields)
          ? options.safeFields
          : [options.safeFields];
    const coded = safe.includes('code') ? plain : factory({ ...options, safeFields: [...safe, 'code'] });
    return (err, req, res, next) => {
      const code = (err as { code?: unknown } | null)?.code;
      // A token in the query string must reach no log line, nor a 404 message. Nothing after the
      // error handler reads the URL.
      req.url = redactUrl(req.url);
      if (logging) logHandledError(err, req, res);
      return (typeof code === 'string' && CODES_SHOWN_ON_5XX.has(code) ? coded : plain)(err, req, res, next);
    };
  };
}

/** LB3's `remoting.errorHandler` options: strong-error-handler's, plus a `handler` run first. */
export interface RemotingErrorHandlerOptions {
  debug?: boolean;
  log?: boolean;
  safeFields?: string | string[];
  handler?: (err: unknown, req: Request, res: Response, next: (handlerError?: unknown) => void) => void;
  [key: string]: unknown;
}

const configured = new WeakMap<RemotingErrorHandlerOptions, Handler>();

/**
 * The app's `remoting.errorHandler` (LB3 handed it to strong-error-handler for REST errors):
 * `debug: true` shows messages and stacks of 5xx errors, `handler(err, req, res, next)` runs first
 * and may answer or call `next([anotherError])`. Errors are logged unless `log: false` (as LB3).
 */
function configuredHandler(options: RemotingErrorHandlerOptions): Handler {
  let h = configured.get(options);
  if (!h) {
    const { handler: custom, ...rest } = options;
    const render = showingStoreCodes(require('strong-error-handler'))(rest);
    h = (err, req, res, next) => {
      if (typeof custom !== 'function') return render(err, req, res, next);
      const fallback = (handlerError?: unknown) => render((handlerError ?? err) as Error, req, res, next);
      try {
        custom(err, req, res, fallback);
      } catch (thrown) {
        fallback(thrown);
      }
    };
    configured.set(options, h);
  }
  return h;
}

/** The REST API's own answer to its errors when `remoting.errorHandler` is configured (RemoteObjects.errorResponder). */
export function remotingErrorResponder(options: RemotingErrorHandlerOptions): Handler {
  return configuredHandler(options);
}

export function defaultErrorHandler(
  err: unknown,
  req: Request,
  res: Response,
  remotingErrorHandler?: RemotingErrorHandlerOptions,
): void {
  if (res.headersSent) {
    logHandledError(err, req, res);
    res.end();
    return;
  }
  if (remotingErrorHandler && typeof remotingErrorHandler === 'object') {
    configuredHandler(remotingErrorHandler)(err as Error, req, res, () => undefined);
    return;
  }
  logHandledError(err, req, res);
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && CODES_SHOWN_ON_5XX.has(code)) {
    withCode ??= require('strong-error-handler')({ debug: false, log: false, safeFields: ['code'] });
    withCode!(err as Error, req, res, () => undefined);
    return;
  }
  handler ??= require('strong-error-handler')({ debug: false, log: false });
  handler!(err as Error, req, res, () => undefined);
}
