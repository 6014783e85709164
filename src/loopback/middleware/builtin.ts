import express, { NextFunction, Request, RequestHandler, Response } from 'express';
import { LooplineError } from '../../errors';

/** `loopback.rest()`: the app's REST API, served from the route table built once. */
export function rest(): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const app = (req as any).app;
    app.remotes().handler('rest')(req, res, next);
  };
}

/** `loopback.urlNotFound()`: 404 for anything no middleware answered, as LB3. */
export function urlNotFound(): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    next(new LooplineError('URL_NOT_FOUND', 404, `Cannot ${req.method} ${req.originalUrl ?? req.url}`));
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
 * `loopback.token()`: resolves the access token of a request. Users, tokens and ACLs are their own
 * part of loopline; until an AccessToken model with `findForRequest` is attached this sets
 * `req.accessToken = null`.
 */
export function token(options: { model?: any } = {}): RequestHandler {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const app = (req as any).app;
    const TokenModel = options.model ?? app?.models?.AccessToken;
    if ((req as any).accessToken !== undefined) return next();
    if (!TokenModel || typeof TokenModel.findForRequest !== 'function') {
      (req as any).accessToken = null;
      return next();
    }
    try {
      (req as any).accessToken = (await TokenModel.findForRequest(req, options)) ?? null;
      next();
    } catch (err) {
      next(err);
    }
  };
}
