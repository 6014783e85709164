import type express from 'express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { serveStatic } from '../../../util/express-parts';
import * as fs from 'fs';
import * as path from 'path';
import * as qs from 'qs';
import { LooplineError } from '../../../errors';
import { tokenMiddleware, TokenOptions } from '../../security/token-middleware';
import { redactUrl } from '../../../util/redact-url';
import type { LooplineApp } from '../types';

/** Marks the handler `rest()` returns: the app's REST fast lane (rest-lane.ts) looks for its layer. */
export const REST_MIDDLEWARE: unique symbol = Symbol.for('loopline.restMiddleware');

/**
 * Marks a middleware that answers one path (relative to where it is mounted) and passes every
 * other request on untouched: the REST fast lane need not run it for other paths.
 */
export const APPLIES_ONLY_TO: unique symbol = Symbol.for('loopline.appliesOnlyTo');

/**
 * Marks a middleware of loopline's own that the REST fast lane may call itself, as Express's
 * router would, when it is mounted at `/` before REST: it reads the request, sets what it sets and
 * calls `next` (or `next(err)`), and needs nothing of the router but `req.next`, `req.baseUrl` and
 * `req.params` as the router leaves them.
 */
export const RUNS_IN_LANE: unique symbol = Symbol.for('loopline.runsInLane');

/** `loopback.rest()`: the app's REST API, served from the route table built once. */
export function rest(): RequestHandler {
  let findToken: RequestHandler | undefined;
  const handler = (req: Request, res: Response, next: NextFunction) => {
    const app = req.app as LooplineApp;
    // As LB3: with auth enabled, the REST handler resolves the token itself when no
    // `loopback#token` middleware ran before it.
    if (app.isAuthEnabled && req.accessToken === undefined) {
      findToken ??= tokenMiddleware();
      return findToken(req, res, (err?: unknown) =>
        err ? next(err) : app.remotes().handler('rest')(req, res, next),
      );
    }
    app.remotes().handler('rest')(req, res, next);
  };
  return Object.assign(handler, { [REST_MIDDLEWARE]: true });
}

/** `loopback.urlNotFound()`: 404 for anything no middleware answered, as LB3. */
export function urlNotFound(): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    // The message reaches error logs (strong-error-handler prints the stack): no token in it.
    next(new LooplineError('URL_NOT_FOUND', `Cannot ${req.method} ${redactUrl(req.originalUrl ?? req.url)}`));
  };
}

/**
 * LB3's `loopback.faviconFile`: the icon shipped with the package (a 1×1 transparent ICO), which
 * `favicon()` serves unless given another file.
 */
export const faviconFile = path.resolve(__dirname, '..', '..', '..', '..', 'favicon.ico');

/** `loopback.favicon([file])`: answers `/favicon.ico` with the icon, read once on first use. */
export function favicon(file: string = faviconFile): RequestHandler {
  let icon: Promise<Buffer> | undefined;
  const handler = (req: Request, res: Response, next: NextFunction) => {
    if (req.path !== '/favicon.ico') return next();
    icon ??= fs.promises.readFile(file);
    icon.then(
      (body) => {
        res.setHeader('Content-Type', 'image/x-icon');
        res.setHeader('Cache-Control', 'public, max-age=86400');
        res.end(body);
      },
      (err: unknown) => {
        // A missing file stays an error on every request (and is read again once it exists).
        icon = undefined;
        next(err);
      },
    );
  };
  return Object.assign(handler, { [APPLIES_ONLY_TO]: '/favicon.ico' });
}

/** How far a query string is read: the bounds of every loopline app's query parser. */
export const QUERY_STRING_LIMITS: qs.IParseOptions = {
  depth: 8,
  arrayLimit: 1000,
  parameterLimit: 1000,
  allowPrototypes: false,
};

/**
 * `loopback.query([options])`, Express 4's query middleware: sets `req.query` from the URL when
 * nothing did yet (an app's own query parser always has, so there it changes nothing). `options`
 * are qs options over loopline's bounds, or a function that parses the query string itself.
 * Express 4 let keys such as `hasOwnProperty` through by default; here that takes
 * `{allowPrototypes: true}`.
 */
export function query(options?: qs.IParseOptions | ((queryString: string) => unknown)): RequestHandler {
  const parse =
    typeof options === 'function'
      ? options
      : (str: string) => qs.parse(str, { ...QUERY_STRING_LIMITS, ...(options ?? {}) });
  return (req: Request, _res: Response, next: NextFunction) => {
    if (req.query === undefined || req.query === null) {
      const url = req.url ?? '';
      const at = url.indexOf('?');
      Object.defineProperty(req, 'query', {
        value: parse(at === -1 ? '' : url.slice(at + 1)),
        writable: true,
        enumerable: true,
        configurable: true,
      });
    }
    next();
  };
}

export function staticFiles(root: string, options?: Parameters<typeof express.static>[1]): RequestHandler {
  return serveStatic()(root, options);
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
  return Object.assign(tokenMiddleware(options), { [RUNS_IN_LANE]: true });
}
