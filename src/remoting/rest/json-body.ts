import { AsyncResource } from 'async_hooks';
import type { IncomingMessage } from 'http';

/**
 * A JSON body reader for the request almost every client sends: `application/json` (or with
 * `charset=utf-8`), not compressed, with a Content-Length within the limit. It gives exactly what
 * body-parser 2.x's `json()` gives for such a request (the installed 2.4.0 was read to match it:
 * `req.body`, `{}` for an empty body, a leading BOM dropped as iconv-lite drops it, the parse error
 * with `status`, `expose`, `body` and `type`, strict mode's message), without the content-type
 * parsing, the type-is matching, the iconv decoder and the five stream listeners per request that
 * make body-parser a tenth of a POST's cost. Every other request goes to body-parser as before:
 * `tryReadJson` answers false for it before touching the stream.
 */

/** The Content-Type headers read here (as sent by browsers, fetch, axios, supertest, curl). */
const PLAIN_JSON_TYPES = new Set([
  'application/json',
  'application/json; charset=utf-8',
  'application/json;charset=utf-8',
  'application/json; charset=UTF-8',
  'application/json;charset=UTF-8',
]);

const BYTE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1 << 10,
  mb: 1 << 20,
  gb: 1 << 30,
  tb: Math.pow(1024, 4),
  pb: Math.pow(1024, 5),
};

/**
 * The limit in bytes as the `bytes` package (body-parser's) reads it; undefined for a spelling it
 * reads differently from this, which keeps such an app on body-parser.
 */
export function limitInBytes(limit: string | number | undefined): number | undefined {
  if (limit === undefined) return 102400;
  if (typeof limit === 'number') return Number.isFinite(limit) ? limit : undefined;
  const m = /^(\d+(?:\.\d+)?) *(b|kb|mb|gb|tb|pb)?$/i.exec(limit);
  if (!m) return undefined;
  const unit = m[2] ? m[2].toLowerCase() : 'b';
  return unit === 'b' && !/^\d+$/.test(m[1]) ? undefined : Math.floor(BYTE_UNITS[unit] * parseFloat(m[1]));
}

export interface JsonReadOptions {
  /** In bytes, from `limitInBytes`. */
  limit: number;
  strict: boolean;
}

type Done = (err?: unknown) => void;

interface ReadableRequest extends IncomingMessage {
  body?: unknown;
}

/** http-errors' `createError(status, err, props)` on an Error that has no status yet. */
function asHttpError(err: Error, status: number, props: Record<string, unknown>): Error {
  return Object.assign(err, { expose: status < 500, statusCode: status, status }, props);
}

/** raw-body's errors for a request that ends short or is aborted (the client is gone by then). */
function readError(status: number, message: string, props: Record<string, unknown>): Error {
  return asHttpError(new Error(message), status, props);
}

// eslint-disable-next-line no-control-regex -- the four whitespace characters of RFC 7159
const JSON_WHITESPACE = /^[\x20\x09\x0a\x0d]*([^\x20\x09\x0a\x0d]|$)/;

/** body-parser's strict-mode refusal: JSON.parse's own message for the first character. */
function strictSyntaxError(text: string, first: string | undefined): Error {
  const index = first === undefined ? -1 : text.indexOf(first);
  const partial = index === -1 ? '' : text.substring(0, index) + '#'.repeat(text.length - index);
  try {
    JSON.parse(partial);
    return new SyntaxError('strict violation');
  } catch (e) {
    const err = e as SyntaxError;
    const message = err.message.replace(/#+/g, (p) => text.substring(index, index + p.length));
    if (err.stack) err.stack = err.stack.replace(err.message, message);
    err.message = message;
    return err;
  }
}

function parseJson(text: string, strict: boolean): unknown {
  if (text.length === 0) return {};
  if (strict && text[0] !== '{' && text[0] !== '[') {
    const first = JSON_WHITESPACE.exec(text)?.[1] || undefined;
    if (first !== '{' && first !== '[') throw strictSyntaxError(text, first);
  }
  return JSON.parse(text);
}

/** body-parser's test for a request whose body was read already (on-finished's `isFinished`). */
function alreadyRead(req: IncomingMessage): boolean {
  const socket = req.socket;
  return (
    !!(req as { upgrade?: boolean }).upgrade || !socket || !socket.readable || (req.complete && !req.readable)
  );
}

/**
 * Reads and parses the body when the request is of the plain kind, then calls `done` (with the
 * parse error, shaped as body-parser shapes it, when the text is not JSON). Returns false, having
 * done nothing, for any other request.
 */
export function tryReadJson(req: ReadableRequest, options: JsonReadOptions, done: Done): boolean {
  const headers = req.headers;
  const type = headers['content-type'];
  if (type === undefined || !PLAIN_JSON_TYPES.has(type)) return false;
  if (headers['content-encoding'] !== undefined || headers['transfer-encoding'] !== undefined) return false;
  const lengthHeader = headers['content-length'];
  const length = lengthHeader === undefined ? NaN : Number(lengthHeader);
  if (!(length > 0 && length <= options.limit && Number.isInteger(length))) return false;
  if (alreadyRead(req) || !req.readable || req.readableEncoding !== null || req.readableFlowing === false)
    return false;

  if (!('body' in req)) req.body = undefined;
  // raw-body runs its callback in the async context of the middleware (AsyncLocalStorage users
  // such as request-context packages see their store in the handler); so does this.
  const scope = new AsyncResource('loopline.jsonBody');
  const chunks: Buffer[] = [];
  let received = 0;
  const finish = (err?: unknown): void => {
    req.removeListener('data', onData);
    req.removeListener('end', onEnd);
    req.removeListener('error', onError);
    if (err !== undefined) req.pause();
    scope.runInAsyncScope(done, null, err);
    scope.emitDestroy();
  };
  const onData = (chunk: Buffer): void => {
    received += chunk.length;
    if (received > options.limit) {
      finish(
        readError(413, 'request entity too large', {
          limit: options.limit,
          received,
          type: 'entity.too.large',
        }),
      );
    } else chunks.push(chunk);
  };
  const onError = (err: Error & { status?: number; statusCode?: number }): void => {
    if (!req.aborted) return finish(asHttpError(err, err.status || err.statusCode || 400, {}));
    // raw-body's code (ECONNABORTED) is left out: withBodyErrorCode replaces it with MALFORMED_BODY.
    const props = { expected: length, length, received, type: 'request.aborted' };
    finish(readError(400, 'request aborted', props));
  };
  const onEnd = (): void => {
    if (received !== length) {
      const props = { expected: length, length, received, type: 'request.size.invalid' };
      return finish(readError(400, 'request size did not match content length', props));
    }
    let text =
      chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks, received).toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    try {
      req.body = parseJson(text, options.strict);
    } catch (e) {
      return finish(asHttpError(e as Error, 400, { body: text, type: 'entity.parse.failed' }));
    }
    finish();
  };
  req.on('data', onData);
  req.on('end', onEnd);
  req.on('error', onError);
  return true;
}
