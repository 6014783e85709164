import { randomBytes } from 'crypto';
import request from 'supertest';
import loopback, { type ModelClass } from '../../src';
import { describeStore, KV_STORES, storeIt } from './stores';

/**
 * KeyValueModel on every key-value store (kv-memory, and Redis when it answers): values, TTLs,
 * key listing and iteration, the REST endpoints LB3 gives it, and bad input refused with a stable
 * code and the store left as it was.
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function failure(p: PromiseLike<unknown>): Promise<{ code: string; statusCode: number }> {
  try {
    await p;
  } catch (err) {
    return { code: (err as any).code, statusCode: (err as any).statusCode };
  }
  throw new Error('expected a failure');
}

for (const store of KV_STORES) {
  describeStore(store, () => {
    const it = storeIt(store);
    let app: any;
    let Cache: any;

    beforeAll(() => {
      app = loopback({ localRegistry: true, loadBuiltinModels: true } as any);
      app.use(loopback.rest());
      // A name of its own per run: the Redis server is shared with other runs.
      Cache = app.registry.createModel({
        name: `Cache${randomBytes(4).toString('hex')}`,
        base: 'KeyValueModel',
        http: { path: '/cache' },
      });
      app.dataSource('kv', { ...store.settings });
      app.model(Cache, { dataSource: 'kv' });
    });

    beforeEach(() => Cache.deleteAll());

    afterAll(async () => {
      await Cache.deleteAll();
      await app.dataSources.kv.disconnect();
    });

    it('gives back a copy of each value with its type: objects, arrays, strings, numbers, booleans, Dates, Buffers', async () => {
      const values: Record<string, unknown> = {
        obj: { name: 'an-object', nested: { n: 1 } },
        arr: [1, 'two', { three: 3 }],
        str: 'date:not a date',
        num: 42.5,
        bool: false,
        date: new Date('2024-05-06T07:08:09.010Z'),
        buf: Buffer.from([0, 1, 254, 255]),
      };
      for (const [k, v] of Object.entries(values)) await Cache.set(k, v);
      for (const [k, v] of Object.entries(values)) expect(await Cache.get(k)).toEqual(v);
      const copy = await Cache.get('obj');
      copy.name = 'changed';
      expect((await Cache.get('obj')).name).toBe('an-object');
      expect(await Cache.get('absent')).toBeNull();
    });

    it('takes node callbacks as LB3 does', async () => {
      await new Promise<void>((resolve, reject) =>
        Cache.set('cb', { a: 1 }, (err: Error | null) => (err ? reject(err) : resolve())),
      );
      const value = await new Promise((resolve, reject) =>
        Cache.get('cb', (err: Error | null, v: unknown) => (err ? reject(err) : resolve(v))),
      );
      expect(value).toEqual({ a: 1 });
    });

    it('expires a key set with a TTL ({ttl} or a number), and one given a TTL by expire()', async () => {
      await Cache.set('a', 'x', { ttl: 60 });
      await Cache.set('b', 'y', 60);
      await Cache.set('c', 'z');
      await Cache.set('kept', 'k');
      await Cache.expire('c', 60);
      const left = await Cache.ttl('a');
      expect(left).toBeGreaterThan(0);
      expect(left).toBeLessThanOrEqual(60);
      expect(await Cache.ttl('kept')).toBeUndefined();
      await sleep(150);
      expect([
        await Cache.get('a'),
        await Cache.get('b'),
        await Cache.get('c'),
        await Cache.get('kept'),
      ]).toEqual([null, null, null, 'k']);
      expect((await Cache.keys()).sort()).toEqual(['kept']);
    });

    it('a set replaces the value and drops the old TTL', async () => {
      await Cache.set('k', 1, { ttl: 60 });
      await Cache.set('k', 2);
      await sleep(120);
      expect(await Cache.get('k')).toBe(2);
    });

    it('ttl and expire of a key that does not exist (or expired): 404 KEY_NOT_FOUND, nothing created', async () => {
      expect(await failure(Cache.ttl('ghost'))).toEqual({ code: 'KEY_NOT_FOUND', statusCode: 404 });
      expect(await failure(Cache.expire('ghost', 1000))).toEqual({ code: 'KEY_NOT_FOUND', statusCode: 404 });
      await Cache.set('brief', 1, 20);
      await sleep(80);
      expect(await failure(Cache.ttl('brief'))).toEqual({ code: 'KEY_NOT_FOUND', statusCode: 404 });
      expect(await Cache.keys()).toEqual([]);
    });

    it('keys({match}) filters with a glob: *, ?, [set], [^set], [a-z] and \\ escapes', async () => {
      for (const k of ['user:1', 'user:2', 'user:10', 'order:1', 'us?r', 'USER:3']) await Cache.set(k, true);
      const keys = async (match?: string) =>
        (await Cache.keys(match === undefined ? undefined : { match })).sort();
      expect(await keys()).toEqual(['USER:3', 'order:1', 'us?r', 'user:1', 'user:10', 'user:2']);
      expect(await keys('user:*')).toEqual(['user:1', 'user:10', 'user:2']);
      expect(await keys('user:?')).toEqual(['user:1', 'user:2']);
      expect(await keys('user:[2-9]')).toEqual(['user:2']);
      expect(await keys('user:[^1]')).toEqual(['user:2']);
      expect(await keys('us\\?r')).toEqual(['us?r']);
      expect(await keys('*:1*')).toEqual(['order:1', 'user:1', 'user:10']);
      expect(await keys('nothing*')).toEqual([]);
    });

    it('iterateKeys: next() resolves each key once, then undefined; callbacks and for await work too', async () => {
      for (const k of ['a1', 'a2', 'b1']) await Cache.set(k, k);
      const it = Cache.iterateKeys({ match: 'a*' });
      const seen = [await it.next(), await it.next()];
      expect(seen.sort()).toEqual(['a1', 'a2']);
      expect(await it.next()).toBeUndefined();
      const viaCb = await new Promise((resolve, reject) =>
        Cache.iterateKeys({ match: 'b*' }).next((err: Error | null, k: string) =>
          err ? reject(err) : resolve(k),
        ),
      );
      expect(viaCb).toBe('b1');
      const all: string[] = [];
      for await (const k of Cache.iterateKeys()) all.push(k);
      expect(all.sort()).toEqual(['a1', 'a2', 'b1']);
    });

    it('delete and deleteAll remove keys of this model only', async () => {
      const Other = app.registry.createModel({ name: `${Cache.modelName}Other`, base: 'KeyValueModel' });
      app.model(Other, { dataSource: 'kv' });
      await Other.set('a', 'other');
      await Cache.set('a', 1);
      await Cache.set('b', 2);
      await Cache.delete('a');
      expect(await Cache.keys()).toEqual(['b']);
      await Cache.deleteAll();
      expect(await Cache.keys()).toEqual([]);
      expect(await Other.get('a')).toBe('other');
      await Other.deleteAll();
    });

    it('refuses bad input with 400 and a stable code, the store left as it was', async () => {
      await Cache.set('k', 'before');
      const cases: Array<[string, () => PromiseLike<unknown>, string]> = [
        ['empty key', () => Cache.set('', 1), 'INVALID_KEY'],
        ['key not a string', () => Cache.get(5), 'INVALID_KEY'],
        ['key over 1024 characters', () => Cache.set('x'.repeat(1025), 1), 'INVALID_KEY'],
        ['null value', () => Cache.set('k', null), 'INVALID_ARGUMENT'],
        ['negative ttl', () => Cache.set('k', 'after', { ttl: -1 }), 'INVALID_TTL'],
        ['zero ttl', () => Cache.set('k', 'after', 0), 'INVALID_TTL'],
        ['ttl not a number', () => Cache.set('k', 'after', { ttl: '10' }), 'INVALID_TTL'],
        ['infinite ttl', () => Cache.expire('k', Infinity), 'INVALID_TTL'],
        ['ttl beyond 100 years', () => Cache.expire('k', 1e15), 'INVALID_TTL'],
        ['options not an object', () => Cache.set('k', 'after', 'soon'), 'INVALID_OPTIONS'],
        ['match not a string', () => Cache.keys({ match: 5 }), 'INVALID_FILTER'],
        ['filter not an object', () => Cache.keys('a*'), 'INVALID_FILTER'],
      ];
      for (const [label, call, code] of cases) {
        expect([label, await failure(call())]).toEqual([label, { code, statusCode: 400 }]);
      }
      expect(() => Cache.iterateKeys({ match: [] })).toThrow(
        expect.objectContaining({ code: 'INVALID_FILTER' }),
      );
      expect(await Cache.get('k')).toBe('before');
      expect(await Cache.ttl('k')).toBeUndefined();
      expect(await Cache.keys()).toEqual(['k']);
    });

    describe('REST', () => {
      it('GET /:key answers the value, 404 KEY_NOT_FOUND when there is none', async () => {
        await Cache.set('get-key', { name: 'an-object' });
        const res = await request(app).get('/cache/get-key');
        expect([res.status, res.body]).toEqual([200, { name: 'an-object' }]);
        const missing = await request(app).get('/cache/nope');
        expect([missing.status, missing.body.error.code]).toEqual([404, 'KEY_NOT_FOUND']);
      });

      it('PUT /:key stores the body (204), ?ttl=ms expires it; keys with spaces, slashes and accents round-trip', async () => {
        const put = await request(app)
          .put('/cache/set-key')
          .send({ a: [1, 2] });
        expect(put.status).toBe(204);
        expect(await Cache.get('set-key')).toEqual({ a: [1, 2] });
        const odd = await request(app)
          .put(`/cache/${encodeURIComponent('a b/ü:1')}`)
          .send({ v: 1 });
        expect(odd.status).toBe(204);
        expect(await Cache.get('a b/ü:1')).toEqual({ v: 1 });
        expect((await request(app).get(`/cache/${encodeURIComponent('a b/ü:1')}`)).body).toEqual({ v: 1 });
        await request(app).put('/cache/brief?ttl=30').send({ v: 2 }).expect(204);
        await sleep(100);
        expect(await Cache.get('brief')).toBeNull();
      });

      it('PUT /:key with a bad ttl is 400 INVALID_TTL and writes nothing', async () => {
        await Cache.set('t', 'before');
        for (const ttl of ['-5', '0', 'soon']) {
          const res = await request(app).put(`/cache/t?ttl=${ttl}`).send({ v: 'after' });
          expect([ttl, res.status]).toEqual([ttl, 400]);
          expect(['INVALID_TTL', 'INVALID_ARGUMENT']).toContain(res.body.error.code);
        }
        expect(await Cache.get('t')).toBe('before');
        expect(await Cache.ttl('t')).toBeUndefined();
      });

      it('PUT /:key/expire sets a TTL (404 KEY_NOT_FOUND for an unknown key); GET /:key/ttl answers it, 204 without one, 404 once gone', async () => {
        await Cache.set('e', 1);
        expect((await request(app).get('/cache/e/ttl')).status).toBe(204);
        await request(app).put('/cache/e/expire').send({ ttl: 5000 }).expect(204);
        const ttl = await request(app).get('/cache/e/ttl');
        expect(ttl.status).toBe(200);
        expect(typeof ttl.body).toBe('number');
        expect(ttl.body).toBeGreaterThan(4000);
        const ghost = await request(app).put('/cache/ghost/expire').send({ ttl: 10 });
        expect([ghost.status, ghost.body.error.code]).toEqual([404, 'KEY_NOT_FOUND']);
        const bad = await request(app).put('/cache/e/expire').send({ ttl: -1 });
        expect([bad.status, bad.body.error.code]).toEqual([400, 'INVALID_TTL']);
        await request(app).put('/cache/e/expire').send({ ttl: 20 }).expect(204);
        await sleep(80);
        const gone = await request(app).get('/cache/e/ttl');
        expect([gone.status, gone.body.error.code]).toEqual([404, 'KEY_NOT_FOUND']);
      });

      it('GET /keys lists the keys (the literal path wins over /:key), ?filter={"match"} filters', async () => {
        await Cache.set('list-a', 1);
        await Cache.set('list-b', 2);
        await Cache.set('other', 3);
        const all = await request(app).get('/cache/keys');
        expect([all.status, all.body.sort()]).toEqual([200, ['list-a', 'list-b', 'other']]);
        const some = await request(app)
          .get('/cache/keys')
          .query({ filter: JSON.stringify({ match: 'list-*' }) });
        expect(some.body.sort()).toEqual(['list-a', 'list-b']);
        const bad = await request(app)
          .get('/cache/keys')
          .query({ filter: JSON.stringify({ match: { $ne: 1 } }) });
        expect([bad.status, bad.body.error.code]).toEqual([400, 'INVALID_FILTER']);
      });
    });
  });
}

/** A model based on KeyValueModel, with the key-value statics this test calls. */
type KeyValueModelClass = ModelClass & { get(key: string): Promise<unknown> };

describe('a model on a store of another kind', () => {
  it('KeyValueModel on a data store, PersistedModel on a key-value store: 500 WRONG_STORE_KIND naming both', async () => {
    const app = loopback({ localRegistry: true, loadBuiltinModels: true } as any);
    const Cache = app.registry.createModel({ name: 'Cache', base: 'KeyValueModel' }) as KeyValueModelClass;
    const Thing = app.registry.createModel({ name: 'Thing', base: 'PersistedModel' });
    app.dataSource('db', { connector: 'memory' });
    app.dataSource('kv', { connector: 'kv-memory' });
    app.model(Cache, { dataSource: 'db' });
    app.model(Thing, { dataSource: 'kv' });
    expect(await failure(Cache.get('a'))).toEqual({ code: 'WRONG_STORE_KIND', statusCode: 500 });
    expect(await failure(Thing.find())).toEqual({ code: 'WRONG_STORE_KIND', statusCode: 500 });
    const Unattached = app.registry.createModel({
      name: 'Loose',
      base: 'KeyValueModel',
    }) as KeyValueModelClass;
    expect(await failure(Unattached.get('a'))).toEqual({ code: 'MODEL_NOT_ATTACHED', statusCode: 500 });
  });
});
