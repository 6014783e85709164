import type { Request, Response } from 'express';

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
