import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import type express from 'express';

/**
 * Express's parts, without `express/index.js`: that file loads body-parser (its four parsers,
 * raw-body, iconv-lite, zlib) and serve-static with the rest, some ten ms of a cold
 * `require('loopline')` for what an app needs at its first request with a body or its first
 * static file. The parts are resolved from Express's own folder, so they are the very modules
 * `require('express')` hands out: `loopback.json === express.json`, `loopback.Router ===
 * express.Router`, and an app's request and response inherit from `express.request` and
 * `express.response`, whoever loads Express first.
 */
const fromExpress = createRequire(require.resolve('express'));

export const application = fromExpress('./lib/application') as express.Application;
export const request = fromExpress('./lib/request') as express.Request;
export const response = fromExpress('./lib/response') as express.Response;
export const Router = fromExpress('router') as typeof express.Router & {
  Route: new (path: string) => express.IRoute;
};

/** Express's body parsers (body-parser), loaded when first asked for. */
export interface BodyParsers {
  json: typeof express.json;
  raw: typeof express.raw;
  text: typeof express.text;
  urlencoded: typeof express.urlencoded;
}

let parsers: BodyParsers | undefined;
export function bodyParsers(): BodyParsers {
  return (parsers ??= fromExpress('body-parser') as BodyParsers);
}

/** `express.static` (serve-static), loaded when first asked for. */
export function serveStatic(): typeof express.static {
  return fromExpress('serve-static') as typeof express.static;
}

/** merge-descriptors(dest, src, false), as Express mixes a new app: what `dest` lacks, with its descriptor. */
function mixin(dest: object, src: object): void {
  for (const name of Object.getOwnPropertyNames(src)) {
    if (Object.prototype.hasOwnProperty.call(dest, name)) continue;
    Object.defineProperty(dest, name, Object.getOwnPropertyDescriptor(src, name)!);
  }
}

/**
 * `express()`, step for step as Express 5's `createApplication` (test/unit/util/express-parts.test.ts
 * holds the two apps to the same shape): a function handing requests to `app.handle`, the event
 * emitter and application methods mixed in, request and response prototypes that know the app.
 */
export function createExpressApp(): express.Express {
  const app = function (req: unknown, res: unknown, next: unknown) {
    (app as unknown as { handle(req: unknown, res: unknown, next: unknown): void }).handle(req, res, next);
  } as unknown as express.Express & { init(): void };
  mixin(app, EventEmitter.prototype);
  mixin(app, application);
  const own = { configurable: true, enumerable: true, writable: true, value: app };
  app.request = Object.create(request, { app: own });
  app.response = Object.create(response, { app: own });
  app.init();
  return app;
}
