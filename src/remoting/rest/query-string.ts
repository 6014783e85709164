import type { Request } from 'express';
import * as qs from 'qs';
import { LooplineError } from '../../errors';

export interface QueryOptions {
  depth?: number;
  arrayLimit?: number;
  parameterLimit?: number;
}

const PROTOTYPE_WORDS = /__proto__|constructor|prototype/i;
const CLOSING_BRACKET_EQUALS = /(?:\]|%5d)=/i;

/** What qs's decoder does to one key or value: `+` is a space, a malformed escape stays as sent. */
function decode(text: string): string {
  const spaced = text.indexOf('+') < 0 ? text : text.replace(/\+/g, ' ');
  if (spaced.indexOf('%') < 0) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

function fullParse(
  text: string,
  options: QueryOptions | undefined,
  check: ((text: string) => void) | undefined,
): Record<string, unknown> {
  check?.(text);
  return qs.parse(text, {
    depth: options?.depth ?? 8,
    arrayLimit: options?.arrayLimit ?? 1000,
    parameterLimit: options?.parameterLimit ?? 1000,
    allowPrototypes: false,
  }) as Record<string, unknown>;
}

/**
 * The query string as qs parses it (LB3's `filter[where][x]=1` nesting, repeated keys as arrays).
 * Most API calls send only flat, distinct keys (`?filter={...}`); those are read here in one pass,
 * giving the same object qs would, and anything else — brackets, repeats, a name Object.prototype
 * carries or that merely mentions one, `]=` anywhere, more parameters than the limit — goes to
 * qs itself, after `check` (which may refuse the text) has seen it.
 */
export function parseQueryString(
  text: string,
  options?: QueryOptions,
  check?: (text: string) => void,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const limit = options?.parameterLimit ?? 1000;
  let count = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('&', start);
    if (end < 0) end = text.length;
    if (++count > limit) return fullParse(text, options, check);
    if (end > start) {
      const eq = text.indexOf('=', start);
      const hasValue = eq >= 0 && eq < end;
      // qs splits a part at `]=` before any `=`: such a part names a bracketed key.
      if (CLOSING_BRACKET_EQUALS.test(text.slice(start, end))) return fullParse(text, options, check);
      const key = decode(text.slice(start, hasValue ? eq : end));
      if (key !== '') {
        if (
          key.indexOf('[') >= 0 ||
          key.indexOf(']') >= 0 ||
          key in out ||
          key in Object.prototype ||
          PROTOTYPE_WORDS.test(key)
        )
          return fullParse(text, options, check);
        out[key] = hasValue ? decode(text.slice(eq + 1, end)) : '';
      }
    }
    start = end + 1;
  }
  return out;
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

/** The request's query string, parsed as LB3 parsed it (`{}` without one). */
export function requestQuery(req: Request, options: QueryOptions | undefined): Record<string, unknown> {
  const url = req.url;
  const q = url.indexOf('?');
  if (q < 0) return {};
  return parseQueryString(url.slice(q + 1), options, checkQueryString);
}
