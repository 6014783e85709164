import type { Request, Response } from 'express';
import type { RemotingContext } from '../context';
import type { RestRoute } from './route-table';
import { toJSONText } from '../../util/json-text';

/**
 * Writes a method's result as LB3 does: JSON with `application/json; charset=utf-8`, the route's
 * status (200 by default), 204 when there is no result (no return value declared, or a root
 * return the method left undefined: strong-remoting sends 204 whenever the data is undefined).
 */
export function sendResult(req: Request, res: Response, ctx: RemotingContext, route: RestRoute): void {
  if (returnsFile(route.returns) && ctx.result !== undefined && ctx.result !== null) return sendFile(req, res, ctx, route);
  if (ctx.result === undefined) {
    res.status(route.status ?? (res.statusCode !== 200 ? res.statusCode : 204));
    // LB3 labels even an empty answer as JSON.
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.end();
    return;
  }
  // A `status` return set res.statusCode already; the route's own status wins, as in LB3.
  const status = route.status ?? (res.statusCode !== 200 ? res.statusCode : 200);
  const body = ctx.result === undefined ? null : ctx.result;
  const text = toJSONText(body);
  res.status(status);
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  res.end(text === undefined ? 'null' : text);
}

/** A root return of `type: 'file'`: the method's value is the body itself. */
export function returnsFile(returns: RestRoute['returns']): boolean {
  return returns.some((r) => r.root && typeof r.type === 'string' && r.type.toLowerCase() === 'file');
}

/**
 * A `type: 'file'` root return (LB3): a string or Buffer is the body as it is, a stream is piped,
 * with the Content-Type a header return set. Anything else cannot be a file: 500.
 */
function sendFile(req: Request, res: Response, ctx: RemotingContext, route: RestRoute): void {
  const root = ctx.result as any;
  if (route.status) res.status(route.status);
  if (!res.getHeader('Content-Type')) res.setHeader('Content-Type', 'application/octet-stream');
  if (typeof root === 'string' || Buffer.isBuffer(root)) {
    res.end(req.method === 'HEAD' ? undefined : root);
    return;
  }
  if (typeof root.pipe === 'function') {
    root.pipe(res);
    return;
  }
  throw Object.assign(new Error(`Cannot create a file response from ${Array.isArray(root) ? 'an array' : typeof root}`), { statusCode: 500 });
}
