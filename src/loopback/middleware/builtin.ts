import express, { NextFunction, Request, RequestHandler, Response } from 'express';
import { LooplineError } from '../../errors';
import { tokenMiddleware, TokenOptions } from '../security/token-middleware';
import { redactUrl } from '../../util/redact-url';

/** `loopback.rest()`: the app's REST API, served from the route table built once. */
export function rest(): RequestHandler {
  let findToken: RequestHandler | undefined;
  return (req: Request, res: Response, next: NextFunction) => {
    const app = (req as any).app;
    // As LB3: with auth enabled, the REST handler resolves the token itself when no
    // `loopback#token` middleware ran before it.
    if (app.isAuthEnabled && (req as any).accessToken === undefined) {
      findToken ??= tokenMiddleware();
      return findToken(req, res, (err?: unknown) =>
        err ? next(err) : app.remotes().handler('rest')(req, res, next),
      );
    }
    app.remotes().handler('rest')(req, res, next);
  };
}

/** `loopback.urlNotFound()`: 404 for anything no middleware answered, as LB3. */
export function urlNotFound(): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    // The message reaches error logs (strong-error-handler prints the stack): no token in it.
    next(
      new LooplineError(
        'URL_NOT_FOUND',
        404,
        `Cannot ${req.method} ${redactUrl(req.originalUrl ?? req.url)}`,
      ),
    );
  };
}

/** A 1×1 transparent icon (ICO with an embedded PNG), so browsers stop asking. */
const FAVICON = Buffer.from(
  'AAABAAEAAQEAAAEAIAA2AAAAFgAAAIlQTkcNChoKAAAADUlIRFIAAAABAAAAAQgGAAAAHxXEiQAAAA1JREFUeJxjYGBgYAAAAAUAAYS1Y4kAAAAASUVORK5CYII=',
  'base64',
);

export function favicon(file?: string): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.path !== '/favicon.ico') return next();
    if (file) return res.sendFile(file);
    res.setHeader('Content-Type', 'image/x-icon');
    res.setHeader('Cache-Control', 'public, max-age=86400');
    res.end(FAVICON);
  };
}

export function staticFiles(root: string, options?: Parameters<typeof express.static>[1]): RequestHandler {
  return express.static(root, options);
}

/** `loopback.status()`: `{started, uptime}` as LB3. */
export function status(): RequestHandler {
  const started = new Date();
  return (_req: Request, res: Response) => {
    res.json({ started, uptime: (Date.now() - started.getTime()) / 1000 });
  };
}

/**
 * `loopback.token()`: resolves the access token of a request into `req.accessToken` (see
 * security/token-middleware.ts for where tokens are looked for).
 */
export function token(options: TokenOptions = {}): RequestHandler {
  return tokenMiddleware(options);
}
