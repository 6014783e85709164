import type { Request, RequestHandler } from 'express';
import { LooplineError } from '../../errors';
import type { SharedClass } from '../shared-class';
import type { RestRoute } from './route-table';

/**
 * The routes, grouped by their first path segment (the class), each compiled to literal and
 * parameter segments: a request is matched against its class's routes only, segment by segment,
 * without a regular expression or a router layer per route. The route table (route-table.ts)
 * decides the order; this file only matches against it.
 */

interface CompiledRoute {
  verb: string;
  /** Literal segments lower-cased; parameters as `{param}`. */
  segments: Array<string | { param: string }>;
  handler: RequestHandler;
}

const NO_ROUTES: CompiledRoute[] = [];

function compileRoute(route: RestRoute, handler: RequestHandler): CompiledRoute {
  const segments = splitPath(route.path).map((s) =>
    s.startsWith(':') ? { param: s.slice(1) } : s.toLowerCase(),
  );
  return { verb: route.verb, segments, handler };
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
function findRoute(routes: CompiledRoute[], method: string, parts: string[]): CompiledRoute | undefined {
  const verb = method.toLowerCase();
  let headAsGet: CompiledRoute | undefined;
  let any: CompiledRoute | undefined;
  for (const route of routes) {
    const exact = route.verb === verb;
    if (!exact && !(route.verb === 'all' && !any) && !(verb === 'head' && route.verb === 'get' && !headAsGet))
      continue;
    if (!pathMatches(route.segments, parts)) continue;
    if (exact) return route;
    if (route.verb === 'all') any = route;
    else headAsGet = route;
  }
  return headAsGet ?? any;
}

function pathMatches(segs: CompiledRoute['segments'], parts: string[]): boolean {
  if (segs.length !== parts.length) return false;
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i];
    if (typeof seg === 'string' ? seg !== parts[i].toLowerCase() : parts[i] === '') return false;
  }
  return true;
}

/** The path parameters of a matched route, decoded (a malformed escape throws). */
function paramsOf(route: CompiledRoute, parts: string[]): Record<string, string> {
  const segs = route.segments;
  const out: Record<string, string> = {};
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i];
    if (typeof seg !== 'string') out[seg.param] = decodeURIComponent(parts[i]);
  }
  return out;
}

/** URLs Express's parseurl reads with the legacy URL parser (whitespace, `#`): `req.path` for those. */
const UNUSUAL_URL = /[\t\n\f\r #\u00a0\ufeff]/;

/** `req.path` (the URL's pathname), read straight from `req.url` when it is an ordinary path. */
function pathOf(req: Request): string {
  const url: unknown = req.url;
  if (typeof url !== 'string' || url.charCodeAt(0) !== 47 || UNUSUAL_URL.test(url)) return req.path;
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

/** LB3's wording: a path under a known class names the class, any other names the whole path. */
function notFoundMessage(verb: string, path: string, classByPath: Map<string, string>): string {
  const slash = path.indexOf('/', 1);
  const head = slash < 0 ? path : path.slice(0, slash);
  const className = classByPath.get(head);
  if (className === undefined) return `There is no method to handle ${verb} ${path}`;
  return `Shared class "${className}" has no method handling ${verb} ${slash < 0 ? '/' : path.slice(slash)}`;
}

/**
 * The handler that serves a route table: finds the request's route, sets `req.params` and calls
 * the route's handler; no route is a 404, a path parameter that does not decode a 400.
 */
export function createRouter(
  routes: RestRoute[],
  classes: SharedClass[],
  handlerFor: (route: RestRoute) => RequestHandler,
  /** Routes by first path segment (lower case), none of them in `routes`: built at the segment's first request. */
  later?: Map<string, () => RestRoute[]>,
): RequestHandler {
  const byClass = new Map<string, CompiledRoute[]>();
  const anyClass: CompiledRoute[] = [];
  const classByPath = new Map(classes.map((c) => [c.http.path.replace(/\/+$/, ''), c.name]));
  for (const route of routes) {
    const compiled = compileRoute(route, handlerFor(route));
    // Express matches paths case-insensitively (as LB3 did), so the dispatch does too.
    const head = compiled.segments[0];
    if (typeof head !== 'string') anyClass.push(compiled);
    else {
      let list = byClass.get(head);
      if (!list) byClass.set(head, (list = []));
      list.push(compiled);
    }
  }
  const routesUnder = (head: string): CompiledRoute[] => {
    const compiled = byClass.get(head);
    if (compiled || !later) return compiled ?? NO_ROUTES;
    const build = later.get(head);
    if (!build) return NO_ROUTES;
    const list = build().map((route) => compileRoute(route, handlerFor(route)));
    byClass.set(head, list);
    return list;
  };
  return (req, res, next) => {
    const parts = splitPath(pathOf(req));
    const route =
      findRoute(routesUnder(parts[0]?.toLowerCase() ?? ''), req.method, parts) ??
      findRoute(anyClass, req.method, parts);
    if (!route)
      return next(new LooplineError('URL_NOT_FOUND', notFoundMessage(req.method, req.path, classByPath)));
    let params: Record<string, string>;
    try {
      params = paramsOf(route, parts);
    } catch {
      return next(new LooplineError('INVALID_ARGUMENT', `Failed to decode the path ${req.path}`));
    }
    req.params = params;
    return route.handler(req, res, next);
  };
}
