import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { bodyParsers } from '../../util/express-parts';
import { LooplineError } from '../../errors';
import { withBodyErrorCode } from '../../errors/body-parser-errors';
import { assertNoForbiddenParams } from './query-string';
import type { RestRoute } from './route-table';
import { limitInBytes, tryReadJson, type JsonReadOptions } from './json-body';

/**
 * The request body of a REST call: read as JSON or as a form (as LB3's body parsers did) before
 * the method's handler runs, on the verbs that carry one. A parser's failure gets the stable code
 * of the error table; a body neither parser could read is refused (415).
 */

export interface BodyOptions {
  json?: { limit?: string | number; strict?: boolean };
  urlencoded?: { limit?: string | number; extended?: boolean };
}

/** The verbs whose routes read a body (`all` serves POST among others). */
export const BODY_VERBS = new Set(['post', 'put', 'patch', 'delete', 'all']);

/** A form body: its values are text, coerced as the query string's are. */
export function isForm(req: Request): boolean {
  return (
    !!req.headers['content-type'] && req.headers['content-type'].includes('application/x-www-form-urlencoded')
  );
}

/** The urlencoded parser's `verify`: refuses prototype keys that qs would otherwise drop silently. */
function verifyForm(_req: unknown, _res: unknown, buf: Buffer): void {
  assertNoForbiddenParams(buf.toString('latin1'), 'form body');
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

/** Puts a route's handler behind the body parsers; built once per route table, not per request. */
export type BodyReader = (route: RestRoute, handler: RequestHandler) => RequestHandler;

export function createBodyReader(options: BodyOptions): BodyReader {
  const jsonLimit = options.json?.limit ?? '100kb';
  const strict = options.json?.strict ?? false;
  const limit = limitInBytes(jsonLimit);
  // A limit spelled in a way not read here keeps every request on body-parser.
  const plainJson: JsonReadOptions | undefined = limit === undefined ? undefined : { limit, strict };
  // body-parser's parsers are made with the first route that reads a body (an API served by GET
  // alone never loads body-parser).
  let parsers: { json: RequestHandler; urlencoded: RequestHandler } | undefined;
  const bodyParsersOf = () =>
    (parsers ??= {
      json: bodyParsers().json({ limit: jsonLimit, strict }),
      urlencoded: bodyParsers().urlencoded({
        extended: options.urlencoded?.extended ?? true,
        limit: options.urlencoded?.limit ?? '100kb',
        verify: verifyForm,
      }),
    });
  return (route, handler) => {
    if (!BODY_VERBS.has(route.verb)) return handler;
    const { json, urlencoded } = bodyParsersOf();
    const raw = readsRawRequest(route);
    const afterJson = (req: Request, res: Response, next: NextFunction) => (err?: unknown) => {
      if (err) return next(withBodyErrorCode(err));
      // A JSON body read here leaves nothing for the form parser (body-parser's would see the
      // request finished and pass), and the body was read, so it is not refused as unread.
      handler(req, res, next);
    };
    return (req, res, next) => {
      if (plainJson && tryReadJson(req, plainJson, afterJson(req, res, next))) return;
      json(req, res, (err?: unknown) => {
        if (err) return next(withBodyErrorCode(err));
        urlencoded(req, res, (err2?: unknown) => {
          if (err2) return next(withBodyErrorCode(err2));
          const unread = unreadBody(req, raw);
          return unread ? next(unread) : handler(req, res, next);
        });
      });
    };
  };
}
