import type { Request, Response } from 'express';

/**
 * The error handler used when the app configured none: strong-error-handler in production mode,
 * so responses never carry stack traces. Loaded on the first error only: it (with its
 * globalisation layer) is the slowest module to require, and most requests never need it.
 */
let handler: ((err: Error, req: Request, res: Response, next: () => void) => void) | undefined;

export function defaultErrorHandler(err: unknown, req: Request, res: Response): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  handler ??= require('strong-error-handler')({ debug: false, log: false });
  handler!(err as Error, req, res, () => undefined);
}
