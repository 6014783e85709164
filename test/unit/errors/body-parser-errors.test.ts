import { withBodyErrorCode } from '../../../src/errors/body-parser-errors';
import { assertNoForbiddenParams } from '../../../src/remoting/rest/query-string';

describe('withBodyErrorCode', () => {
  it.each([
    ['entity.parse.failed', 'MALFORMED_JSON', 400],
    ['entity.too.large', 'PAYLOAD_TOO_LARGE', 413],
    ['encoding.unsupported', 'UNSUPPORTED_ENCODING', 415],
    ['charset.unsupported', 'UNSUPPORTED_ENCODING', 415],
    ['request.aborted', 'MALFORMED_BODY', 400],
  ])('%s → %s %d', (type, code, status) => {
    const err = withBodyErrorCode(Object.assign(new Error('x'), { type, status: 500 })) as any;
    expect([err.code, err.statusCode, err.status]).toEqual([code, status, status]);
  });

  it('codes a body that claims gzip and does not inflate; leaves other errors alone', () => {
    const zlib = withBodyErrorCode(
      Object.assign(new Error('incorrect header check'), { code: 'Z_DATA_ERROR', errno: -3 }),
    ) as any;
    expect([zlib.code, zlib.statusCode]).toEqual(['MALFORMED_BODY', 400]);
    const other = Object.assign(new Error('boom'), { code: 'MY_CODE', statusCode: 409 });
    expect(withBodyErrorCode(other)).toEqual(other);
    expect((other as any).code).toBe('MY_CODE');
    expect(withBodyErrorCode(undefined)).toBeUndefined();
  });
});

describe('assertNoForbiddenParams', () => {
  it.each([
    '__proto__[x]=1',
    'a[__proto__][x]=1',
    'a[constructor][prototype][x]=1',
    'a.prototype=1',
    'a%5B__proto__%5D=1',
    'ok=1&prototype=2',
  ])('refuses %s', (text) => {
    expect(() => assertNoForbiddenParams(text, 'query string')).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN_KEY', statusCode: 400 }),
    );
  });

  it.each([
    'filter[where][name]=__proto__',
    'constructorName=1',
    'a[myprototype]=1',
    'q=%E0%A4%A',
    'x=constructor',
  ])('allows %s', (text) => {
    expect(() => assertNoForbiddenParams(text, 'query string')).not.toThrow();
  });
});
