import http from 'http';
import type { AddressInfo } from 'net';
import loopback from '../../src';
import { caseUnless, describeStore, lacking, STORES, storeIt } from './stores';

/**
 * validatesUniquenessOf under concurrency, on every store: of several creates of one value sent
 * at once, exactly one row is stored and every other caller gets the 422 a sequential duplicate
 * gets (code `uniqueness`), not a second row, a 409 or a 500. The rule's query alone let three
 * of six concurrent signups with one email through. The store holds it: a unique index made by
 * automigrate/autoupdate on SQL stores, a check in the write's own step on the memory store.
 */
jest.setTimeout(60000);

const PARALLEL = 8;
const times = <T>(n: number, fn: (i: number) => Promise<T>) =>
  Promise.all(Array.from({ length: n }, (_, i) => fn(i)));

interface Reply {
  status: number;
  body: any;
}

for (const store of STORES) {
  describeStore(store, () => {
    const it = storeIt(store);
    let app: any;
    let server: http.Server;
    let base: string;
    let Item: any;
    let Member: any;
    let Realmed: any;
    let Lower: any;

    const post = async (path: string, body: unknown): Promise<Reply> => {
      const res = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: await res.json() };
    };

    beforeAll(async () => {
      app = loopback({ localRegistry: true, loadBuiltinModels: true } as any);
      const ds = app.dataSource('db', { ...store.settings, name: 'db' });
      const reg = app.registry;
      Item = reg.createModel({ name: 'CuItem', properties: { code: 'string', label: 'string' } });
      Item.validatesUniquenessOf('code');
      Member = reg.createModel({ name: 'CuMember', base: 'User', saltWorkFactor: 4 });
      Realmed = reg.createModel({
        name: 'CuRealmed',
        base: 'User',
        saltWorkFactor: 4,
        realmRequired: true,
        realmDelimiter: ':',
      });
      Lower = reg.createModel({
        name: 'CuLower',
        base: 'User',
        saltWorkFactor: 4,
        caseSensitiveEmail: false,
      });
      for (const M of [Item, Member, Realmed, Lower]) {
        app.model(M, { dataSource: ds, public: true });
        // Work between validation and the insert (an app's persist hook, a slow store) widens the
        // window in which every concurrent request has passed the rule's query.
        M.observe('persist', () => new Promise((resolve) => setTimeout(resolve, 20)));
      }
      app.use('/api', loopback.rest());
      await ds.automigrate(['CuItem', 'CuMember', 'CuRealmed', 'CuLower']);
      server = app.listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
    });
    afterAll(async () => {
      await new Promise((resolve) => server?.close(resolve));
      for (const ds of new Set(Object.values(app?.dataSources ?? {}) as any[])) await ds.disconnect();
    });

    /** One 200, the rest 422 `uniqueness` on `property`, each with the body shape of `sequential`. */
    function expectOneWinner(replies: Reply[], property: string, sequential: Reply): void {
      expect(replies.map((r) => r.status).sort()).toEqual([200, ...Array(replies.length - 1).fill(422)]);
      for (const r of replies.filter((x) => x.status === 422)) {
        expect(r.body).toEqual(sequential.body);
        expect(r.body.error.details.codes).toEqual({ [property]: ['uniqueness'] });
      }
    }

    it('REST creates of one validatesUniquenessOf value at once store one row; the others get the sequential 422', async () => {
      const replies = await times(PARALLEL, (i) => post('/CuItems', { code: 'same', label: `try ${i}` }));
      const sequential = await post('/CuItems', { code: 'same', label: 'try again' });
      expect(sequential.status).toBe(422);
      expect(sequential.body.error.details.codes).toEqual({ code: ['uniqueness'] });
      // The label differs per request: compare bodies without the echoed values.
      const strip = (r: Reply): Reply =>
        r.status === 200
          ? r
          : {
              status: r.status,
              body: {
                error: {
                  ...r.body.error,
                  message: undefined,
                  details: { ...r.body.error.details, context: undefined },
                },
              },
            };
      expectOneWinner(replies.map(strip), 'code', strip(sequential));
      expect(await Item.count({ code: 'same' })).toBe(1);
      // Blank values are not checked (as LB3): several rows may leave code unset.
      const blanks = await times(3, (i) => post('/CuItems', { label: `blank ${i}` }));
      expect(blanks.map((r) => r.status)).toEqual([200, 200, 200]);
    });

    it('concurrent signups with one email make one user; the others get 422 like a sequential duplicate', async () => {
      const replies = await times(PARALLEL, () =>
        post('/CuMembers', { email: 'race@example.com', password: 'secret-pass' }),
      );
      const sequential = await post('/CuMembers', { email: 'race@example.com', password: 'secret-pass' });
      expect(sequential.status).toBe(422);
      expectOneWinner(replies, 'email', sequential);
      expect(await Member.count({ email: 'race@example.com' })).toBe(1);
      // With caseSensitiveEmail: false emails are stored lower-case, so case does not make a second user.
      const shouted = await times(4, (i) =>
        post('/CuLowers', {
          email: i % 2 ? 'RACE2@example.com' : 'race2@Example.com',
          password: 'secret-pass',
        }),
      );
      expect(shouted.map((r) => r.status).sort()).toEqual([200, 422, 422, 422]);
      expect(await Lower.count()).toBe(1);
    });

    it('concurrent signups with one username make one user; users without a username are many', async () => {
      const replies = await times(PARALLEL, (i) =>
        post('/CuMembers', { username: 'racer', email: `racer${i}@example.com`, password: 'secret-pass' }),
      );
      expect(replies.map((r) => r.status).sort()).toEqual([200, ...Array(PARALLEL - 1).fill(422)]);
      for (const r of replies.filter((x) => x.status === 422))
        expect(r.body.error.details.codes).toEqual({ username: ['uniqueness'] });
      expect(await Member.count({ username: 'racer' })).toBe(1);
    });

    it('per realm: one email once in each realm under concurrency, and the same email in two realms', async () => {
      const inA = await times(PARALLEL, () =>
        Realmed.create({ realm: 'a', email: 'r@example.com', password: 'secret-pass' }).then(
          () => 200,
          (e: any) =>
            `${e.statusCode} ${Object.keys(e.details?.codes ?? {}).join()} ${e.details?.codes?.email}`,
        ),
      );
      expect(inA.sort()).toEqual([200, ...Array(PARALLEL - 1).fill('422 email uniqueness')]);
      await Realmed.create({ realm: 'b', email: 'r@example.com', password: 'secret-pass' });
      expect(await Realmed.count({ email: 'r@example.com' })).toBe(2);
    });

    // MariaDB has neither partial indexes nor NULLS NOT DISTINCT: there a NULL scope is distinct
    // in the index, and such rows are unique by the rule's query only (README, Stores).
    caseUnless(
      it,
      lacking(store.features).uniqueNullScope,
      'a user without a realm is unique per email among users without one, under concurrency',
      async () => {
        const replies = await times(PARALLEL, () =>
          Realmed.create({ email: 'norealm@example.com', password: 'secret-pass' }).then(
            () => 200,
            (e: any) => `${e.statusCode} ${e.details?.codes?.email}`,
          ),
        );
        expect(replies.sort()).toEqual([200, ...Array(PARALLEL - 1).fill('422 uniqueness')]);
        expect(await Realmed.count({ email: 'norealm@example.com' })).toBe(1);
      },
    );

    it('an update to a value another row holds is the sequential 422 too, and changes nothing', async () => {
      const [a, b] = await Promise.all([Item.create({ code: 'u1' }), Item.create({ code: 'u2' })]);
      const res = await fetch(`${base}/CuItems/${b.id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code: 'u1' }),
      });
      expect(res.status).toBe(422);
      expect(((await res.json()) as any).error.details.codes).toEqual({ code: ['uniqueness'] });
      expect((await Item.findById(a.id)).code).toBe('u1');
      expect((await Item.findById(b.id)).code).toBe('u2');
      // Concurrent patches of two rows to one value: one wins.
      const [c, d] = await Promise.all([Item.create({ code: 'p1' }), Item.create({ code: 'p2' })]);
      const patched = await Promise.all(
        [c, d].map((x) =>
          x.patchAttributes({ code: 'pz' }).then(
            () => 200,
            (e: any) => e.statusCode,
          ),
        ),
      );
      expect(patched.sort()).toEqual([200, 422]);
      expect(await Item.count({ code: 'pz' })).toBe(1);
    });
  });
}
