import type { Request, Response } from 'express';
import { redactUrl } from '../../util/redact-url';

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
const CODES_SHOWN_ON_5XX = new Set(['STORE_UNAVAILABLE']);

/**
 * strong-error-handler as middleware.json mounts it (`"strong-error-handler": {}`, as every LB3
 * app has): the same handler, except that the codes above stay in a 5xx body, as they do with
 * the default handler. Other 5xx codes (a driver's) stay hidden unless `safeFields` names `code`.
 */
export function showingStoreCodes(
  factory: (options?: Record<string, unknown>) => Handler,
): (options?: Record<string, unknown>) => Handler {
  return function strongErrorHandler(options: Record<string, unknown> = {}) {
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
      // Its log line (on by default) prints req.url: a token in the query string must not reach it.
      // Nothing after the error handler reads the URL.
      req.url = redactUrl(req.url);
      return (typeof code === 'string' && CODES_SHOWN_ON_5XX.has(code) ? coded : plain)(err, req, res, next);
    };
  };
}

export function defaultErrorHandler(err: unknown, req: Request, res: Response): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && CODES_SHOWN_ON_5XX.has(code)) {
    withCode ??= require('strong-error-handler')({ debug: false, log: false, safeFields: ['code'] });
    withCode!(err as Error, req, res, () => undefined);
    return;
  }
  handler ??= require('strong-error-handler')({ debug: false, log: false });
  handler!(err as Error, req, res, () => undefined);
}
