import * as dc from 'node:diagnostics_channel';
import { Router } from '../../util/express-parts';
import { APPLIES_ONLY_TO, REST_MIDDLEWARE, RUNS_IN_LANE } from './middleware/builtin';
import { stackVersion } from './middleware-phases';

/**
 * The REST fast lane: a request for the REST API goes straight to the `loopback#rest` layer when
 * no layer before it could apply to that request — Express's router would only have walked past
 * them. The decision is made once per shape of the app's router stack (re-made when the phases
 * code changes it, or its length or the layers up to REST differ), never per request:
 *
 * - every layer before REST must be an error handler (it never runs without an error), or have
 *   literal paths that cannot match under the REST root (the built-in `/.well-known/jwks.json`
 *   route, a sub-app at `/admin`), or that match only some paths under it (an `app.get('/api/x')`
 *   route, `favicon()` at `/`, an Express router of literal routes such as LB3's `root.js`):
 *   those paths are left to Express;
 * - or be a middleware of loopline's own marked to run in the lane (`loopback#token`), mounted at
 *   `/`: the lane calls it as the router would, in its place, and goes on when it calls `next()`;
 *   if it changes `req.url` (the `currentUserLiteral` rewrite), Express serves the rest;
 * - anything else before REST (`app.use(fn)`, middleware.json middleware, cors, a
 *   regular-expression path, a mount at `/`) — no lane at all: Express serves every request;
 * - with a diagnostics-channel subscriber on Express's router (APM agents), Express serves it.
 *
 * In the lane the request gets exactly the state Express's router would have given the REST layer
 * (`req.baseUrl`, `req.url`, `req.originalUrl`, `req.params`, `req.next`), and what the REST
 * handler passes on (`next()`, `next(err)`: a 404, an error) continues in the app's stack right
 * after the REST layer, with `req.url`/`req.baseUrl` restored as Express does, so urlNotFound,
 * strong-error-handler and whatever else follows still answer.
 */

/** The parts of Express's Layer the lane reads. */
interface Layer {
  handle: ((...args: any[]) => unknown) & Record<PropertyKey, unknown>;
  rawPath?: unknown;
  route?: unknown;
  match(path: string): { path: string; params: Record<string, string> } | false;
}

interface AppRouter {
  stack: Layer[];
  caseSensitive?: boolean;
  strict?: boolean;
}

type Done = (err?: unknown) => void;

/** A middleware the lane calls itself, and its place in the app's stack. */
interface LaneStep {
  handle: Layer['handle'];
  index: number;
}

/** A router before REST whose routes were read as exclusions: its stack as it was then. */
interface WatchedStack {
  stack: unknown[];
  length: number;
}

interface Lane {
  rest: Layer;
  restIndex: number;
  /** The middleware before REST the lane runs itself, in order. */
  steps: LaneStep[];
  /** Routers whose routes became exclusions: the lane is worked out again when one changes. */
  watched: WatchedStack[];
  /** The layers up to and including REST, as the lane was worked out for. */
  head: Layer[];
  /** Paths under the REST root that a layer before REST may answer: those go through Express. */
  excluded: RegExp | undefined;
}

interface TailRouter {
  stack: unknown[];
  handle(req: unknown, res: unknown, done: Done): void;
}

const tracing = dc.tracingChannel('express.router.request');

/** Express's router traces every layer when someone listens (as its own `shouldTrace`): then it serves. */
function traced(): boolean {
  return (
    tracing.start.hasSubscribers ||
    tracing.end.hasSubscribers ||
    tracing.asyncStart.hasSubscribers ||
    tracing.asyncEnd.hasSubscribers ||
    tracing.error.hasSubscribers
  );
}

/** A path Express matches literally: no parameters, wildcards, groups or escapes. */
const LITERAL_PATH = /^\/[A-Za-z0-9._~/-]*$/;

