import type { Request, Response } from 'express';
import type { SharedMethod } from './shared-method';
import { ContextKeeper, requestContextKeeper } from './request-context';

const keepers = new WeakMap<RemotingContext, ContextKeeper>();

/** A request being served by a remote method: LB3 code finds the method's context on it. */
export type RemotingRequest = Request & { remotingContext?: RemotingContext };

/**
 * What remote hooks and methods see of one invocation: LB3's `ctx` with `req`, `res`, `args`,
 * `result`, `method`, `methodString` and, for prototype methods, `instance`.
 */
export class RemotingContext {
  req: Request;
  res: Response;
  args: Record<string, any> = {};
  // LB3 starts every context with an empty result object; before hooks see it as their second argument.
  result: any = {};
  instance: any = undefined;
  error: any = undefined;
  options: Record<string, unknown> | undefined = undefined;
  /** For prototype methods: the arguments that select the instance (`id`). */
  ctorArgs: Record<string, any> = {};
  readonly method: SharedMethod;
  readonly methodString: string;
  [key: string]: any;

  constructor(req: Request, res: Response, method: SharedMethod) {
    this.req = req;
    this.res = res;
    this.method = method;
    this.methodString = method.stringName;
    (req as RemotingRequest).remotingContext = this;
    keepers.set(this, requestContextKeeper(req));
  }

  /** Calls app code (a hook, the method) inside the request's loopback-context, if it has one. */
  inRequestContext<T>(fn: () => T): T {
    const keep = keepers.get(this);
    return keep ? keep(fn) : fn();
  }
}
