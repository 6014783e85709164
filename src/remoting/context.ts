import type { Request, Response } from 'express';
import type { SharedMethod } from './shared-method';
import { ContextKeeper, requestContextKeeper } from './request-context';

/** A request being served by a remote method: LB3 code finds the method's context on it. */
export type RemotingRequest = Request & { remotingContext?: RemotingContext };

/**
 * What remote hooks and methods see of one invocation: LB3's `ctx` with `req`, `res`, `args`,
 * `result`, `method`, `methodString` and, for prototype methods, `instance`.
 */
export class RemotingContext {
  // Declared, then assigned in the constructor in one order: one object shape, made per request.
  declare req: Request;
  declare res: Response;
  declare args: Record<string, any>;
  // LB3 starts every context with an empty result object; before hooks see it as their second argument.
  declare result: any;
  declare instance: any;
  declare error: any;
  declare options: Record<string, unknown> | undefined;
  /** For prototype methods: the arguments that select the instance (`id`). */
  declare ctorArgs: Record<string, any>;
  declare readonly method: SharedMethod;
  declare readonly methodString: string;
  [key: string]: any;
  /** Re-enters the request's loopback-context around app code (see request-context.ts). */
  readonly #keep: ContextKeeper;

  constructor(req: Request, res: Response, method: SharedMethod) {
    this.req = req;
    this.res = res;
    this.args = {};
    this.result = {};
    this.instance = undefined;
    this.error = undefined;
    this.options = undefined;
    this.ctorArgs = {};
    this.method = method;
    this.methodString = method.stringName;
    (req as RemotingRequest).remotingContext = this;
    this.#keep = requestContextKeeper(req);
  }

  /** Calls app code (a hook, the method) inside the request's loopback-context, if it has one. */
  inRequestContext<T>(fn: () => T): T {
    return this.#keep(fn);
  }
}
