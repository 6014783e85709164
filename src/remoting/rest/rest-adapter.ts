import express, { NextFunction, Request, RequestHandler, Response } from 'express';
import { LooplineError } from '../../errors';
import { withBodyErrorCode } from '../../errors/body-parser-errors';
import { debugFor } from '../../util/debug';
import { compileCoercer, BadArgumentError, Coercer, CoerceOptions, typeOf } from '../coerce';
import { RemotingContext } from '../context';
import type { RemoteObjects } from '../remote-objects';
import { runChain } from '../remote-hooks';
import type { AcceptArg } from '../shared-method';
import { returnedStream, returnsFile, sendResult } from './http-result';
import { parseQueryString, QueryOptions } from './query-string';
import { RestAdapter } from './rest-classes';
import { buildRouteTable, RestRoute } from './route-table';

const debug = debugFor('remoting');

export interface RestOptions {
  rest?: { normalizeHttpPath?: boolean; handleErrors?: boolean; maxDepth?: number; [key: string]: unknown };
  json?: { limit?: string | number; strict?: boolean };
  urlencoded?: { limit?: string | number; extended?: boolean };
  /** Bounds on query-string parsing (`?filter[where][a][gt]=1`). */
  query?: QueryOptions;
  /** strong-remoting's `errorHandler` options: when given, the REST API answers its own errors (RemoteObjects.errorResponder). */
  errorHandler?: unknown;
}

type ArgReader = (
  req: Request,
  ctx: RemotingContext,
  query: Record<string, unknown>,
) => { value: unknown; fromString: boolean };

interface CompiledArg {
  accept: AcceptArg;
  read: ArgReader;
  coerce: Coercer;
  required: boolean;
  /** Holds dates (`date` or `[date]`), checked for validity when the method is invoked. */
  dates: boolean;
}

