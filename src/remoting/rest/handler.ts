import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { LooplineError } from '../../errors';
import { debugFor } from '../../util/debug';
import type { CoerceOptions } from '../coerce';
import { RemotingContext, RemotingRequest } from '../context';
import type { RemoteObjects } from '../remote-objects';
import type { RemotingStep } from '../phases';
import { RemoteHook, runChain, runHook } from '../remote-hooks';
import { buildArgs, compileArgs, RefusedArg, validateArgs } from './args';
import { acceptsAnswer, compileSendResult, negotiatesAnswer, shapeResult } from './http-result';
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

/** A step that ran synchronously returns nothing; one that must wait returns its promise. */
type Pending = Promise<unknown> | undefined;

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
  const argNames = method.accepts.map((a) => a.arg);
  const classPath = sharedClass.http.path;
  const negotiates = negotiatesAnswer(method);
  const send = compileSendResult(route);
  const hooks = remotes.hooks;
  // The method's hook chains, looked up again only when a hook is added.
  let hooksSeen = -1;
  let beforeChain: RemoteHook[] | null = null;
  let afterChain: RemoteHook[] | null = null;
  let errorChain: RemoteHook[] | null = null;
  const refreshChains = (): void => {
    if (hooks.version === hooksSeen) return;
    beforeChain = hooks.chain('before', method);
    afterChain = hooks.chain('after', method);
    errorChain = hooks.chain('afterError', method);
    hooksSeen = hooks.version;
  };

  const callMethod = (ctx: RemotingContext, refused: RefusedArg[]): Promise<unknown> => {
    validateArgs(args, ctx, refused);
    const target = method.isStatic ? sharedClass.ctor : ctx.instance;
    const values = new Array<unknown>(argNames.length);
    for (let i = 0; i < argNames.length; i++) values[i] = ctx.args[argNames[i]];
    return ctx
      .inRequestContext(() => method.invoke(target, values))
      .then((results) => {
        ctx.result = shapeResult(method.returns, results, ctx);
      });
  };

  /** One step of the phases; a promise only when it has something to wait for. */
  const runStep = (step: RemotingStep, ctx: RemotingContext, refused: RefusedArg[]): Pending => {
    if (typeof step === 'function') return runHook(step, ctx);
    switch (step) {
      case 'authorize':
        return remotes.authorize ? Promise.resolve(remotes.authorize(ctx)) : undefined;
      case 'resolveInstance':
        if (method.isStatic) return undefined;
        if (!sharedClass.resolveInstance)
          throw new LooplineError('CONFIGURATION_ERROR', `${sharedClass.name} cannot resolve instances`);
        return Promise.resolve(sharedClass.resolveInstance(ctx.ctorArgs.id, ctx)).then(
          (instance: unknown) => {
            ctx.instance = instance;
          },
        );
      case 'beforeHooks':
        return beforeChain ? runChain(beforeChain, ctx) : undefined;
      case 'invoke':
        return callMethod(ctx, refused);
      case 'afterHooks':
        return afterChain ? runChain(afterChain, ctx) : undefined;
    }
    return undefined;
  };

  /** The phases (remotes.phases) from step `from` on: loopline's own steps, and any an app added around them. */
  const runSteps = (
    steps: readonly RemotingStep[],
    from: number,
    ctx: RemotingContext,
    refused: RefusedArg[],
  ): Pending => {
    for (let i = from; i < steps.length; i++) {
      const pending = runStep(steps[i], ctx, refused);
      if (pending) return pending.then(() => runSteps(steps, i + 1, ctx, refused));
    }
    return undefined;
  };

  return (req: Request, res: Response, next: NextFunction) => {
    const ctx = new RemotingContext(req, res, method);
    // LB3 mounts one router per class, so hooks see `req.baseUrl` as e.g. `/api/Orders`.
    const outerBase = req.baseUrl;
    req.baseUrl = outerBase + classPath;
    refreshChains();
    const failed = (err: unknown): Pending => {
      ctx.error = err;
      const chain = errorChain;
      if (!chain) return void fail(err, route, req, outerBase, next);
      return runChain(chain, ctx).then(
        () => fail(err, route, req, outerBase, next),
        (hookErr: unknown) => {
          req.baseUrl = outerBase;
          next(hookErr);
        },
      );
    };
    // After the after-remote hooks, outside the afterError hooks, as LB3: so an afterRemote hook
    // of findById sees a null result before rest.after turns it into a 404.
    const answer = (): void => {
      try {
        if (!res.headersSent) send(req, res, ctx);
        req.baseUrl = outerBase;
      } catch (err) {
        fail(err, route, req, outerBase, next);
      }
    };
    const finish = (): Pending => {
      if (method.rest.after)
        return runHook(method.rest.after, ctx).then(answer, (err: unknown) =>
          fail(err, route, req, outerBase, next),
        );
      answer();
      return undefined;
    };
    let pending: Pending;
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
      const steps = remotes.phases.steps();
      // LB3's order: the method's own rest.before step, then access control (before the instance
      // is loaded: no 404 that tells an intruder an id exists), then the before-remote hooks.
      pending = method.rest.before
        ? runHook(method.rest.before, ctx).then(() => runSteps(steps, 0, ctx, refused))
        : runSteps(steps, 0, ctx, refused);
    } catch (err) {
      return failed(err);
    }
    if (pending) return pending.then(finish, failed);
    return finish();
  };
}
