import http from 'http';
import type { AddressInfo } from 'net';
import zlib from 'zlib';
import express from 'express';
import net from 'net';
import { withBodyErrorCode } from '../../../src/errors/body-parser-errors';
import loopback from '../../../src';
import * as jsonBody from '../../../src/remoting/rest/json-body';

/**
 * The plain-JSON body reader against body-parser: the same request body is sent once with a
 * Content-Type the reader takes (`application/json`) and once with one only body-parser takes
 * (an extra parameter), and both answers must be equal, errors included.
 */
const FAST = 'application/json';
const BODY_PARSER = 'application/json; charset=utf-8; x=1';

function build(remoting: Record<string, unknown>, before?: (app: any) => void) {
  const app: any = loopback({ localRegistry: true });
  before?.(app);
  app.set('remoting', remoting);
  app.dataSource('db', { connector: 'memory' });
  const Note = app.registry.createModel('Note', { n: 'number' }, { base: 'PersistedModel' });
  app.model(Note, { dataSource: 'db' });
  Note.echo = async (data: unknown) => ({ data });
  Note.remoteMethod('echo', {
    accepts: { arg: 'data', type: 'any', http: { source: 'body' } },
    returns: { arg: 'r', type: 'object', root: true },
    http: { verb: 'post' },
  });
  app.use(loopback.rest());
  return app;
}

interface Answer {
  status: number;
  body: any;
}

function send(url: string, headers: Record<string, string>, chunks: Buffer[]): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const length = chunks.reduce((n, c) => n + c.length, 0);
    const req = http.request(
      url,
      { method: 'POST', headers: { 'content-length': String(length), ...headers } },
      (res) => {
        const got: Buffer[] = [];
        res.on('data', (c: Buffer) => got.push(c));
        res.on('end', () => {
          const text = Buffer.concat(got).toString('utf8');
          resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined });
        });
      },
    );
    req.on('error', reject);
    // Chunks written apart arrive as separate 'data' events when the body is long enough.
    const writeNext = (i: number): void => {
      if (i === chunks.length) return void req.end();
      req.write(chunks[i], () => setTimeout(() => writeNext(i + 1), 5));
    };
    writeNext(0);
  });
}

function withoutStack(answer: Answer): Answer {
  if (answer.body?.error) delete answer.body.error.stack;
  return answer;
}

