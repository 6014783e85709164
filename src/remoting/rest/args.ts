import type { Request } from 'express';
import { compileCoercer, BadArgumentError, Coercer, CoerceOptions, typeOf } from '../coerce';
import type { RemotingContext } from '../context';
import type { AcceptArg } from '../shared-method';
import { BODY_VERBS, isForm } from './body';
import { defineHiddenIfAbsent } from '../../util/own';

/**
 * A method's arguments as the REST handler reads them: each accept compiled once per route into a
 * reader (where in the request the value is), a coercer (text to the declared type) and the checks
 * LB3 makes when it invokes the method.
 */

type ArgReader = (
  req: Request,
  ctx: RemotingContext,
  query: Record<string, unknown>,
) => { value: unknown; fromString: boolean };

export interface CompiledArg {
  accept: AcceptArg;
  read: ArgReader;
  coerce: Coercer;
  required: boolean;
  /** Holds dates (`date` or `[date]`), checked for validity when the method is invoked. */
  dates: boolean;
}

/** A client value refused by its argument's `check`, raised only if the argument still holds it. */
export interface RefusedArg {
  arg: string;
  value: unknown;
  error: unknown;
}

function reader(accept: AcceptArg, verb: string): ArgReader {
  const http = accept.http;
  const name = accept.arg;
  if (typeof http === 'function') return (_req, ctx) => ({ value: http(ctx), fromString: false });
  if (http === 'optionsFromRequest')
    return (_req, ctx) => ({ value: optionsFromContext(ctx), fromString: false });
  const source = typeof http === 'object' && http ? http.source : undefined;
  switch (source) {
    case 'path':
      return (req) => ({ value: req.params[name], fromString: true });
    case 'query':
      return (_req, _ctx, query) => ({ value: query[name], fromString: true });
    case 'body':
      // LB3's body parser always left an object: a request without a body gives `{}`.
      return (req) => ({ value: req.body === undefined ? {} : req.body, fromString: isForm(req) });
    case 'form':
    case 'formData':
      return (req) => ({ value: req.body?.[name], fromString: isForm(req) });
    case 'header':
      return (req) => ({ value: req.get(name), fromString: true });
    case 'req':
      return (req) => ({ value: req, fromString: false });
    case 'res':
      return (req) => ({ value: req.res, fromString: false });
    case 'context':
      return (_req, ctx) => ({ value: ctx, fromString: false });
    default: {
      // LB3's default: a path param, else the query string, else a body property.
      const bodyVerb = BODY_VERBS.has(verb);
      return (req, _ctx, query) => {
        if (req.params && name in req.params) return { value: req.params[name], fromString: true };
        if (query[name] !== undefined) return { value: query[name], fromString: true };
        if (
          bodyVerb &&
          req.body &&
          typeof req.body === 'object' &&
          !Array.isArray(req.body) &&
          Object.prototype.hasOwnProperty.call(req.body, name)
        ) {
          return { value: req.body[name], fromString: isForm(req) };
        }
        return { value: undefined, fromString: true };
      };
    }
  }
}

/**
 * The value of an `options` argument (`http: 'optionsFromRequest'`): the model's defaults and
 * what its `createOptionsFromRemotingContext` makes of the call.
 */
export function optionsFromContext(ctx: RemotingContext): Record<string, unknown> {
  const ctor = ctx.method.sharedClass.ctor;
  const defaults = typeof ctor?.remotingOptionDefaults === 'function' ? ctor.remotingOptionDefaults() : {};
  const own =
    typeof ctor?.createOptionsFromRemotingContext === 'function'
      ? ctor.createOptionsFromRemotingContext(ctx)
      : {};
  const value = Object.assign(defaults, own);
  // Server code tells a REST call by it; not enumerable, so JSON.stringify(options) works.
  defineHiddenIfAbsent(value, 'remotingContext', ctx);
  return value;
}

/** Sources the server fills in itself: handed over as they are, never coerced. */
const PASSTHROUGH = new Set(['req', 'res', 'context']);

function isDateType(accept: AcceptArg): boolean {
  const t = typeOf(accept);
  return (Array.isArray(t) ? t[0] : t) === 'date';
}

export function compileArgs(accepts: AcceptArg[], verb: string, coerceOptions: CoerceOptions): CompiledArg[] {
  return accepts.map((accept) => {
    const src = typeof accept.http === 'object' && accept.http ? accept.http.source : undefined;
    const passthrough =
      typeof accept.http === 'function' ||
      accept.http === 'optionsFromRequest' ||
      (src !== undefined && PASSTHROUGH.has(src));
    return {
      accept,
      read: reader(accept, verb),
      coerce: passthrough ? (v: unknown) => v : compileCoercer(accept, coerceOptions),
      required: accept.required === true,
      dates: !passthrough && isDateType(accept),
    };
  });
}

/**
 * Reads and coerces the arguments: a value that is not of its type ("not a number") is refused
 * here, before access control, as LB3 does. What LB3 checks only when it invokes the method —
 * required arguments, invalid dates, the filter checks — waits for validateArgs, after the ACL
 * check and the before-remote hooks, so a hook can fill in or rewrite an argument. A `check` still
 * looks at the value as the client sent it (server-side additions are never checked); its refusal
 * is kept for later. Without `refused` (the arguments that select an instance) every check is
 * made at once.
 */
export function buildArgs(
  compiled: CompiledArg[],
  req: Request,
  ctx: RemotingContext,
  query: Record<string, unknown>,
  refused: RefusedArg[] | undefined,
): void {
  for (const c of compiled) {
    const { value, fromString } = c.read(req, ctx, query);
    let v = c.coerce(value, fromString);
    if (v === undefined && c.accept.default !== undefined) v = c.accept.default;
    ctx.args[c.accept.arg] = v;
    if (refused === undefined) {
      validateArg(c, v);
      if (v !== undefined && c.accept.check) c.accept.check(v);
    } else if (v !== undefined && c.accept.check) {
      try {
        c.accept.check(v);
      } catch (error) {
        refused.push({ arg: c.accept.arg, value: v, error });
      }
    }
  }
}

/** LB3's checks at invocation: a required argument has a value (not null, not ''), a date is a date. */
function validateArg(c: CompiledArg, v: unknown): void {
  if (c.required && (v === undefined || v === null || v === ''))
    throw new BadArgumentError(`${c.accept.arg} is a required argument`, c.accept.arg);
  if (c.dates && !validDates(v))
    throw new BadArgumentError(
      `Invalid argument "${c.accept.arg}". Value is not a valid date.`,
      c.accept.arg,
    );
}

function validDates(v: unknown): boolean {
  if (v instanceof Date) return !isNaN(v.getTime());
  if (Array.isArray(v)) return v.every(validDates);
  return true;
}

/** The arguments as the method will get them, after the before-remote hooks had their say. */
export function validateArgs(compiled: CompiledArg[], ctx: RemotingContext, refused: RefusedArg[]): void {
  for (const c of compiled) {
    const v = ctx.args[c.accept.arg];
    validateArg(c, v);
    // A hook that replaced the client's value took responsibility for it.
    const refusal = refused.find((r) => r.arg === c.accept.arg);
    if (refusal && refusal.value === v) throw refusal.error;
  }
}
