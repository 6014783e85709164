import { LooplineError } from '../errors';
import { ANSWERS_BY_PROMISE, callForPlainAnswer } from '../util/callback';
import type { RemotingContext } from './context';
import type { SharedClass } from './shared-class';
import { fromHttpAnswer, toHttpCall, type HttpAnswer, type HttpCall } from './rest/http-invocation';

export type HttpSource =
  'path' | 'query' | 'body' | 'form' | 'formData' | 'header' | 'req' | 'res' | 'context';

export interface AcceptArg {
  arg: string;
  /** LB3's other spelling of `arg`. */
  name?: string;
  type?: string | unknown[] | Record<string, unknown>;
  required?: boolean;
  root?: boolean;
  description?: string | string[];
  default?: unknown;
  model?: string;
  allowArray?: boolean;
  /** LB3: the data of a create, whose model has properties only an update may set (a forced id). */
  createOnlyInstance?: boolean;
  http?: { source?: HttpSource | string } | ((ctx: RemotingContext) => unknown) | string;
  /**
   * loopline's own: checks a client-supplied value after coercion and throws a 4xx error to refuse
   * it. It sees the value as the client sent it, so server-side additions are never checked; the
   * refusal is raised after the ACL check and the before-remote hooks (LB3's order for argument
   * errors), and only if the argument still holds the client's value.
   */
  check?: (value: unknown) => void;
}

export interface ReturnArg {
  arg?: string;
  /** LB3's other spelling of `arg`. */
  name?: string;
  /** LB3: the value sets the answer's status or a header (named `header`, else `arg`) instead of the body. */
  http?: { target?: 'status' | 'header' | string; header?: string };
  type?: string | unknown[] | Record<string, unknown>;
  root?: boolean;
  /** LB3: with `type: 'ReadableStream'`, the stream carries JSON objects (sent as server-sent events). */
  json?: boolean;
  description?: string | string[];
}

export interface Route {
  verb: string;
  path: string;
}

export interface RemoteMethodOptions {
  accepts?: AcceptArg | AcceptArg[];
  returns?: ReturnArg | ReturnArg[];
  http?:
    | (Partial<Route> & { status?: number; errorStatus?: number })
    | Array<Partial<Route> & { status?: number; errorStatus?: number }>;
  description?: string | string[];
  notes?: string | string[];
  accessType?: 'READ' | 'WRITE' | 'EXECUTE';
  isStatic?: boolean;
  shared?: boolean;
  documented?: boolean;
  aliases?: string[];
  rest?: { before?: RestStep; after?: RestStep };
  [key: string]: unknown;
}

export type RestStep = (ctx: RemotingContext, next: (err?: unknown) => void) => unknown;