describe.each([
  ['lenient', { json: { strict: false, limit: '1kb' } }],
  ['strict', { json: { strict: true, limit: '1kb' } }],
])('the plain-JSON body reader (%s) answers as body-parser does', (_mode, remoting) => {
  let server: http.Server;
  let url: string;
  beforeAll(async () => {
    server = http.createServer(build({ ...remoting, rest: { normalizeHttpPath: false } }));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/Notes/echo`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  afterEach(() => jest.restoreAllMocks());

  const bodies: [string, Buffer[]][] = [
    ['an object', [Buffer.from('{"a":1,"b":[true,null,"x"]}')]],
    ['an array', [Buffer.from('[1,2]')]],
    ['a string', [Buffer.from('"text"')]],
    ['a number after whitespace', [Buffer.from(' \n 12')]],
    ['whitespace only', [Buffer.from('   ')]],
    ['broken JSON', [Buffer.from('{"a":')]],
    ['a bad token', [Buffer.from('{"a": nope}')]],
    ['a leading BOM', [Buffer.from('\uFEFF{"bom":true}')]],
    ['text with two BOMs', [Buffer.from('\uFEFF\uFEFF{}')]],
    [
      'invalid UTF-8 in a string',
      [Buffer.concat([Buffer.from('{"s":"a'), Buffer.from([0xff, 0xc3]), Buffer.from('"}')])],
    ],
    [
      'a character split across chunks',
      [Buffer.from('{"s":"\xe2', 'latin1'), Buffer.from('\x82\xac"}', 'latin1')],
    ],
    ['several chunks', [Buffer.from('{"long":"'), Buffer.from('x'.repeat(700)), Buffer.from('"}')]],
    ['a body over the limit', [Buffer.from(`{"s":"${'y'.repeat(1100)}"}`)]],
  ];

  it.each(bodies)('%s', async (_name, chunks) => {
    const read = jest.spyOn(jsonBody, 'tryReadJson');
    const fast = withoutStack(await send(url, { 'content-type': FAST }, chunks));
    const overLimit = chunks.reduce((n, c) => n + c.length, 0) > 1024;
    expect(read.mock.results.map((r) => r.value)).toEqual([!overLimit]);
    read.mockClear();
    const parsed = withoutStack(await send(url, { 'content-type': BODY_PARSER }, chunks));
    expect(read.mock.results.map((r) => r.value)).toEqual([false]);
    expect(fast).toEqual(parsed);
  });

  it('gives the error codes of the error table', async () => {
    const bad = await send(url, { 'content-type': FAST }, [Buffer.from('{')]);
    expect([bad.status, bad.body.error.code, bad.body.error.statusCode]).toEqual([
      400,
      'MALFORMED_JSON',
      400,
    ]);
    const big = await send(url, { 'content-type': FAST }, [Buffer.alloc(2000, 0x20)]);
    expect([big.status, big.body.error.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
  });
});

describe('requests the plain-JSON reader leaves to body-parser', () => {
  let server: http.Server;
  let url: string;
  beforeAll(async () => {
    server = http.createServer(build({ rest: { normalizeHttpPath: false } }));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/Notes/echo`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  afterEach(() => jest.restoreAllMocks());

  it.each([
    ['a gzip body', { 'content-type': FAST, 'content-encoding': 'gzip' }, zlib.gzipSync('{"z":1}'), { z: 1 }],
    [
      'a form',
      { 'content-type': 'application/x-www-form-urlencoded' },
      Buffer.from('a=1&b[c]=2'),
      { a: '1', b: { c: '2' } },
    ],
    [
      'a UTF-16 charset',
      { 'content-type': 'application/json; charset=utf-16le' },
      Buffer.from('{"u":"é"}', 'utf16le'),
      { u: 'é' },
    ],
    ['an empty body', { 'content-type': FAST }, Buffer.alloc(0), {}],
  ])('%s', async (_name, headers: Record<string, string>, body, data) => {
    const read = jest.spyOn(jsonBody, 'tryReadJson');
    const answer = await send(url, headers, [body]);
    expect(read.mock.results.map((r) => r.value)).toEqual([false]);
    expect([answer.status, answer.body]).toEqual([200, { data }]);
  });

  it('a chunked body', async () => {
    const read = jest.spyOn(jsonBody, 'tryReadJson');
    const answer = await new Promise<Answer>((resolve, reject) => {
      const req = http.request(url, { method: 'POST', headers: { 'content-type': FAST } }, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      });
      req.on('error', reject);
      req.write('{"c":');
      req.end('2}');
    });
    expect(read.mock.results.map((r) => r.value)).toEqual([false]);
    expect(answer).toEqual({ status: 200, body: { data: { c: 2 } } });
  });
});

describe('a body an earlier middleware read', () => {
  let server: http.Server;
  let url: string;
  beforeAll(async () => {
    const app = build({ rest: { normalizeHttpPath: false } }, (a) =>
      a.use(express.json(), (req: any, _res: unknown, next: () => void) => {
        req.body = { ...req.body, seen: true };
        next();
      }),
    );
    server = http.createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/Notes/echo`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('is the body the method gets; the reader leaves the request alone', async () => {
    const read = jest.spyOn(jsonBody, 'tryReadJson');
    const answer = await send(url, { 'content-type': FAST }, [Buffer.from('{"a":1}')]);
    expect(read.mock.results.map((r) => r.value)).toEqual([false]);
    expect(answer).toEqual({ status: 200, body: { data: { a: 1, seen: true } } });
  });
});

describe('a request the client abandons', () => {
  it('ends the read with body-parser\'s "request aborted" error', async () => {
    let result: Promise<any> | undefined;
    const server = http.createServer((req) => {
      result = new Promise((resolve) => {
        const taken = jsonBody.tryReadJson(req, { limit: 1024, strict: false }, (err) =>
          resolve({ err, taken }),
        );
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const socket = net.connect(port, '127.0.0.1');
    socket.write(
      'POST /x HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 50\r\n\r\n{"a":',
    );
    await new Promise((r) => setTimeout(r, 50));
    socket.destroy();
    const { err } = await result!;
    server.close();
    expect(err).toMatchObject({
      message: 'request aborted',
      status: 400,
      type: 'request.aborted',
      received: 5,
    });
    expect(withBodyErrorCode(err)).toMatchObject({ code: 'MALFORMED_BODY', statusCode: 400 });
  });
});

describe('limitInBytes reads a limit as the bytes package does', () => {
  it.each([
    [undefined, 102400],
    ['100kb', 102400],
    ['1.5mb', 1572864],
    ['1 KB', 1024],
    ['512', 512],
    ['512b', 512],
    [2048, 2048],
  ])('%p → %p', (limit, bytes) => expect(jsonBody.limitInBytes(limit)).toBe(bytes));

  it.each(['1.5', 'lots', '-1kb', '1e3'])('%p is left to body-parser', (limit) =>
    expect(jsonBody.limitInBytes(limit)).toBeUndefined(),
  );
});
