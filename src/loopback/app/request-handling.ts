import type * as express from 'express';
import finalhandler from 'finalhandler';
import type * as http from 'http';
import { packWarmed } from '../../pack/load-pack';
import { adoptServer } from './born-requests';
import { hasOwn } from '../../util/own';
import { withBodyErrorCode } from '../../errors/body-parser-errors';
import { defaultErrorHandler } from './middleware/error-handler';
import { createLogger, Logger, loggingSettings } from './operations/logger';
import { requestLogEnabled, requestLogger } from './operations/request-log';
import { RestLane } from './rest-lane';
import type { LooplineApp } from './types';

/**
 * The path every request takes into the app: Express's entry point with a safe final handler and
 * the request log, the app's logger that log writes to, and Express 4's `req.param()`.
 */

/** The app router's entry point (Express 5's types leave it out). */
interface RouterHandle {
  handle(req: unknown, res: unknown, done: (err?: unknown) => void): void;
  stack: Parameters<RestLane['handle']>[0]['stack'];
}

export function installRequestHandling(app: LooplineApp): void {
  // Read on the first request, once boot has applied config.json.
  let logRequests: boolean | undefined;
  let logRequest: ((req: http.IncomingMessage, res: http.ServerResponse) => void) | undefined;
  let logger: Logger | undefined;
  const lane = new RestLane();
  let answeredOnce = false;

  Object.defineProperty(app, 'logger', {
    configurable: true,
    enumerable: false,
    get: () => (logger ??= createLogger(loggingSettings(app.get('logging')))),
    set: (replacement: Logger) => {
      logger = replacement;
      logRequest = undefined;
    },
  });

  app.handle = function handle(
    this: LooplineApp,
    req: express.Request,
    res: express.Response,
    callback?: (err?: unknown) => void,
  ) {
    // Anything no handler answered ends in a safe error response: no stack traces by default.
    const done =
      callback ??
      ((err?: unknown) =>
        err
          ? defaultErrorHandler(err, req, res, this.get('remoting')?.errorHandler)
          : finalhandler(req, res, { env: 'production' })());
    // As the server's own listener: its next requests are born with this app's prototypes.
    if (!callback) adoptServer(this, req);
    // Once the first answer is out, a code cache of loopline's pack is written if it had none.
    if (!answeredOnce) {
      answeredOnce = true;
      res.once('finish', packWarmed);
    }
    req.res = res;
    res.req = req;
    // What Express's router sets on every request it routes (and the REST handler its
    // `remotingContext`), and Express's `res.locals`: the router always assigns them before any
    // middleware runs, so an own `undefined` first changes no value anyone reads. They are made
    // here, before the prototypes change, because V8 gives an object that gains a property after
    // Object.setPrototypeOf a hidden class of its own (every request would pay for new maps and
    // their garbage); and each by name, because an object that gains many fields through
    // `obj[key] =` becomes a dictionary, every read on it a hash lookup.
    const ownReq = req as unknown as Record<string, unknown>;
    if (!hasOwn(ownReq, 'baseUrl')) ownReq.baseUrl = undefined;
    if (!hasOwn(ownReq, 'originalUrl')) ownReq.originalUrl = undefined;
    if (!hasOwn(ownReq, 'next')) ownReq.next = undefined;
    if (!hasOwn(ownReq, 'params')) ownReq.params = undefined;
    if (!hasOwn(ownReq, '_parsedUrl')) ownReq._parsedUrl = undefined;
    if (!hasOwn(ownReq, 'remotingContext')) ownReq.remotingContext = undefined;
    if (!(hasOwn(res, 'locals') ? res.locals : (this.response as { locals?: unknown }).locals))
      res.locals = Object.create(null);
    // Node keeps these two on ServerResponse.prototype until the answer is written: the same values, own.
    if (!hasOwn(res, 'statusCode')) res.statusCode = res.statusCode; // eslint-disable-line no-self-assign
    if (!hasOwn(res, 'statusMessage')) res.statusMessage = res.statusMessage; // eslint-disable-line no-self-assign
    Object.setPrototypeOf(req, this.request);
    Object.setPrototypeOf(res, this.response);
    // Off (the default), a request pays this one test and nothing else.
    if ((logRequests ??= requestLogEnabled(this.get('logging'), this.get('requestLog'))))
      (logRequest ??= requestLogger(this.logger))(req, res);
    // A body-parser failure nobody handled still reaches the final handler with its code.
    const finish = (err?: unknown) => done(withBodyErrorCode(err));
    const router = this.router as unknown as RouterHandle;
    // A request for the REST API that no earlier layer could apply to goes straight to it.
    if (lane.handle(router, req, res, finish)) return;
    router.handle(req, res, finish);
  };

  // LB3 apps run on Express 4, whose request had `param(name)`: a route parameter, else a body
  // field, else a query parameter (Express 5 dropped it; LB3 middleware still calls it).
  (app.request as express.Request & { param: unknown }).param = function param(
    this: express.Request,
    name: string,
    defaultValue?: unknown,
  ): unknown {
    const params = this.params ?? {};
    const body = (this.body ?? {}) as Record<string, unknown>;
    const query = (this.query ?? {}) as Record<string, unknown>;
    if (hasOwn(params, name) && params[name] !== undefined) return params[name];
    if (hasOwn(body, name) && body[name] !== undefined) return body[name];
    if (hasOwn(query, name) && query[name] !== undefined) return query[name];
    return defaultValue;
  };
}
