import type { AcceptArg, SharedMethod } from '../shared-method';
import { normalizeHttpPath } from './route-table';
import type { HttpAnswer, HttpCall } from '../../util/http-call';

/**
 * The client side of a REST route (strong-remoting's HTTP invocation): how a call of a shared
 * method with positional arguments travels to a server that serves the same method, and how the
 * server's answer becomes the method's results again. The remote connector uses it to make a
 * model's methods call another loopline (or LB3) server; it reads the same accepts, returns and
 * routes the REST adapter serves, so both sides agree on where every argument goes.
 */

export type { HttpAnswer, HttpCall };

const BODY_VERBS = new Set(['post', 'put', 'patch', 'delete']);

/** Arguments the server fills in itself (the request, the caller's options): never sent. */
function isServerSide(accept: AcceptArg): boolean {
  const http = accept.http;
  if (typeof http === 'function' || http === 'optionsFromRequest') return true;
  const source = typeof http === 'object' && http ? http.source : undefined;
  return source === 'req' || source === 'res' || source === 'context';
}

function sourceOf(accept: AcceptArg): string | undefined {
  const http = accept.http;
  return typeof http === 'object' && http ? http.source : undefined;
}

/** A query value as the server's coercion reads it back: text as is, anything else as JSON. */
function queryText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value);
}

function joinPath(base: string, sub: string): string {
  const b = base.replace(/\/+$/, '');
  const s = sub === '/' || sub === '' ? '' : sub.startsWith('/') ? sub : `/${sub}`;
  return (b + s || '/').replace(/\/{2,}/g, '/');
}

/** The route a client calls: the method's first one, as LB3's clients do (`POST /:id/replace`, not `PUT /:id`). */
function routePath(method: SharedMethod): { verb: string; path: string } {
  const route = method.routes[0];
  const sharedClass = method.sharedClass;
  const prefix = method.isStatic ? sharedClass.http.path : joinPath(sharedClass.http.path, '/:id');
  const own = (sharedClass.ctor as { settings?: { remoting?: { normalizeHttpPath?: unknown } } } | undefined)
    ?.settings?.remoting?.normalizeHttpPath;
  const full = joinPath(prefix, route.path).replace(/:(\w+)\([^)]*\)/g, ':$1');
  return { verb: route.verb, path: own === true ? normalizeHttpPath(full) : full };
}

/**
 * The request for `method(...args)`; `instanceId` is the id of the instance a prototype method is
 * called on. Each argument goes where the server reads it: its declared source, else a path
 * parameter of the same name, else a body property (when the verb has a body and no argument is
 * the whole body), else the query string.
 */
export function toHttpCall(method: SharedMethod, args: readonly unknown[], instanceId?: unknown): HttpCall {
  const { verb, path } = routePath(method);
  const params: Record<string, unknown> = {};
  if (!method.isStatic) params.id = instanceId;
  const query: Record<string, string> = {};
  const headers: Record<string, string> = {};
  const fields: Record<string, unknown> = {};
  let body: unknown;
  let hasBody = false;
  const wholeBody = method.accepts.some((a) => sourceOf(a) === 'body');
  method.accepts.forEach((accept, i) => {
    const value = args[i];
    if (value === undefined || isServerSide(accept)) return;
    const name = accept.arg;
    switch (sourceOf(accept)) {
      case 'path':
        params[name] = value;
        return;
      case 'query':
        query[name] = queryText(value);
        return;
      case 'body':
        body = value;
        hasBody = true;
        return;
      case 'form':
      case 'formData':
        fields[name] = value;
        return;
      case 'header':
        headers[name] = queryText(value);
        return;
      default:
        if (new RegExp(`/:${name}(?:/|$)`).test(path)) params[name] = value;
        else if (BODY_VERBS.has(verb) && !wholeBody) fields[name] = value;
        else query[name] = queryText(value);
    }
  });
  const filled = path.replace(/:(\w+)/g, (_m, name: string) =>
    encodeURIComponent(queryText(params[name] ?? '')),
  );
  if (!hasBody && Object.keys(fields).length) {
    body = fields;
    hasBody = true;
  }
  const call: HttpCall = { verb: verb === 'all' ? 'POST' : verb.toUpperCase(), path: filled, query, headers };
  if (hasBody) call.body = body;
  return call;
}

/**
 * The method's results from a successful answer, in the order of its `returns`: a root return is
 * the whole body, a named one the body's property, a `status` or `header` target read from the
 * answer itself.
 */
export function fromHttpAnswer(method: SharedMethod, answer: HttpAnswer): unknown[] {
  return method.returns.map((ret) => {
    const target = ret.http?.target;
    if (target === 'status') return answer.status;
    if (target === 'header') return answer.headers.get(ret.http?.header ?? ret.arg ?? '') ?? undefined;
    if (ret.root) return answer.body;
    const body = answer.body;
    return body && typeof body === 'object' && ret.arg
      ? (body as Record<string, unknown>)[ret.arg]
      : undefined;
  });
}