const BODY_VERBS = new Set(['post', 'put', 'patch', 'delete', 'all']);

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
    default:
      // LB3's default: a path param, else the query string, else a body property.
      return (req, _ctx, query) => {
        if (req.params && name in req.params) return { value: req.params[name], fromString: true };
        if (query[name] !== undefined) return { value: query[name], fromString: true };
        if (
          BODY_VERBS.has(verb) &&
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
  if (!Object.prototype.hasOwnProperty.call(value, 'remotingContext')) {
    Object.defineProperty(value, 'remotingContext', {
      value: ctx,
      enumerable: false,
      writable: true,
      configurable: true,
    });
  }
  return value;
}

function isForm(req: Request): boolean {
  return (
    !!req.headers['content-type'] && req.headers['content-type'].includes('application/x-www-form-urlencoded')
  );
}

const PASSTHROUGH = new Set(['req', 'res', 'context']);

function isDateType(accept: AcceptArg): boolean {
  const t = typeOf(accept);
  return (Array.isArray(t) ? t[0] : t) === 'date';
}

function compileArgs(accepts: AcceptArg[], verb: string, coerceOptions: CoerceOptions): CompiledArg[] {
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

/** A client value refused by its argument's `check`, raised only if the argument still holds it. */
interface RefusedArg {
  arg: string;
  value: unknown;
  error: unknown;
}

/**
 * Reads and coerces the arguments: a value that is not of its type ("not a number") is refused
 * here, before access control, as LB3 does. What LB3 checks only when it invokes the method —
 * required arguments, invalid dates, the filter checks — waits for validateArgs, after the ACL
 * check and the before-remote hooks, so a hook can fill in or rewrite an argument. A `check` still
 * looks at the value as the client sent it (server-side additions are never checked); its refusal
 * is kept for later.
 */
function buildArgs(
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
function validateArgs(compiled: CompiledArg[], ctx: RemotingContext, refused: RefusedArg[]): void {
  for (const c of compiled) {
    const v = ctx.args[c.accept.arg];
    validateArg(c, v);
    // A hook that replaced the client's value took responsibility for it.
    const refusal = refused.find((r) => r.arg === c.accept.arg);
    if (refusal && refusal.value === v) throw refusal.error;
  }
}

/** A parameter name with `__proto__`, `constructor` or `prototype` as one of its `a[b].c` parts. */
const FORBIDDEN_PARAM = /(^|[[.])(__proto__|constructor|prototype)(\]|[[.]|$)/;

/**
 * qs (with allowPrototypes off) silently drops `?a[__proto__][x]=1`; a request that tries it is
 * refused instead, so a probe is told no rather than answered as if the key were absent.
 */
export function assertNoForbiddenParams(text: string, where: string): void {
  if (!/__proto__|constructor|prototype/i.test(text) && !text.includes('%')) return;
  for (const pair of text.split('&')) {
    const eq = pair.indexOf('=');
    let name = eq < 0 ? pair : pair.slice(0, eq);
    try {
      name = decodeURIComponent(name.replace(/\+/g, ' '));
    } catch {
      // qs keeps an undecodable name as it is; so does the check.
    }
    const m = FORBIDDEN_PARAM.exec(name);
    if (m)
      throw new LooplineError('FORBIDDEN_KEY', `The ${where} may not use the key "${m[2]}" (in "${name}")`);
  }
}

function checkQueryString(text: string): void {
  assertNoForbiddenParams(text, 'query string');
}

function parseQuery(req: Request, options: RestOptions['query']): Record<string, unknown> {
  const url = req.url;
  const q = url.indexOf('?');
  if (q < 0) return {};
  return parseQueryString(url.slice(q + 1), options, checkQueryString);
}

function makeHandler(remotes: RemoteObjects, route: RestRoute, options: RestOptions): RequestHandler {
  const method = route.method;
  const sharedClass = route.sharedClass;
  const coerceOptions: CoerceOptions = { maxDepth: options.rest?.maxDepth };
  const args = compileArgs(method.accepts, route.verb, coerceOptions);
  const ctorArgs = method.isStatic
    ? []
    : compileArgs(sharedClass.sharedCtorAccepts, route.verb, coerceOptions);
  const classPath = sharedClass.http.path;
  // A method that writes its own answer (a `res` argument, a `file` return) chooses its own type.
  const negotiates =
    !method.accepts.some(
      (a) =>
        typeof a.http === 'object' &&
        a.http !== null &&
        (a.http.source === 'res' || a.http.source === 'context'),
    ) &&
    !returnsFile(method.returns) &&
    !returnedStream(method.returns);
  return async (req: Request, res: Response, next: NextFunction) => {
    const ctx = new RemotingContext(req, res, method);
    // LB3 mounts one router per class, so hooks see `req.baseUrl` as e.g. `/api/Orders`.
    const outerBase = req.baseUrl;
    req.baseUrl = outerBase + classPath;
    const fail = (err: any): void => {
      req.baseUrl = outerBase;
      if (err && typeof err === 'object' && !err.statusCode && !err.status && route.errorStatus)
        err.statusCode = route.errorStatus;
      debug('%s failed: %s', method.stringName, err?.message);
      next(err);
    };
    try {
      const query = parseQuery(req, options.query);
      if (negotiates && !acceptable(req, query)) {
        throw new LooplineError(
          'NOT_ACCEPTABLE',
          `This endpoint answers with application/json, which the Accept header (${String(req.headers.accept)}) does not allow`,
        );
      }
      if (!method.isStatic) {
        const holder = new RemotingContext(req, res, method);
        (req as any).remotingContext = ctx;
        buildArgs(ctorArgs, req, holder, query, undefined);
        ctx.ctorArgs = holder.args;
      }
      const refused: RefusedArg[] = [];
      buildArgs(args, req, ctx, query, refused);
      // LB3's order: the method's own rest.before step, then access control (before the instance
      // is loaded: no 404 that tells an intruder an id exists), then the before-remote hooks.
      if (method.rest.before) await runStep(method.rest.before, ctx);
      // Then the phases (remotes.phases): loopline's own steps, and any an app added around them.
      for (const step of remotes.phases.steps()) {
        if (typeof step === 'function') {
          await runStep(step, ctx);
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
    } catch (err: any) {
      ctx.error = err;
      try {
        await runChain(remotes.hooks.chain('afterError', method), ctx);
      } catch (hookErr) {
        req.baseUrl = outerBase;
        return next(hookErr);
      }
      return fail(err);
    }
    // After the after-remote hooks, outside the afterError hooks, as LB3: so an afterRemote hook
    // of findById sees a null result before rest.after turns it into a 404.
    try {
      if (method.rest.after) await runStep(method.rest.after, ctx);
      if (!res.headersSent) sendResult(req, res, ctx, route);
      req.baseUrl = outerBase;
    } catch (err) {
      fail(err);
    }
  };
}

/** The types LB3 answers with when XML is off (its default), JSON for all of them here. */
const ANSWER_TYPES = ['application/json', 'application/javascript', 'text/javascript', 'json'];

/**
 * LB3 answers 406 when the Accept header (or `?_format=`) allows none of its types. It did so
 * after running the method; loopline refuses first, so a refused request changes nothing.
 */
function acceptable(req: Request, query: Record<string, unknown>): boolean {
  const format = query._format;
  if (format !== undefined) return typeof format === 'string' && format.toLowerCase() === 'json';
  return req.headers.accept === undefined || req.accepts(ANSWER_TYPES) !== false;
}

function runStep(
  step: (ctx: RemotingContext, next: (err?: unknown) => void) => unknown,
  ctx: RemotingContext,
): Promise<void> {
  return runChain([step as any], ctx);
}

/**
 * One value for a root return; an object of named values otherwise; nothing (204) without returns.
 * Returns marked `http: {target: 'header' | 'status'}` set the answer's header or status instead
 * (LB3), and are left out of the body.
 */
function shapeResult(returns: RestRoute['returns'], results: unknown[], ctx: RemotingContext): unknown {
  // LB3 answers 204 for a method that declares no return value, whatever it resolved to.
  if (returns.length === 0) return undefined;
  const out: Record<string, unknown> = {};
  let rootValue: unknown;
  let hasRoot = false;
  returns.forEach((r, i) => {
    const target = r.http?.target;
    if (target === 'header' || target === 'status') {
      if (results[i] === undefined) return;
      if (target === 'status') ctx.res.status(Number(results[i]));
      else ctx.res.set(r.http?.header ?? r.arg ?? '', String(results[i]));
      return;
    }
    if (r.root) {
      if (!hasRoot) [hasRoot, rootValue] = [true, results[i] ?? results[0]];
    } else if (r.arg) out[r.arg] = results[i];
  });
  return hasRoot ? rootValue : out;
}

interface CompiledRoute {
  verb: string;
  /** Literal segments lower-cased; parameters as `{param}`. */
  segments: Array<string | { param: string }>;
  body: boolean;
  readsRawRequest: boolean;
  handler: RequestHandler;
}

function compileRoute(route: RestRoute, handler: RequestHandler): CompiledRoute {
  const segments = splitPath(route.path).map((s) =>
    s.startsWith(':') ? { param: s.slice(1) } : s.toLowerCase(),
  );
  return {
    verb: route.verb,
    segments,
    body: BODY_VERBS.has(route.verb),
    readsRawRequest: readsRawRequest(route),
    handler,
  };
}

/** `/Customers/1/orders/` → `['Customers', '1', 'orders']` (a trailing slash is ignored, as Express does). */
function splitPath(path: string): string[] {
  const parts = path.split('/');
  parts.shift();
  if (parts.length && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/**
 * The route for this verb and path: the first (in table order) declared for the verb itself, else
 * for GET when the verb is HEAD (as Express), else for `all` — LB3 sorts `all` routes after every
 * verb's, so a `verb: "all"` method never shadows `GET /:id`.
 */
function findRoute(
  routes: CompiledRoute[],
  method: string,
  parts: string[],
): { route: CompiledRoute; params: () => Record<string, string> } | undefined {
  const verb = method.toLowerCase();
  let headAsGet: CompiledRoute | undefined;
  let any: CompiledRoute | undefined;
  let found: CompiledRoute | undefined;
  for (const route of routes) {
    const exact = route.verb === verb;
    if (!exact && !(route.verb === 'all' && !any) && !(verb === 'head' && route.verb === 'get' && !headAsGet))
      continue;
    if (!pathMatches(route.segments, parts)) continue;
    if (exact) {
      found = route;
      break;
    }
    if (route.verb === 'all') any = route;
    else headAsGet = route;
  }
  const route = found ?? headAsGet ?? any;
  if (!route) return undefined;
  const segs = route.segments;
  return {
    route,
    params: () => {
      const out: Record<string, string> = {};
      for (let i = 0; i < segs.length; i++) {
        const seg = segs[i];
        if (typeof seg !== 'string') out[seg.param] = decodeURIComponent(parts[i]);
      }
      return out;
    },
  };
}

function pathMatches(segs: CompiledRoute['segments'], parts: string[]): boolean {
  if (segs.length !== parts.length) return false;
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i];
    if (typeof seg === 'string' ? seg !== parts[i].toLowerCase() : parts[i] === '') return false;
  }
  return true;
}

/** LB3's wording: a path under a known class names the class, any other names the whole path. */
function notFoundMessage(verb: string, path: string, classByPath: Map<string, string>): string {
  const slash = path.indexOf('/', 1);
  const head = slash < 0 ? path : path.slice(0, slash);
  const className = classByPath.get(head);
  if (className === undefined) return `There is no method to handle ${verb} ${path}`;
  return `Shared class "${className}" has no method handling ${verb} ${slash < 0 ? '/' : path.slice(slash)}`;
}

/** Gives body-parser failures a stable code. */
function bodyErrors(err: any, _req: Request, _res: Response, next: NextFunction): void {
  next(withBodyErrorCode(err));
}

/**
 * A body nobody could read (text/plain, XML ...) would reach the method as no data at all, and a
 * create would store an empty instance; the request is refused instead. Methods that read the raw
 * request themselves (an `http: {source: 'req'}` argument) see every body.
 */
function unreadBody(req: Request, readsRawRequest: boolean): LooplineError | undefined {
  if (readsRawRequest || req.readableEnded) return undefined;
  const length = req.headers['content-length'];
  const hasBody = (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
  if (!hasBody) return undefined;
  const type = req.headers['content-type'] ?? '(none)';
  return new LooplineError(
    'UNSUPPORTED_MEDIA_TYPE',
    `The request body is ${type}; send application/json (or application/x-www-form-urlencoded)`,
  );
}

function readsRawRequest(route: RestRoute): boolean {
  return route.method.accepts.some(
    (a) =>
      typeof a.http === 'object' &&
      a.http !== null &&
      (a.http.source === 'req' || a.http.source === 'context'),
  );
}

/** The urlencoded parser's `verify`: refuses prototype keys that qs would otherwise drop silently. */
function verifyForm(_req: unknown, _res: unknown, buf: Buffer): void {
  assertNoForbiddenParams(buf.toString('latin1'), 'form body');
}

/**
 * The REST handler: an Express router over the route table, rebuilt only when classes or methods
 * change (checked by a version number, not per request work).
 */
/** The REST handler, with the route table it serves and LB3's description of it (`adapter`). */
export type RestHandler = RequestHandler & { routes?: () => RestRoute[]; adapter?: RestAdapter };

export function createRestHandler(remotes: RemoteObjects, options: RestOptions): RestHandler {
  let router: RequestHandler | undefined;
  let builtFor = -1;
  const json = express.json({ limit: options.json?.limit ?? '100kb', strict: options.json?.strict ?? false });
  const urlencoded = express.urlencoded({
    extended: options.urlencoded?.extended ?? true,
    limit: options.urlencoded?.limit ?? '100kb',
    verify: verifyForm,
  });

  /**
   * The routes, grouped by their first path segment (the class), each compiled to literal and
   * parameter segments: a request is matched against its class's routes only, segment by segment,
   * without a regular expression or a router layer per route.
   */
  const build = (): RequestHandler => {
    const routes = buildRouteTable(remotes.classes(), options.rest);
    const byClass = new Map<string, CompiledRoute[]>();
    const anyClass: CompiledRoute[] = [];
    const classByPath = new Map(remotes.classes().map((c) => [c.http.path.replace(/\/+$/, ''), c.name]));
    for (const route of routes) {
      const compiled = compileRoute(route, makeHandler(remotes, route, options));
      // Express matches paths case-insensitively (as LB3 did), so the dispatch does too.
      const head = compiled.segments[0];
      if (typeof head !== 'string') anyClass.push(compiled);
      else {
        let list = byClass.get(head);
        if (!list) byClass.set(head, (list = []));
        list.push(compiled);
      }
    }
    debug('built %d REST routes', routes.length);
    return (req, res, next) => {
      const parts = splitPath(req.path);
      const match =
        findRoute(byClass.get(parts[0]?.toLowerCase() ?? '') ?? [], req.method, parts) ??
        findRoute(anyClass, req.method, parts);
      if (!match)
        return next(new LooplineError('URL_NOT_FOUND', notFoundMessage(req.method, req.path, classByPath)));
      let params: Record<string, string>;
      try {
        params = match.params();
      } catch {
        return next(new LooplineError('INVALID_ARGUMENT', `Failed to decode the path ${req.path}`));
      }
      req.params = params;
      if (!match.route.body) return match.route.handler(req, res, next);
      json(req, res, (err?: unknown) => {
        if (err) return bodyErrors(err, req, res, next);
        urlencoded(req, res, (err2?: unknown) => {
          if (err2) return bodyErrors(err2, req, res, next);
          const unread = unreadBody(req, match.route.readsRawRequest);
          return unread ? next(unread) : match.route.handler(req, res, next);
        });
      });
    };
  };

  // As strong-remoting: with an errorHandler configured (and rest.handleErrors not false), the REST
  // API answers its own errors; otherwise they reach the app's error handler.
  const answersErrors =
    typeof options.errorHandler === 'object' &&
    options.errorHandler !== null &&
    options.rest?.handleErrors !== false;
  const handler: RestHandler = (req, res, next) => {
    const v = remotes.version();
    if (!router || v !== builtFor) {
      router = build();
      // Listing the methods may have declared newly marked shared functions: the table has them.
      builtFor = remotes.version();
    }
    const respond = answersErrors ? remotes.errorResponder : undefined;
    if (!respond) return router(req, res, next);
    router(req, res, (err?: unknown) =>
      err && err !== 'route' && err !== 'router' ? respond(err, req, res, next) : next(err),
    );
  };
  handler.routes = () => buildRouteTable(remotes.classes(), options.rest);
  handler.adapter = new RestAdapter(remotes, options.rest ?? {}, optionsFromContext);
  return handler;
}
