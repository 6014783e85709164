/**
 * The hostile requests, one row each: what is sent, and the safe outcome expected. The runner
 * (hostile-requests.test.ts) sends each against every store, then checks the status, the error
 * code, that the store is exactly as before, that Object.prototype gained nothing, and that no
 * body carries a stack trace or a hidden value.
 */
export type StoreName = 'memory' | 'postgresql' | 'mysql' | 'sqlite';

export interface Outcome {
  status: number;
  /** `error.code` of the body; undefined for a success. */
  code?: string;
}

export interface HostileCase {
  name: string;
  method: 'get' | 'post' | 'put' | 'patch' | 'delete' | 'options' | 'head';
  path: string;
  headers?: Record<string, string>;
  /** A string is sent as it is (with the content type in `headers`); anything else as JSON. */
  body?: unknown;
  /** Whose access token goes in the Authorization header. */
  as?: 'ann' | 'bob';
  expect: Outcome | (Partial<Record<StoreName, Outcome>> & { default: Outcome });
  /** Further checks on a response (a success must still hold exactly what it should). */
  check?: (res: { status: number; body: any; headers: Record<string, string>; text: string }) => void;
}

const JSON_TYPE = { 'Content-Type': 'application/json' };
const q = (filter: unknown) => encodeURIComponent(JSON.stringify(filter));
const nest = (depth: number, leaf: unknown): unknown =>
  depth === 0 ? leaf : { and: [nest(depth - 1, leaf)] };
const deepObject = (depth: number): unknown => (depth === 0 ? 'x' : { a: deepObject(depth - 1) });
const badFilter = { status: 400, code: 'INVALID_FILTER' };
/**
 * A probe the caller may not make at all: access control answers first (LB3's order — argument
 * checks come after the ACL check and the before-remote hooks). Here the caller may not list
 * HostileMembers, nor include them, so the filter is never looked at.
 */
const deniedFirst = { status: 401, code: 'AUTHORIZATION_REQUIRED' };
const tooDeep = { status: 400, code: 'NESTED_TOO_DEEPLY' };
const forbiddenKey = { status: 400, code: 'FORBIDDEN_KEY' };
const names = (expected: string[]) => (res: { body: any }) =>
  expect(res.body.map((r: any) => r.name)).toEqual(expected);

