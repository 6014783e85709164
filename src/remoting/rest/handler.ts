import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { LooplineError } from '../../errors';
import { debugFor } from '../../util/debug';
import type { CoerceOptions } from '../coerce';
import { RemotingContext, RemotingRequest } from '../context';
import type { RemoteObjects } from '../remote-objects';
import { runChain, runHook } from '../remote-hooks';
import { buildArgs, compileArgs, RefusedArg, validateArgs } from './args';
import { acceptsAnswer, negotiatesAnswer, sendResult, shapeResult } from './http-result';
import { QueryOptions, requestQuery } from './query-string';
import type { RestRoute } from './route-table';

/**
 * One route's handler: the invocation of its shared method, in LB3's order —
 *   1. the query string (query-string.ts), and 406 when the client accepts no answer we give;
 *   2. the arguments read and coerced (args.ts): a value not of its type is refused here;
 *   3. the method's own `rest.before` step;
 *   4. the phases (`remotes.phases`): `authorize` (access control, before the instance is loaded),
 *      `resolveInstance`, the before-remote hooks, `invoke` (the deferred argument checks, then
 *      the method) and the after-remote hooks, with any step an app added around them;
 *   5. `rest.after`, then the answer (http-result.ts).
 * A failure runs the afterError hooks and goes to `next`, with the route's `errorStatus`.
 */

const debug = debugFor('remoting');

/** What the handler takes of the REST options. */
export interface InvokeOptions {
  rest?: { maxDepth?: number };
  /** Bounds on query-string parsing (`?filter[where][a][gt]=1`). */
  query?: QueryOptions;
}

/** Ends a failed call: the class's `baseUrl` is undone and the error, given its route status, goes on. */
function fail(err: unknown, route: RestRoute, req: Request, outerBase: string, next: NextFunction): void {
  req.baseUrl = outerBase;
  if (err && typeof err === 'object') {
    const e = err as { statusCode?: unknown; status?: unknown };
    if (!e.statusCode && !e.status && route.errorStatus) e.statusCode = route.errorStatus;
  }
  debug('%s failed: %s', route.method.stringName, (err as { message?: unknown } | null | undefined)?.message);
  next(err);
}

export function createInvokeHandler(
  remotes: RemoteObjects,
  route: RestRoute,
  options: InvokeOptions,
): RequestHandler {
  const method = route.method;
  const sharedClass = route.sharedClass;
  const coerceOptions: CoerceOptions = { maxDepth: options.rest?.maxDepth };
  const args = compileArgs(method.accepts, route.verb, coerceOptions);
  const ctorArgs = method.isStatic
    ? []
    : compileArgs(sharedClass.sharedCtorAccepts, route.verb, coerceOptions);
  const classPath = sharedClass.http.path;
  const negotiates = negotiatesAnswer(method);
  return async (req: Request, res: Response, next: NextFunction) => {
    const ctx = new RemotingContext(req, res, method);
    // LB3 mounts one router per class, so hooks see `req.baseUrl` as e.g. `/api/Orders`.
    const outerBase = req.baseUrl;
    req.baseUrl = outerBase + classPath;
    try {
      const query = requestQuery(req, options.query);
      if (negotiates && !acceptsAnswer(req, query)) {
        throw new LooplineError(
          'NOT_ACCEPTABLE',
          `This endpoint answers with application/json, which the Accept header (${String(req.headers.accept)}) does not allow`,
        );
      }
      if (!method.isStatic) {
        const holder = new RemotingContext(req, res, method);
        (req as RemotingRequest).remotingContext = ctx;
        buildArgs(ctorArgs, req, holder, query, undefined);
        ctx.ctorArgs = holder.args;
      }
      const refused: RefusedArg[] = [];
      buildArgs(args, req, ctx, query, refused);
      // LB3's order: the method's own rest.before step, then access control (before the instance
      // is loaded: no 404 that tells an intruder an id exists), then the before-remote hooks.
      if (method.rest.before) await runHook(method.rest.before, ctx);
      // Then the phases (remotes.phases): loopline's own steps, and any an app added around them.
      for (const step of remotes.phases.steps()) {
        if (typeof step === 'function') {
          await runHook(step, ctx);
          continue;
        }
        switch (step) {
          case 'authorize':
            if (remotes.authorize) await remotes.authorize(ctx);
            break;
          case 'resolveInstance':
            if (method.isStatic) break;
            if (!sharedClass.resolveInstance)
              throw new LooplineError('CONFIGURATION_ERROR', `${sharedClass.name} cannot resolve instances`);
            ctx.instance = await sharedClass.resolveInstance(ctx.ctorArgs.id, ctx);
            break;
          case 'beforeHooks':
            await runChain(remotes.hooks.chain('before', method), ctx);
            break;
          case 'invoke': {
            validateArgs(args, ctx, refused);
            const target = method.isStatic ? sharedClass.ctor : ctx.instance;
            const results = await ctx.inRequestContext(() =>
              method.invoke(
                target,
                method.accepts.map((a) => ctx.args[a.arg]),
              ),
            );
            ctx.result = shapeResult(method.returns, results, ctx);
            break;
          }
          case 'afterHooks':
            await runChain(remotes.hooks.chain('after', method), ctx);
            break;
        }
      }
    } catch (err) {
      ctx.error = err;
      try {
        await runChain(remotes.hooks.chain('afterError', method), ctx);
      } catch (hookErr) {
        req.baseUrl = outerBase;
        return next(hookErr);
      }
      return fail(err, route, req, outerBase, next);
    }
    // After the after-remote hooks, outside the afterError hooks, as LB3: so an afterRemote hook
    // of findById sees a null result before rest.after turns it into a 404.
    try {
      if (method.rest.after) await runHook(method.rest.after, ctx);
      if (!res.headersSent) sendResult(req, res, ctx, route);
      req.baseUrl = outerBase;
    } catch (err) {
      fail(err, route, req, outerBase, next);
    }
  };
}
