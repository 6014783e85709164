import type { Request, Response } from 'express';
import type { RemotingContext } from '../context';
import type { RestRoute } from './route-table';
import { toJSONText } from '../../util/json-text';

/**
 * Writes a method's result as LB3 does: JSON with `application/json; charset=utf-8`, the route's
 * status (200 by default), 204 when the method declares no return value.
 */
export function sendResult(req: Request, res: Response, ctx: RemotingContext, route: RestRoute): void {
  if (route.returns.length === 0 && ctx.result === undefined) {
    res.status(route.status ?? 204);
    // LB3 labels even an empty answer as JSON.
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.end();
    return;
  }
  const status = route.status ?? 200;
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
