import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { LooplineError } from '../../../errors';

type CorsFactory = (options?: Record<string, unknown>) => RequestHandler;

/**
 * The `cors` entry of an LB3 middleware.json, with one difference: a preflight from an origin
 * the configuration does not allow is refused with 403 `CORS_ORIGIN_DENIED` instead of the
 * package's silent 204 without allow headers, so a developer sees why the browser balks. The
 * package still decides every header; an app that sets `preflightContinue` handles preflights
 * itself, as before.
 */
export function refusingForeignPreflights(factory: CorsFactory): CorsFactory {
  return function cors(options: Record<string, unknown> = {}) {
    if (options.preflightContinue === true) return factory(options);
    const inner = factory({ ...options, preflightContinue: true });
    const successStatus =
      typeof options.optionsSuccessStatus === 'number' ? options.optionsSuccessStatus : 204;
    return (req: Request, res: Response, next: NextFunction) => {
      const preflight =
        req.method === 'OPTIONS' &&
        req.headers.origin !== undefined &&
        req.headers['access-control-request-method'] !== undefined;
      inner(req, res, (err?: unknown) => {
        if (err || !preflight) return next(err);
        if (res.getHeader('Access-Control-Allow-Origin') === undefined) {
          return next(
            new LooplineError(
              'CORS_ORIGIN_DENIED',
              `Cross-origin requests from ${String(req.headers.origin)} are not allowed by this server's CORS settings (middleware.json "cors" params.origin)`,
            ),
          );
        }
        res.statusCode = successStatus;
        res.setHeader('Content-Length', '0');
        res.end();
      });
    };
  };
}
