import { SharedClass } from '../../../src/remoting/shared-class';

/**
 * The client side of a route (remoting/rest/http-invocation.ts): each argument goes where the REST
 * adapter reads it back, and an answer becomes the method's results in the order of its returns.
 */
function method(name: string, options: Record<string, unknown>, ctor: unknown = function Car() {}) {
  const sharedClass = new SharedClass('Car', ctor, { http: { path: '/Cars' } });
  return sharedClass.defineMethod(name, options);
}

const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => ({
  status,
  body,
  headers: { get: (n: string) => headers[n.toLowerCase()] ?? null },
});

describe('HTTP invocation of a shared method', () => {
  it('fills path parameters (encoded), puts objects in the query as JSON and leaves server-side arguments out', () => {
    const m = method('findById', {
      accepts: [
        { arg: 'id', type: 'any', http: { source: 'path' } },
        { arg: 'filter', type: 'object', http: { source: 'query' } },
        { arg: 'options', type: 'object', http: 'optionsFromRequest' },
      ],
      http: { verb: 'get', path: '/:id' },
    });
    expect(m.toHttpCall(['a/b c', { where: { x: 1 } }, { accessToken: 't' }])).toEqual({
      verb: 'GET',
      path: '/Cars/a%2Fb%20c',
      query: { filter: '{"where":{"x":1}}' },
      headers: {},
    });
  });

  it('sends the whole-body argument as the body and the other undeclared ones in the query', () => {
    const m = method('diff', {
      accepts: [
        { arg: 'since', type: 'number' },
        { arg: 'remoteChanges', type: 'array', http: { source: 'body' } },
      ],
      http: { verb: 'post', path: '/diff' },
    });
    expect(m.toHttpCall([5, [{ id: 1 }]])).toEqual({
      verb: 'POST',
      path: '/Cars/diff',
      query: { since: '5' },
      headers: {},
      body: [{ id: 1 }],
    });
  });

  it('gathers undeclared arguments of a body verb into a JSON body; headers and forms as declared', () => {
    const m = method('bulkUpdate', {
      accepts: [
        { arg: 'updates', type: 'array' },
        { arg: 'x-tag', type: 'string', http: { source: 'header' } },
        { arg: 'note', type: 'string', http: { source: 'form' } },
      ],
      http: { verb: 'post', path: '/bulk-update' },
    });
    expect(m.toHttpCall([[1, 2], 'blue', 'hi'])).toEqual({
      verb: 'POST',
      path: '/Cars/bulk-update',
      query: {},
      headers: { 'x-tag': 'blue' },
      body: { updates: [1, 2], note: 'hi' },
    });
  });

  it('puts an instance method under /:id with the instance id, on the first of its routes', () => {
    const m = method('prototype.patchAttributes', {
      accepts: [{ arg: 'data', type: 'object', http: { source: 'body' } }],
      http: [
        { verb: 'patch', path: '/' },
        { verb: 'put', path: '/' },
      ],
    });
    expect(m.toHttpCall([{ a: 1 }], 7)).toEqual({
      verb: 'PATCH',
      path: '/Cars/7',
      query: {},
      headers: {},
      body: { a: 1 },
    });
  });

  it("follows the model's normalizeHttpPath setting", () => {
    const m = method(
      'findRecent',
      { http: { verb: 'get', path: '/findRecent' } },
      Object.assign(function Car() {}, { settings: { remoting: { normalizeHttpPath: true } } }),
    );
    expect(m.toHttpCall([]).path).toBe('/cars/find-recent');
  });

  it('reads results from the root body, named properties, the status and headers', () => {
    const root = method('find', { returns: { arg: 'data', type: ['Car'], root: true } });
    expect(root.fromHttpAnswer(answer(200, [{ id: 1 }]))).toEqual([[{ id: 1 }]]);
    const named = method('stats', {
      returns: [
        { arg: 'count', type: 'number' },
        { arg: 'code', type: 'number', http: { target: 'status' } },
        { arg: 'etag', type: 'string', http: { target: 'header', header: 'ETag' } },
      ],
    });
    expect(named.fromHttpAnswer(answer(201, { count: 3 }, { etag: '"x"' }))).toEqual([3, 201, '"x"']);
    expect(named.fromHttpAnswer(answer(204, undefined))).toEqual([undefined, 204, undefined]);
  });
});