function toArray<T>(v: T | T[] | undefined): T[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

const VERBS: Record<string, string> = {
  del: 'delete',
  delete: 'delete',
  get: 'get',
  post: 'post',
  put: 'put',
  patch: 'patch',
  head: 'head',
  all: 'all',
  options: 'options',
};

/** One remotely callable method of a shared class, with its accepts, returns and routes. */
export class SharedMethod {
  readonly name: string;
  readonly isStatic: boolean;
  readonly sharedClass: SharedClass;
  readonly accepts: AcceptArg[];
  readonly returns: ReturnArg[];
  readonly routes: Array<Route & { status?: number; errorStatus?: number }>;
  /** The `http` metadata as declared (one route or several), as LB3 apps read it; `{}` when none. */
  readonly http: NonNullable<RemoteMethodOptions['http']>;
  readonly description: string | undefined;
  readonly notes: string | undefined;
  readonly accessType: string | undefined;
  readonly aliases: string[];
  readonly documented: boolean;
  readonly rest: { before?: RestStep; after?: RestStep };
  readonly options: RemoteMethodOptions;
  shared = true;

  constructor(sharedClass: SharedClass, name: string, options: RemoteMethodOptions) {
    const isProto = name.startsWith('prototype.');
    this.name = isProto ? name.slice('prototype.'.length) : name;
    this.isStatic = !isProto && options.isStatic !== false;
    this.sharedClass = sharedClass;
    this.options = options;
    // LB3 also names an argument or a return value by `name` instead of `arg`.
    this.accepts = toArray(options.accepts).map((a) =>
      typeof a === 'string'
        ? { arg: a }
        : a.arg === undefined && typeof a.name === 'string'
          ? { ...a, arg: a.name }
          : a,
    );
    this.returns = toArray(options.returns).map((r) =>
      r.arg === undefined && typeof r.name === 'string' ? { ...r, arg: r.name } : r,
    );
    this.description = Array.isArray(options.description)
      ? options.description.join('\n')
      : options.description;
    this.notes = Array.isArray(options.notes) ? options.notes.join('\n') : options.notes;
    this.accessType = options.accessType;
    this.aliases = options.aliases ?? [];
    this.documented = options.documented !== false;
    this.rest = options.rest ?? {};
    this.shared = options.shared !== false;
    this.http = options.http ?? {};
    const http = toArray(options.http);
    if (http.length === 0) http.push({});
    this.routes = http.map((h) => ({
      verb: VERBS[String(h.verb ?? 'post').toLowerCase()] ?? 'post',
      path: h.path ?? `/${this.name}`,
      status: h.status,
      errorStatus: h.errorStatus,
    }));
  }

  /** `Customer.find` or `Customer.prototype.patchAttributes`. */
  get stringName(): string {
    return `${this.sharedClass.name}.${this.isStatic ? '' : 'prototype.'}${this.name}`;
  }

  /** Every name hooks may use for this method: its own and its aliases. */
  get hookNames(): string[] {
    const prefix = `${this.sharedClass.name}.${this.isStatic ? '' : 'prototype.'}`;
    return [this.name, ...this.aliases].map((n) => prefix + n);
  }

  /** The HTTP request that calls this method on a server (see rest/http-invocation.ts). */
  toHttpCall(args: readonly unknown[], instanceId?: unknown): HttpCall {
    return toHttpCall(this, args, instanceId);
  }

  /** The results a server's successful answer carries, in the order of `returns`. */
  fromHttpAnswer(answer: HttpAnswer): unknown[] {
    return fromHttpAnswer(this, answer);
  }

  /**
   * Calls the implementation found at call time (so an app may replace `Model.find` after the
   * remote method is declared) with positional args and a node callback; a returned promise wins.
   */
  invoke(target: any, args: unknown[]): Promise<unknown[]> {
    const fn = target[this.name];
    if (typeof fn !== 'function') {
      return Promise.reject(
        new LooplineError('METHOD_NOT_IMPLEMENTED', `Method ${this.stringName} is not implemented`),
      );
    }
    // loopline's own methods answer by promise alone: called without a callback, same results.
    if ((fn as { [ANSWERS_BY_PROMISE]?: boolean })[ANSWERS_BY_PROMISE] === true) {
      let answer: unknown;
      try {
        // A plain promise (not a Bluebird one): it is only awaited here.
        answer = callForPlainAnswer(() => fn.apply(target, args));
      } catch (err) {
        return Promise.reject(err);
      }
      return Promise.resolve(answer).then((value: unknown) =>
        this.returns.length > 1 && Array.isArray(value) ? value : [value],
      );
    }
    return new Promise((resolve, reject) => {
      let done = false;
      const cb = (err: unknown, ...results: unknown[]) => {
        if (done) return;
        done = true;
        if (err) reject(err);
        else resolve(results);
      };
      try {
        const ret = fn.apply(target, [...args, cb]);
        if (ret && typeof ret.then === 'function') {
          ret.then(
            (value: unknown) => {
              if (done) return;
              done = true;
              resolve(this.returns.length > 1 && Array.isArray(value) ? value : [value]);
            },
            (err: unknown) => cb(err ?? new Error('Remote method rejected')),
          );
        }
      } catch (err) {
        cb(err);
      }
    });
  }
}
