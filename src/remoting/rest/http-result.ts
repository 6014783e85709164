import type { Request, Response } from 'express';
import type { RemotingContext } from '../context';
import type { SharedMethod } from '../shared-method';
import type { RestRoute } from './route-table';
import { toJSONText } from '../../util/json-text';

/**
 * The HTTP answer to a REST call: whether the client accepts it (406), the method's results shaped
 * into `ctx.result` (with status and header returns applied), and the result written as JSON, a
 * file or a stream of server-sent events.
 */

/** The types LB3 answers with when XML is off (its default), JSON for all of them here. */
const ANSWER_TYPES = ['application/json', 'application/javascript', 'text/javascript', 'json'];

/** A method that writes its own answer (a `res` argument, a `file` return) chooses its own type. */
export function negotiatesAnswer(method: SharedMethod): boolean {
  return (
    !method.accepts.some(
      (a) =>
        typeof a.http === 'object' &&
        a.http !== null &&
        (a.http.source === 'res' || a.http.source === 'context'),
    ) &&
    !returnsFile(method.returns) &&
    !returnedStream(method.returns)
  );
}

/**
 * LB3 answers 406 when the Accept header (or `?_format=`) allows none of its types. It did so
 * after running the method; loopline refuses first, so a refused request changes nothing.
 */
export function acceptsAnswer(req: Request, query: Record<string, unknown>): boolean {
  const format = query._format;
  if (format !== undefined) return typeof format === 'string' && format.toLowerCase() === 'json';
  return req.headers.accept === undefined || req.accepts(ANSWER_TYPES) !== false;
}

/**
 * One value for a root return; an object of named values otherwise; nothing (204) without returns.
 * Returns marked `http: {target: 'header' | 'status'}` set the answer's header or status instead
 * (LB3), and are left out of the body.
 */
export function shapeResult(
  returns: RestRoute['returns'],
  results: unknown[],
  ctx: RemotingContext,
): unknown {
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

/** Writes a route's result; chosen once per route (compileSendResult). */
export type ResultWriter = (req: Request, res: Response, ctx: RemotingContext) => void;

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * The writer of a route's results, as LB3 answers: JSON with `application/json; charset=utf-8`,
 * the route's status (200 by default), 204 when there is no result (no return value declared, or
 * a root return the method left undefined: strong-remoting sends 204 whenever the data is
 * undefined); a `ReadableStream` return as server-sent events, a `file` return as the body itself.
 * Which of these a route writes is worked out here, once per route.
 */
export function compileSendResult(route: RestRoute): ResultWriter {
  const streamReturn = returnedStream(route.returns);
  if (streamReturn) return (req, res, ctx) => sendEventStream(req, res, streamOf(ctx.result, streamReturn));
  const file = returnsFile(route.returns);
  const routeStatus = route.status;
  return (req, res, ctx) => {
    const result: unknown = ctx.result;
    if (file && result !== undefined && result !== null) return sendFile(req, res, ctx, route);
    if (result === undefined) {
      res.status(routeStatus ?? (res.statusCode !== 200 ? res.statusCode : 204));
      // LB3 labels even an empty answer as JSON.
      res.setHeader('Content-Type', JSON_TYPE);
      res.end();
      return;
    }
    const text = toJSONText(result);
    // A `status` return (or a hook) set res.statusCode already; the route's own status wins, as in LB3.
    if (routeStatus !== undefined && routeStatus !== null) res.status(routeStatus);
    res.setHeader('Content-Type', JSON_TYPE);
    res.end(req.method === 'HEAD' ? undefined : text);
  };
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
  const root: unknown = ctx.result;
  if (route.status) res.status(route.status);
  if (!res.getHeader('Content-Type')) res.setHeader('Content-Type', 'application/octet-stream');
  if (typeof root === 'string' || Buffer.isBuffer(root)) {
    res.end(req.method === 'HEAD' ? undefined : root);
    return;
  }
  if (isPipeable(root)) {
    root.pipe(res);
    return;
  }
  throw Object.assign(
    new Error(`Cannot create a file response from ${Array.isArray(root) ? 'an array' : typeof root}`),
    { statusCode: 500 },
  );
}

/** A `type: 'ReadableStream'` return (LB3's change streams): the method hands back an object stream. */
export function returnedStream(returns: RestRoute['returns']): RestRoute['returns'][number] | undefined {
  return returns.find((r) => typeof r.type === 'string' && r.type === 'ReadableStream');
}

type ObjectStream = NodeJS.ReadableStream & { destroy?: () => void };

/** Something with a `pipe` method: a stream, as far as an answer is concerned. */
function isPipeable(value: unknown): value is { pipe(to: Response): unknown } {
  return value !== null && value !== undefined && typeof (value as { pipe?: unknown }).pipe === 'function';
}

function streamOf(result: unknown, spec: RestRoute['returns'][number]): ObjectStream {
  const candidate =
    result && typeof result === 'object' && !spec.root && spec.arg && !isPipeable(result)
      ? (result as Record<string, unknown>)[spec.arg]
      : result;
  if (!candidate || typeof (candidate as { on?: unknown }).on !== 'function')
    throw Object.assign(new Error('The method returned no readable stream'), { statusCode: 500 });
  return candidate as ObjectStream;
}

/**
 * Server-sent events, as strong-remoting writes them: a `:ok` comment first, then each object of
 * the stream as `event: data` with its JSON (hidden properties left out by the instances' own
 * toJSON), `event: error` with the error's message and code, and `event: end` when the stream ends.
 * The client going away destroys the stream, so its producer stops (a change stream drops its
 * observers).
 */
function sendEventStream(req: Request, res: Response, stream: ObjectStream): void {
  req.socket?.setNoDelay(true);
  res.writeHead(200, {
    'Content-Type': 'text/event-stream',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
  });
  res.write(':ok\n\n');
  const send = (event: string, data: string): void => {
    if (res.writableEnded) return;
    res.write(
      `event: ${event}\n${data
        .split(/\r\n|\r|\n/)
        .map((line) => `data: ${line}`)
        .join('\n')}\n\n`,
    );
  };
  stream.on('data', (item: unknown) => send('data', toJSONText(item) ?? 'null'));
  stream.on('error', (err: any) => {
    send(
      'error',
      JSON.stringify({ message: String(err?.message ?? err), code: err?.code, statusCode: err?.statusCode }),
    );
    res.end();
  });
  stream.on('end', () => {
    send('end', 'null');
    res.end();
  });
  res.on('close', () => stream.destroy?.());
}