export const HOSTILE_CASES: HostileCase[] = [
  // Malformed and truncated JSON bodies.
  {
    name: 'truncated JSON object',
    method: 'post',
    path: '/api/HostileThings',
    headers: JSON_TYPE,
    body: '{"name": "x"',
    expect: { status: 400, code: 'MALFORMED_JSON' },
  },
  {
    name: 'JSON with a missing value',
    method: 'post',
    path: '/api/HostileThings',
    headers: JSON_TYPE,
    body: '{"name": }',
    expect: { status: 400, code: 'MALFORMED_JSON' },
  },
  {
    name: 'a bare word as JSON',
    method: 'post',
    path: '/api/HostileThings',
    headers: JSON_TYPE,
    body: 'nul',
    expect: { status: 400, code: 'MALFORMED_JSON' },
  },
  {
    name: 'truncated JSON array on PATCH',
    method: 'patch',
    path: '/api/HostileThings/1',
    headers: JSON_TYPE,
    body: '[1, 2',
    expect: { status: 400, code: 'MALFORMED_JSON' },
  },
  {
    name: 'JSON with a trailing comma',
    method: 'put',
    path: '/api/HostileThings/1',
    headers: JSON_TYPE,
    body: '{"name": "y",}',
    expect: { status: 400, code: 'MALFORMED_JSON' },
  },
  {
    name: 'a JSON string where an object is expected',
    method: 'post',
    path: '/api/HostileThings',
    headers: JSON_TYPE,
    body: '"just a string"',
    expect: { status: 400, code: 'INVALID_ARGUMENT' },
  },
  {
    name: 'a JSON number where an object is expected',
    method: 'patch',
    path: '/api/HostileThings/1',
    headers: JSON_TYPE,
    body: '42',
    expect: { status: 400, code: 'INVALID_ARGUMENT' },
  },

  // Bodies over the limit.
  {
    name: 'a body over the default 100 kB',
    method: 'post',
    path: '/api/HostileThings',
    body: { name: 'x'.repeat(101 * 1024) },
    expect: { status: 413, code: 'PAYLOAD_TOO_LARGE' },
  },
  {
    name: 'a body over the 1 kB limit of middleware.json',
    method: 'post',
    path: '/api/HostileNotes',
    as: 'ann',
    body: { title: 'x'.repeat(2048) },
    expect: { status: 413, code: 'PAYLOAD_TOO_LARGE' },
  },

  // Wrong content types and encodings.
  {
    name: 'JSON sent as text/plain',
    method: 'post',
    path: '/api/HostileThings',
    headers: { 'Content-Type': 'text/plain' },
    body: '{"name": "plain"}',
    expect: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  },
  {
    name: 'XML body',
    method: 'post',
    path: '/api/HostileThings',
    headers: { 'Content-Type': 'application/xml' },
    body: '<name>x</name>',
    expect: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  },
  {
    name: 'an unknown Content-Encoding',
    method: 'post',
    path: '/api/HostileThings',
    headers: { ...JSON_TYPE, 'Content-Encoding': 'compress' },
    body: '{"name": "z"}',
    expect: { status: 415, code: 'UNSUPPORTED_ENCODING' },
  },
  {
    name: 'gzip claimed but not gzip',
    method: 'post',
    path: '/api/HostileThings',
    headers: { ...JSON_TYPE, 'Content-Encoding': 'gzip' },
    body: '{"name": "z"}',
    expect: { status: 400, code: 'MALFORMED_BODY' },
  },
  {
    name: 'an unsupported charset',
    method: 'post',
    path: '/api/HostileThings',
    headers: { 'Content-Type': 'application/json; charset=klingon' },
    body: '{"name": "z"}',
    expect: { status: 415, code: 'UNSUPPORTED_ENCODING' },
  },

  // Deep nesting.
  {
    name: 'a body nested 40 deep',
    method: 'post',
    path: '/api/HostileThings',
    headers: JSON_TYPE,
    body: JSON.stringify({ name: deepObject(40) }),
    expect: { status: 400, code: 'NESTED_TOO_DEEPLY' },
  },
  {
    name: 'a body nested 5000 deep',
    method: 'post',
    path: '/api/HostileThings',
    headers: JSON_TYPE,
    body: '{"name":' + '['.repeat(5000) + ']'.repeat(5000) + '}',
    expect: { status: 400, code: 'NESTED_TOO_DEEPLY' },
  },
  {
    name: 'a where nested 50 and-levels deep',
    method: 'get',
    path: `/api/HostileThings?filter=${q({ where: nest(50, { size: 1 }) })}`,
    expect: tooDeep,
  },
  {
    name: 'a filter object nested 40 deep',
    method: 'get',
    path: `/api/HostileThings?filter=${q({ where: { name: deepObject(40) } })}`,
    expect: tooDeep,
  },
  {
    name: 'includes nested 20 deep',
    method: 'get',
    path: `/api/HostileNotes?filter=${q({ include: Array.from({ length: 20 }).reduce<unknown>((inner) => ({ owner: { notes: inner } }), 'owner') })}`,
    expect: tooDeep,
  },

  // Prototype keys.
  {
    name: '__proto__ in a body',
    method: 'post',
    path: '/api/HostileThings',
    headers: JSON_TYPE,
    body: '{"name": "p", "__proto__": {"polluted": "yes"}}',
    expect: { status: 400, code: 'FORBIDDEN_KEY' },
  },
  {
    name: 'constructor.prototype in a body',
    method: 'post',
    path: '/api/HostileThings',
    headers: JSON_TYPE,
    body: '{"name": "p", "constructor": {"prototype": {"polluted": "yes"}}}',
    expect: { status: 400, code: 'FORBIDDEN_KEY' },
  },
  {
    name: '__proto__ nested in a PATCH body',
    method: 'patch',
    path: '/api/HostileThings/1',
    headers: JSON_TYPE,
    body: '{"name": {"__proto__": {"polluted": "yes"}}}',
    expect: { status: 400, code: 'FORBIDDEN_KEY' },
  },
  {
    name: '__proto__ in a JSON filter',
    method: 'get',
    path: `/api/HostileThings?filter=${encodeURIComponent('{"where": {"__proto__": {"polluted": "yes"}}}')}`,
    expect: forbiddenKey,
  },
  {
    name: 'constructor in a JSON where of count',
    method: 'get',
    path: `/api/HostileThings/count?where=${encodeURIComponent('{"constructor": {"prototype": {"polluted": "yes"}}}')}`,
    expect: forbiddenKey,
  },
  {
    name: '__proto__ in a bracketed query filter',
    method: 'get',
    path: '/api/HostileThings?filter[where][__proto__][polluted]=yes',
    expect: { status: 400, code: 'FORBIDDEN_KEY' },
  },
  {
    name: '__proto__ as a top-level query key',
    method: 'get',
    path: '/api/HostileThings?__proto__[polluted]=yes',
    expect: { status: 400, code: 'FORBIDDEN_KEY' },
  },
  {
    name: 'constructor[prototype] in a query string',
    method: 'get',
    path: '/api/HostileThings?filter[constructor][prototype][polluted]=yes',
    expect: { status: 400, code: 'FORBIDDEN_KEY' },
  },
  {
    name: 'prototype key percent-encoded in a query string',
    method: 'get',
    path: '/api/HostileThings?filter%5B__proto__%5D%5Bpolluted%5D=yes',
    expect: { status: 400, code: 'FORBIDDEN_KEY' },
  },
  {
    name: '__proto__ in an urlencoded body',
    method: 'post',
    path: '/api/HostileThings',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'name=u&__proto__[polluted]=yes',
    expect: { status: 400, code: 'FORBIDDEN_KEY' },
  },

  // Operator injection and probes of hidden or unknown properties.
  {
    name: 'password neq null on the users',
    method: 'get',
    path: `/api/HostileMembers?filter=${q({ where: { password: { neq: null } } })}`,
    as: 'ann',
    expect: deniedFirst,
  },
  {
    name: 'a hidden property in an include scope where',
    method: 'get',
    path: `/api/HostileNotes?filter=${q({ include: { relation: 'owner', scope: { where: { secretAnswer: 'blue' } } } })}`,
    expect: deniedFirst,
  },
  {
    name: 'password like in an include scope',
    method: 'get',
    path: `/api/HostileNotes?filter=${q({ include: { relation: 'owner', scope: { where: { password: { like: '$2%' } } } } })}`,
    expect: deniedFirst,
  },
  {
    name: 'a hidden property in an include scope order',
    method: 'get',
    path: `/api/HostileNotes?filter=${q({ include: { relation: 'owner', scope: { order: 'verificationToken DESC' } } })}`,
    expect: deniedFirst,
  },
  {
    name: 'a hidden property in an include scope fields',
    method: 'get',
    path: `/api/HostileNotes?filter=${q({ include: { relation: 'owner', scope: { fields: ['id', 'password'] } } })}`,
    expect: deniedFirst,
  },
  {
    name: 'a hidden property two includes down',
    method: 'get',
    path: `/api/HostileNotes?filter=${q({ include: { relation: 'owner', scope: { include: { relation: 'notes', scope: { include: { relation: 'owner', scope: { where: { verificationToken: 'ann-verify-token' } } } } } } } })}`,
    expect: deniedFirst,
  },
  {
    name: 'a hidden property in a findOne where',
    method: 'get',
    path: `/api/HostileNotes/findOne?filter=${q({ include: { relation: 'owner', scope: { where: { or: [{ secretAnswer: 'blue' }, { id: 0 }] } } } })}`,
    expect: deniedFirst,
  },
  {
    name: 'a hidden property in a relation scope over REST',
    method: 'get',
    path: `/api/HostileMembers/1/notes?filter=${q({ include: { relation: 'owner', scope: { where: { secretAnswer: { regexp: '^b' } } } } })}`,
    as: 'ann',
    expect: deniedFirst,
  },
  {
    name: 'an unknown property in where (strict model)',
    method: 'get',
    path: `/api/HostileThings?filter=${q({ where: { nope: 1 } })}`,
    expect: badFilter,
  },
  {
    name: 'an unknown property in order',
    method: 'get',
    path: `/api/HostileThings?filter=${q({ order: 'nope DESC' })}`,
    expect: badFilter,
  },
  {
    name: 'an unknown property in count where',
    method: 'get',
    path: `/api/HostileThings/count?where=${q({ nope: { gt: 0 } })}`,
    expect: badFilter,
  },
  {
    name: 'an unknown property in updateAll where',
    method: 'post',
    path: `/api/HostileThings/update?where=${q({ nope: 1 })}`,
    body: { name: 'all' },
    expect: badFilter,
  },
  {
    name: 'an unknown operator',
    method: 'get',
    path: `/api/HostileThings?filter=${q({ where: { size: { $where: 'sleep(1000)' } } })}`,
    expect: badFilter,
  },
  {
    name: 'an unknown relation in include',
    method: 'get',
    path: `/api/HostileNotes?filter=${q({ include: 'secrets' })}`,
    expect: badFilter,
  },

  {
    name: 'an include of "constructor"',
    method: 'get',
    path: `/api/HostileNotes?filter=${q({ include: 'constructor' })}`,
    expect: badFilter,
  },
  {
    name: 'an include of "toString"',
    method: 'get',
    path: `/api/HostileNotes?filter=${q({ include: ['toString', 'hasOwnProperty'] })}`,
    expect: badFilter,
  },
  {
    name: 'an order by "__proto__"',
    method: 'get',
    path: `/api/HostileThings?filter=${q({ order: '__proto__ DESC' })}`,
    expect: badFilter,
  },
  {
    name: 'fields naming "constructor"',
    method: 'get',
    path: `/api/HostileThings?filter=${q({ fields: ['constructor'] })}`,
    expect: badFilter,
  },
  {
    name: 'a filter that is not JSON',
    method: 'get',
    path: '/api/HostileThings?filter=%7B%22where%22%3A',
    expect: { status: 400, code: 'INVALID_ARGUMENT' },
  },
  {
    name: 'a where that is an array',
    method: 'get',
    path: `/api/HostileThings/count?where=${q([{ size: 1 }])}`,
    expect: { status: 400, code: 'INVALID_ARGUMENT' },
  },

  // SQL metacharacters in every filter position.
  {
    name: 'a quote and comment in a where value',
    method: 'get',
    path: `/api/HostileThings?filter=${q({ where: { name: "O'Brien; DROP TABLE x; --" } })}`,
    expect: { status: 200 },
    check: names(["O'Brien; DROP TABLE x; --"]),
  },
  {
    name: 'a tautology as a where value',
    method: 'get',
    path: `/api/HostileThings?filter=${q({ where: { name: "' OR '1'='1" } })}`,
    expect: { status: 200 },
    check: names([]),
  },
  {
    name: 'metacharacters in like',
    method: 'get',
    path: `/api/HostileThings?filter=${q({ where: { name: { like: "%'; DROP TABLE x; --%" } } })}`,
    expect: { status: 200 },
    check: names([]),
  },
  {
    name: 'metacharacters in inq',
    method: 'get',
    path: `/api/HostileThings?filter=${q({ where: { name: { inq: ["') OR 1=1 --", "O'Brien; DROP TABLE x; --"] } } })}`,
    expect: { status: 200 },
    check: names(["O'Brien; DROP TABLE x; --"]),
  },
  {
    name: 'a backslash-quote in a where value',
    method: 'get',
    path: `/api/HostileThings?filter=${q({ where: { name: "\\' OR 1=1 #" } })}`,
    expect: { status: 200 },
    check: names([]),
  },
  {
    name: 'SQL in order',
    method: 'get',
    path: `/api/HostileThings?filter=${q({ order: 'name; DROP TABLE x' })}`,
    expect: badFilter,
  },
  {
    name: 'SQL in the order direction',
    method: 'get',
    path: `/api/HostileThings?filter=${q({ order: 'name ASC, (SELECT 1)' })}`,
    expect: badFilter,
  },
  {
    name: 'SQL in fields',
    method: 'get',
    path: `/api/HostileThings?filter=${q({ fields: { 'name" FROM x; --': true } })}`,
    expect: badFilter,
  },
  {
    name: 'SQL as a where key',
    method: 'get',
    path: `/api/HostileThings?filter=${q({ where: { 'name" = name OR "1': 1 } })}`,
    expect: badFilter,
  },
  {
    name: 'SQL in limit',
    method: 'get',
    path: `/api/HostileThings?filter=${q({ limit: '1; DROP TABLE x' })}`,
    expect: badFilter,
  },
  {
    name: 'SQL in skip',
    method: 'get',
    path: `/api/HostileThings?filter=${q({ skip: '0 OR 1=1' })}`,
    expect: badFilter,
  },
  {
    name: 'SQL in a bracketed where key',
    method: 'get',
    path: `/api/HostileThings?filter[where][name%22%20OR%201%3D1%20--]=x`,
    expect: badFilter,
  },
  {
    name: 'SQL as an id',
    method: 'get',
    path: `/api/HostileThings/${encodeURIComponent('1 OR 1=1')}`,
    expect: { status: 404, code: 'MODEL_NOT_FOUND' },
  },
  {
    name: 'SQL in a between bound',
    method: 'get',
    path: `/api/HostileThings?filter=${q({ where: { size: { between: ['1', '3) OR (1=1'] } } })}`,
    expect: badFilter,
  },

  // Catastrophic and oversize patterns: linear-time matching on memory, PostgreSQL's own engine,
  // the shapes refused before MariaDB's backtracking PCRE2 (test/security/redos.test.ts times them).
  {
    name: 'a nested-quantifier regexp',
    method: 'get',
    path: `/api/HostileThings?filter=${q({ where: { name: { regexp: '(a+)+$' } } })}`,
    expect: { default: { status: 200 }, mysql: badFilter },
    check: (res) => res.status === 200 && names(['alpha'])(res),
  },
  {
    name: 'an overlapping alternation regexp',
    method: 'get',
    path: `/api/HostileThings?filter=${q({ where: { name: { regexp: '^(a|a)*$' } } })}`,
    expect: { default: { status: 200 }, mysql: badFilter },
    check: (res) => res.status === 200 && names([])(res),
  },
  {
    name: 'an overlapping alternation through an escape',
    method: 'get',
    path: `/api/HostileThings?filter=${q({ where: { name: { regexp: '(a|\\x61)+$' } } })}`,
    expect: { default: { status: 200 }, mysql: badFilter },
    check: (res) => res.status === 200 && names(['alpha'])(res),
  },
  {
    name: 'a lookahead regexp',
    method: 'get',
    path: `/api/HostileThings?filter=${q({ where: { name: { regexp: 'al(?=pha)' } } })}`,
    expect: badFilter,
  },
  {
    name: 'a back-reference regexp',
    method: 'get',
    path: `/api/HostileThings?filter=${q({ where: { name: { regexp: '(a*)\\1b' } } })}`,
    expect: badFilter,
  },
  {
    name: 'a regexp over the length limit',
    method: 'get',
    path: `/api/HostileThings?filter=${q({ where: { name: { regexp: 'a'.repeat(1500) } } })}`,
    expect: badFilter,
  },
  {
    name: 'a regexp that does not compile',
    method: 'get',
    path: `/api/HostileThings?filter=${q({ where: { name: { regexp: '([a-' } } })}`,
    expect: badFilter,
  },
  {
    name: 'a like pattern over the length limit',
    method: 'get',
    path: `/api/HostileThings?filter=${q({ where: { name: { like: '%a'.repeat(800) } } })}`,
    expect: badFilter,
  },
  {
    name: 'a like with many wildcards',
    method: 'get',
    path: `/api/HostileThings?filter=${q({ where: { name: { like: '%a'.repeat(40) + '%zzz' } } })}`,
    expect: { status: 200 },
    check: names([]),
  },
  {
    name: 'unicode in a where round-trips',
    method: 'get',
    path: `/api/HostileThings?filter=${q({ where: { name: 'ünïcödé 漢字 🎉' } })}`,
    expect: { status: 200 },
    check: names(['ünïcödé 漢字 🎉']),
  },
  {
    name: 'metacharacters in ilike',
    method: 'get',
    path: `/api/HostileThings?filter=${q({ where: { name: { ilike: "o'brien%" } } })}`,
    expect: { status: 200 },
    check: names(["O'Brien; DROP TABLE x; --"]),
  },
  {
    name: 'bad regexp flags',
    method: 'get',
    path: `/api/HostileThings?filter=${q({ where: { name: { regexp: '/a/zz' } } })}`,
    expect: badFilter,
  },

  // Huge lists and counts (the app sets maxInq 200, maxLimit 500 in filterLimits).
  {
    name: 'an inq over maxInq',
    method: 'get',
    path: `/api/HostileThings?filter=${q({ where: { size: { inq: Array.from({ length: 201 }, (_, i) => i) } } })}`,
    expect: badFilter,
  },
  {
    name: 'a nin over maxInq',
    method: 'get',
    path: `/api/HostileThings/count?where=${q({ size: { nin: Array.from({ length: 201 }, (_, i) => i) } })}`,
    expect: badFilter,
  },
  {
    name: 'a limit over maxLimit',
    method: 'get',
    path: `/api/HostileThings?filter=${q({ limit: 501 })}`,
    expect: badFilter,
  },
  {
    name: 'a limit of 1e308',
    method: 'get',
    path: `/api/HostileThings?filter=${q({ limit: 1e308 })}`,
    expect: badFilter,
  },
  {
    name: 'a negative limit',
    method: 'get',
    path: `/api/HostileThings?filter=${q({ limit: -1 })}`,
    expect: badFilter,
  },
  {
    name: 'a fractional limit',
    method: 'get',
    path: `/api/HostileThings?filter=${q({ limit: 1.5 })}`,
    expect: badFilter,
  },
  {
    name: 'a NaN limit in brackets',
    method: 'get',
    path: '/api/HostileThings?filter[limit]=NaN',
    expect: badFilter,
  },
  {
    name: 'a negative skip',
    method: 'get',
    path: `/api/HostileThings?filter=${q({ skip: -5 })}`,
    expect: badFilter,
  },
  {
    name: 'an infinite skip',
    method: 'get',
    path: '/api/HostileThings?filter={"skip":1e400}',
    expect: badFilter,
  },
  {
    name: 'a fractional offset in brackets',
    method: 'get',
    path: '/api/HostileThings?filter[offset]=0.5',
    expect: badFilter,
  },

  // Ids of the wrong type.
  {
    name: 'a word for a number id',
    method: 'get',
    path: '/api/HostileThings/abc',
    expect: { status: 404, code: 'MODEL_NOT_FOUND' },
  },
  {
    name: 'a fraction for a number id',
    method: 'get',
    path: '/api/HostileThings/1.5',
    expect: { status: 404, code: 'MODEL_NOT_FOUND' },
  },
  {
    name: 'a NUL byte as an id',
    method: 'get',
    path: '/api/HostileThings/%00',
    expect: { status: 404, code: 'MODEL_NOT_FOUND' },
  },
  {
    name: 'a broken percent-escape as an id',
    method: 'get',
    path: '/api/HostileThings/%E0%A4%A',
    expect: { status: 400, code: 'INVALID_ARGUMENT' },
  },
  {
    name: 'PATCH a word id',
    method: 'patch',
    path: '/api/HostileThings/abc',
    body: { name: 'n' },
    expect: { status: 404, code: 'MODEL_NOT_FOUND' },
  },
  {
    name: 'exists with a huge number id',
    method: 'head',
    path: '/api/HostileThings/99999999999999999999999',
    expect: { status: 404 },
  },

  // Values a store may refuse: a 400, never a 500.
  {
    name: 'a NUL byte in a where value',
    method: 'get',
    path: `/api/HostileThings?filter=${q({ where: { name: 'a\u0000b' } })}`,
    expect: { default: { status: 200 }, postgresql: { status: 400, code: 'UNSUPPORTED_CHARACTER' } },
  },
  {
    name: "a date past the store's range",
    method: 'patch',
    path: '/api/HostileThings/1',
    body: { born: '+275760-09-13T00:00:00.000Z' },
    expect: { default: { status: 200 }, mysql: { status: 400, code: 'INVALID_VALUE' } },
  },
  {
    name: 'half a surrogate pair in a written string',
    method: 'patch',
    path: '/api/HostileThings/1',
    body: { name: 'half \ud800 pair' },
    expect: { default: { status: 400, code: 'UNSUPPORTED_CHARACTER' }, memory: { status: 200 } },
  },
  {
    name: 'an operator object as the id of an upsert',
    method: 'patch',
    path: '/api/HostileThings',
    body: { id: { gt: 0 }, name: 'taken over' },
    expect: { status: 400, code: 'INVALID_VALUE' },
  },
  {
    name: 'an operator object as the id of a replaceOrCreate',
    method: 'put',
    path: '/api/HostileThings',
    body: { id: { inq: [1, 2] }, name: 'taken over' },
    expect: { status: 400, code: 'INVALID_VALUE' },
  },
  {
    name: 'a regexp escape the SQL engines do not read',
    method: 'get',
    path: `/api/HostileThings?filter=${q({ where: { name: { regexp: '/[\\u{1F600}]/u' } } })}`,
    expect: { status: 200 },
  },
  {
    name: 'a regexp group PostgreSQL cannot read',
    method: 'get',
    path: `/api/HostileThings?filter=${q({ where: { name: { regexp: '(?<word>ab)c' } } })}`,
    expect: { default: { status: 200 }, postgresql: badFilter },
  },
  {
    name: 'a NUL byte in a written string',
    method: 'patch',
    path: '/api/HostileThings/1',
    body: { name: 'nul\u0000byte' },
    expect: { default: { status: 200 }, postgresql: { status: 400, code: 'UNSUPPORTED_CHARACTER' } },
  },
  {
    name: 'a fraction for an integer id in a where',
    method: 'get',
    path: `/api/HostileThings/count?where=${q({ id: 1.5 })}`,
    expect: { default: { status: 200 }, postgresql: { status: 400, code: 'INVALID_VALUE' } },
    check: (res) => res.status === 200 && expect(res.body).toEqual({ count: 0 }),
  },
  {
    name: 'a string for a number property',
    method: 'patch',
    path: '/api/HostileThings/1',
    body: { size: 'big' },
    expect: { status: 422, code: 'VALIDATION_FAILED' },
  },
  {
    name: 'an invalid date',
    method: 'patch',
    path: '/api/HostileThings/1',
    body: { born: 'not a date' },
    expect: { status: 422, code: 'VALIDATION_FAILED' },
  },
  {
    name: 'an invalid date in a where',
    method: 'get',
    path: `/api/HostileThings?filter=${q({ where: { born: { gt: 'yesterday-ish' } } })}`,
    expect: badFilter,
  },

  // Mass assignment of ids, protected and server-managed properties; ownership.
  {
    name: 'an id on create of a forceId model',
    method: 'post',
    path: '/api/HostileNotes',
    as: 'ann',
    body: { id: 99, title: 'mine' },
    expect: { status: 422, code: 'VALIDATION_FAILED' },
  },
  {
    name: 'another id on replace',
    method: 'put',
    path: '/api/HostileNotes/1',
    as: 'ann',
    body: { id: 2, title: 'swap' },
    expect: { status: 400, code: 'ID_CHANGE_FORBIDDEN' },
  },
  {
    name: 'emailVerified on signup',
    method: 'post',
    path: '/api/HostileMembers',
    body: { email: 'eve@example.com', password: 'eve-secret', emailVerified: true },
    expect: { status: 200 },
    check: (res) => expect(res.body.emailVerified).toBe(false),
  },
  {
    name: 'verificationToken on signup',
    method: 'post',
    path: '/api/HostileMembers',
    body: { email: 'eve@example.com', password: 'eve-secret', verificationToken: 'chosen' },
    expect: { status: 400, code: 'PROPERTY_NOT_WRITABLE' },
  },
  {
    name: 'a realm on signup',
    method: 'post',
    path: '/api/HostileMembers',
    body: { email: 'eve@example.com', password: 'eve-secret', realm: 'admins' },
    expect: { status: 400, code: 'PROPERTY_NOT_WRITABLE' },
  },
  {
    name: 'a realm by PATCH on oneself',
    method: 'patch',
    path: '/api/HostileMembers/2',
    as: 'bob',
    body: { realm: 'admins' },
    expect: { status: 400, code: 'PROPERTY_NOT_WRITABLE' },
  },
  {
    name: 'emailVerified by PATCH on oneself',
    method: 'patch',
    path: '/api/HostileMembers/2',
    as: 'bob',
    body: { emailVerified: true },
    expect: { status: 400, code: 'PROPERTY_NOT_WRITABLE' },
  },
  {
    name: 'a password change by PATCH',
    method: 'patch',
    path: '/api/HostileMembers/1',
    as: 'ann',
    body: { password: 'new-secret' },
    expect: { status: 401, code: 'PASSWORD_CHANGE_NOT_ALLOWED' },
  },
  {
    name: 'a password change by PUT',
    method: 'put',
    path: '/api/HostileMembers/1',
    as: 'ann',
    body: { email: 'ann@example.com', password: 'new-secret' },
    expect: { status: 401, code: 'PASSWORD_CHANGE_NOT_ALLOWED' },
  },
  {
    name: 'PATCH another user',
    method: 'patch',
    path: '/api/HostileMembers/2',
    as: 'ann',
    body: { nickname: 'hacked' },
    expect: { status: 401, code: 'AUTHORIZATION_REQUIRED' },
  },
  {
    name: 'ownerId taken over by a non-owner',
    method: 'patch',
    path: '/api/HostileNotes/2',
    as: 'ann',
    body: { ownerId: 1 },
    expect: { status: 401, code: 'AUTHORIZATION_REQUIRED' },
  },
  {
    name: "a note created in another user's name",
    method: 'post',
    path: '/api/HostileNotes',
    as: 'ann',
    body: { title: 'forged', ownerId: 2 },
    expect: { status: 400, code: 'PROPERTY_NOT_WRITABLE' },
  },
  {
    name: 'a note handed to another user by PATCH',
    method: 'patch',
    path: '/api/HostileNotes/1',
    as: 'ann',
    body: { ownerId: 2 },
    expect: { status: 400, code: 'PROPERTY_NOT_WRITABLE' },
  },
  {
    name: 'a note handed to another user by PUT',
    method: 'put',
    path: '/api/HostileNotes/1',
    as: 'ann',
    body: { title: 'gift', ownerId: 2 },
    expect: { status: 400, code: 'PROPERTY_NOT_WRITABLE' },
  },
  {
    name: "a note created through another user's relation",
    method: 'post',
    path: '/api/HostileMembers/2/notes',
    as: 'ann',
    body: { title: 'forged' },
    expect: { status: 401, code: 'AUTHORIZATION_REQUIRED' },
  },
  {
    name: 'a note written anonymously',
    method: 'patch',
    path: '/api/HostileNotes/1',
    body: { title: 'anon' },
    expect: { status: 401, code: 'AUTHORIZATION_REQUIRED' },
  },
  {
    name: 'a note deleted by a non-owner',
    method: 'delete',
    path: '/api/HostileNotes/1',
    as: 'bob',
    expect: { status: 401, code: 'AUTHORIZATION_REQUIRED' },
  },
  {
    name: 'a forged token',
    method: 'patch',
    path: '/api/HostileNotes/1',
    headers: { Authorization: 'x'.repeat(64) },
    body: { title: 'forged' },
    expect: { status: 401, code: 'AUTHORIZATION_REQUIRED' },
  },
  {
    name: 'an unknown property on a strict model',
    method: 'post',
    path: '/api/HostileThings',
    body: { name: 'x', isAdmin: true },
    expect: { status: 422, code: 'VALIDATION_FAILED' },
  },
  {
    name: 'a verificationToken by PATCH on oneself',
    method: 'patch',
    path: '/api/HostileMembers/2',
    as: 'bob',
    body: { verificationToken: 'mine' },
    expect: { status: 400, code: 'PROPERTY_NOT_WRITABLE' },
  },
  {
    name: 'emailVerified through updateAll',
    method: 'post',
    path: `/api/HostileMembers/update?where=${q({ id: 2 })}`,
    as: 'bob',
    body: { emailVerified: true },
    expect: { status: 401, code: 'AUTHORIZATION_REQUIRED' },
  },
  {
    name: 'an operator as the login email',
    method: 'post',
    path: '/api/HostileMembers/login',
    body: { email: { neq: null }, password: 'ann-secret' },
    expect: { status: 400, code: 'INVALID_EMAIL' },
  },
  {
    name: 'an operator as the login password',
    method: 'post',
    path: '/api/HostileMembers/login',
    body: { email: 'ann@example.com', password: { neq: null } },
    expect: { status: 401, code: 'LOGIN_FAILED' },
  },
  {
    name: 'an object as the username on signup',
    method: 'post',
    path: '/api/HostileMembers',
    body: { email: 'new@example.com', password: 'new-secret', username: { a: 1 } },
    expect: { status: 422, code: 'VALIDATION_FAILED' },
    check: (res) => expect(res.body.error.details.codes.username).toEqual(['type']),
  },
  {
    name: 'one email twice in an array signup',
    method: 'post',
    path: '/api/HostileMembers',
    body: [
      { email: 'twin@example.com', password: 'twin-secret' },
      { email: 'twin@example.com', password: 'twin-secret' },
    ],
    expect: { status: 422, code: 'VALIDATION_FAILED' },
    check: (res) => expect(res.body.error.details.codes.email).toEqual(['uniqueness']),
  },
  {
    name: 'list the users anonymously',
    method: 'get',
    path: '/api/HostileMembers',
    expect: { status: 401, code: 'AUTHORIZATION_REQUIRED' },
  },

  // Relations: a join model made on the fly, arrays through a relation, embedded models.
  {
    name: 'the labels of a hasAndBelongsToMany without a through model',
    method: 'get',
    path: '/api/HostileShelves/1/labels',
    expect: { status: 200 },
    check: (res) => expect(res.body.map((l: any) => l.text)).toEqual(['new']),
  },
  {
    name: 'a word as the fk of a hasAndBelongsToMany link',
    method: 'put',
    path: '/api/HostileShelves/1/labels/rel/abc',
    expect: { status: 422, code: 'VALIDATION_FAILED' },
  },
  {
    name: 'an array created through a relation with a bad second item',
    method: 'post',
    path: '/api/HostileShelves/1/books',
    body: [{ title: 'fine' }, { title: 'bad', pages: 'many' }],
    expect: { status: 422, code: 'VALIDATION_FAILED' },
  },
  {
    name: 'an array linked through a made join model with a bad second item',
    method: 'post',
    path: '/api/HostileShelves/1/labels',
    body: [{ text: 'fine' }, { text: { not: 'text' } }],
    expect: { status: 422, code: 'VALIDATION_FAILED' },
  },
  {
    name: 'a word for a number inside an embedded model on create',
    method: 'post',
    path: '/api/HostileShelves',
    body: { name: 'x', address: { street: 'Elm', zip: 'abc' } },
    expect: { status: 422, code: 'VALIDATION_FAILED' },
    check: (res) =>
      expect(res.body.error.details.messages.address[0]).toContain('`zip` is not a valid number'),
  },
  {
    name: 'a word for a number inside an embedded model by PATCH',
    method: 'patch',
    path: '/api/HostileShelves/1',
    body: { address: { street: 'Elm', zip: 'abc' } },
    expect: { status: 422, code: 'VALIDATION_FAILED' },
  },
  {
    name: 'a number past the largest double (1e309) for a number property',
    method: 'post',
    path: '/api/HostileThings',
    headers: JSON_TYPE,
    body: '{"name": "huge", "size": 1e309}',
    expect: { status: 422, code: 'VALIDATION_FAILED' },
  },
  {
    name: 'a number past the largest double in a where',
    method: 'get',
    path: '/api/HostileThings?filter=%7B%22where%22%3A%7B%22size%22%3A1e309%7D%7D',
    expect: badFilter,
  },
  {
    name: 'a Buffer-shaped object with bytes past 255',
    method: 'post',
    path: '/api/HostileBooks',
    body: { title: 'x', cover: { type: 'Buffer', data: [1, 256, -1] } },
    expect: { status: 422, code: 'VALIDATION_FAILED' },
  },
  {
    name: '__proto__ inside an embedded model',
    method: 'post',
    path: '/api/HostileShelves/1/address',
    headers: JSON_TYPE,
    body: '{"street": "x", "__proto__": {"polluted": 1}}',
    expect: { status: 400, code: 'FORBIDDEN_KEY' },
  },
];