/** URLs parseurl hands to the legacy URL parser (whitespace, `#`): Express serves those. */
const UNUSUAL_URL = /[\t\n\f\r #\u00a0\ufeff]/;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** A layer's paths when all are literal, each without trailing slashes (Express's `loosen`); else null. */
function literalPaths(raw: unknown, sensitive: boolean): string[] | null {
  const list = Array.isArray(raw) ? (raw as unknown[]).flat(Infinity) : [raw];
  if (list.length === 0) return null;
  const out: string[] = [];
  for (const p of list) {
    if (typeof p !== 'string' || !LITERAL_PATH.test(p)) return null;
    const loose = p === '/' ? '/' : p.replace(/\/+$/, '') || '/';
    out.push(sensitive ? loose : loose.toLowerCase());
  }
  return out;
}

/** `p` is `root` or below it. */
function under(p: string, root: string): boolean {
  return root === '/' || p === root || p.startsWith(root + '/');
}

/** The paths of an Express router (`loopback.Router()`) that holds literal routes only; else null. */
function literalRoutesOf(
  handle: Layer['handle'],
  sensitive: boolean,
): { stack: unknown[]; paths: string[] } | null {
  const stack = handle.stack;
  if (!Array.isArray(stack) || typeof handle.handle !== 'function') return null;
  const paths: string[] = [];
  for (const inner of stack as Layer[]) {
    if (!inner || inner.route === undefined) return null;
    const own = literalPaths(inner.rawPath, sensitive);
    if (!own) return null;
    paths.push(...own);
  }
  return { stack, paths };
}

/** A route's full path under the path its router is mounted at. */
function joinPath(mount: string, path: string): string {
  if (mount === '/') return path;
  return path === '/' ? mount : mount + path;
}

/** The lane for this stack, or null when a request for the REST API could meet a layer before REST. */
export function workOutLane(router: AppRouter): Lane | null {
  const stack = router.stack;
  const restIndex = stack.findIndex((l) => l.route === undefined && l.handle?.[REST_MIDDLEWARE] === true);
  if (restIndex < 0) return null;
  const rest = stack[restIndex];
  const sensitive = router.caseSensitive === true;
  const roots = literalPaths(rest.rawPath, sensitive);
  if (!roots || typeof rest.match !== 'function') return null;
  const excluded: string[] = [];
  const steps: LaneStep[] = [];
  const watched: WatchedStack[] = [];
  const exclude = (p: string): void => {
    if (roots.some((r) => under(p, r))) excluded.push(`${escapeRegExp(p)}\\/*$`);
  };
  for (let i = 0; i < restIndex; i++) {
    const layer = stack[i];
    if (typeof layer.handle !== 'function') return null;
    // Express's router passes a request without an error over error handlers.
    if (layer.handle.length > 3) continue;
    const paths = literalPaths(layer.rawPath, sensitive);
    if (!paths) return null;
    if (
      layer.route === undefined &&
      layer.handle[RUNS_IN_LANE] === true &&
      paths.length === 1 &&
      paths[0] === '/'
    ) {
      steps.push({ handle: layer.handle, index: i });
      continue;
    }
    const routes = layer.route === undefined ? literalRoutesOf(layer.handle, false) : null;
    if (routes) {
      // A router of routes only: each answers its own path (perhaps with a slash), nothing else.
      // Its own case rule may differ from the app's: under a case-sensitive app, no lane.
      for (const mount of paths)
        for (const route of routes.paths) {
          const full = joinPath(mount, route);
          if (sensitive && roots.some((r) => under(full.toLowerCase(), r.toLowerCase()))) return null;
          exclude(full);
        }
      watched.push({ stack: routes.stack, length: routes.stack.length });
      continue;
    }
    const only = layer.route === undefined ? layer.handle[APPLIES_ONLY_TO] : undefined;
    for (const path of paths) {
      // A route (or a middleware that answers one path only) matches its path, perhaps with a slash.
      if (layer.route !== undefined || typeof only === 'string') {
        const exact = typeof only === 'string' ? (path === '/' ? '' : path) + only : path;
        exclude(sensitive ? exact : exact.toLowerCase());
        continue;
      }
      // A middleware matches its path and everything below it.
      if (roots.some((r) => path === '/' || under(r, path))) return null;
      if (roots.some((r) => under(path, r))) excluded.push(`${escapeRegExp(path)}(?:\\/|$)`);
    }
  }
  return {
    rest,
    restIndex,
    steps,
    watched,
    head: stack.slice(0, restIndex + 1),
    excluded: excluded.length ? new RegExp(`^(?:${excluded.join('|')})`, sensitive ? '' : 'i') : undefined,
  };
}

const PENDING = Symbol('loopline.restLane.pending');

/** The first layer of the tail: it hands the REST handler's outcome (an error or not) to the rest of the stack. */
function passOn(req: Record<symbol, unknown>, _res: unknown, next: Done): void {
  const err = req[PENDING];
  req[PENDING] = undefined;
  next(err);
}

function noop(): void {}

/** One app's lane: worked out at its first request and whenever its router stack changes. */
export class RestLane {
  private lane: Lane | null = null;
  private version: unknown = NaN;
  private length = -1;
  private tail: TailRouter | undefined;
  private passOnLayer: unknown;

  /** Serves the request through the lane and returns true, or returns false and changes nothing. */
  handle(router: AppRouter, req: any, res: any, done: Done): boolean {
    const url: unknown = req.url;
    if (typeof url !== 'string' || url.charCodeAt(0) !== 47 || UNUSUAL_URL.test(url) || traced())
      return false;
    const stack = router.stack;
    let lane = this.lane;
    const version = stackVersion(router);
    if (
      version !== this.version ||
      stack.length !== this.length ||
      (lane && (!sameHead(lane, stack) || routersChanged(lane)))
    ) {
      lane = this.lane = workOutLane(router);
      this.version = version;
      this.length = stack.length;
    }
    if (!lane) return false;
    const q = url.indexOf('?');
    const pathname = q < 0 ? url : url.slice(0, q);
    if (lane.excluded?.test(pathname)) return false;
    let match: ReturnType<Layer['match']>;
    try {
      match = lane.rest.match(pathname);
    } catch {
      return false;
    }
    if (!match) return false;
    const layerPath = match.path;
    // Express's own checks before it trims a mount path (on failure it moves on: leave it to Express).
    if (layerPath.length !== 0) {
      if (layerPath !== pathname.substring(0, layerPath.length)) return false;
      const c = pathname[layerPath.length];
      if (c && c !== '/') return false;
    }
    this.run(router, lane, req, res, layerPath, match.params, done);
    return true;
  }

  private run(
    router: AppRouter,
    lane: Lane,
    req: any,
    res: any,
    layerPath: string,
    params: Record<string, string>,
    done: Done,
  ): void {
    // As Express's router: what it set is restored before the final handler runs.
    const savedBase = req.baseUrl;
    const savedNext = req.next;
    const savedParams = req.params;
    const parentUrl: string = savedBase || '';
    const finish = (err?: unknown): void => {
      req.baseUrl = savedBase;
      req.next = savedNext;
      req.params = savedParams;
      done(err);
    };
    // The rest of the app's stack from layer `from` on (the stack as it is now, as Express would).
    const handOff = (err: unknown, from: number): void => {
      const tail = this.tailRouter(router);
      tail.stack = [this.passOnLayer, ...router.stack.slice(from)];
      req[PENDING] = err;
      tail.handle(req, res, finish);
    };
    let removed = '';
    let slashAdded = false;
    const next = (err?: unknown): void => {
      if (slashAdded) {
        const pathIsRoot = req.url === '/' || req.url.startsWith('/?');
        if (pathIsRoot || (removed.endsWith('/') && req.url[0] === '/')) req.url = req.url.slice(1);
        slashAdded = false;
      }
      if (removed.length !== 0) {
        req.baseUrl = parentUrl;
        req.url = removed + req.url;
        removed = '';
      }
      if (err === 'router') {
        setImmediate(finish, null);
        return;
      }
      handOff(err, lane.restIndex + 1);
    };
    const enterRest = (): void => {
      req.next = next;
      req.params = params;
      if (layerPath.length !== 0) {
        removed = layerPath;
        req.url = req.url.slice(removed.length);
        if (req.url[0] !== '/') {
          req.url = '/' + req.url;
          slashAdded = true;
        }
        req.baseUrl = parentUrl + (removed.endsWith('/') ? removed.slice(0, -1) : removed);
      }
      call(lane.rest.handle, req, res, next);
    };
    req.baseUrl = parentUrl;
    req.originalUrl = req.originalUrl || req.url;
    const steps = lane.steps;
    if (steps.length === 0) return enterRest();
    // The middleware before REST the lane runs itself, each as the router runs a layer at `/`.
    const url: string = req.url;
    let at = 0;
    const stepNext = (err?: unknown): void => {
      const from = steps[at - 1].index + 1;
      if (err === 'router') {
        setImmediate(finish, null);
        return;
      }
      if (err && err !== 'route') return handOff(err, from);
      // It rewrote the URL: the layers after it decide again, in Express.
      if (req.url !== url) return handOff(undefined, from);
      if (at < steps.length) {
        req.params = {};
        call(steps[at++].handle, req, res, stepNext);
        return;
      }
      enterRest();
    };
    req.next = stepNext;
    req.params = {};
    call(steps[at++].handle, req, res, stepNext);
  }

  private tailRouter(router: AppRouter): TailRouter {
    if (!this.tail) {
      const tail = Router({
        caseSensitive: router.caseSensitive,
        strict: router.strict,
      }) as unknown as TailRouter & {
        use(fn: unknown): void;
      };
      tail.use(passOn);
      this.passOnLayer = tail.stack[0];
      this.tail = tail;
    }
    return this.tail;
  }
}

/** Calls a layer's handler as Express's Layer does: a throw or a rejected promise goes to `next`. */
function call(handle: Layer['handle'], req: unknown, res: unknown, next: Done): void {
  try {
    const ret = handle(req, res, next) as { then?: unknown } | undefined;
    if (ret && typeof ret.then === 'function')
      (ret as Promise<unknown>).then(noop, (e: unknown) => next(e || new Error('Rejected promise')));
  } catch (err) {
    next(err);
  }
}

function routersChanged(lane: Lane): boolean {
  for (const w of lane.watched) if (w.stack.length !== w.length) return true;
  return false;
}

function sameHead(lane: Lane, stack: Layer[]): boolean {
  const head = lane.head;
  for (let i = 0; i < head.length; i++) if (stack[i] !== head[i]) return false;
  return true;
}
