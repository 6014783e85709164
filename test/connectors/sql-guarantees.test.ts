import request from 'supertest';
import loopback from '../../src';
import { DataSource } from '../../src/juggler/datasource';
import { createModelBuilder } from '../../src/juggler/core-models';
import { caseUnless, describeStore, lacking, Relay, STORES, storeIt } from './stores';

/**
 * What the data layer promises on every store, beyond the main suite: text the store cannot keep
 * (NUL), regexp written as a string, comment markers in values, the combined writes inside a
 * transaction, a transaction used after its timeout, unknown names over REST, ping and disconnect.
 */

const json = (v: unknown) => JSON.parse(JSON.stringify(v));

for (const store of STORES) {
  describeStore(store, () => {
    const it = storeIt(store);
    let ds: DataSource;
    let Note: any;

    beforeAll(async () => {
      ds = new DataSource('db', store.settings, createModelBuilder());
      Note = ds.createModel(
        'SgNote',
        {
          id: { type: 'number', id: true, generated: false },
          title: { type: 'string', required: true },
          body: 'string',
          meta: 'object',
        },
        { forceId: false } as any,
      );
      await ds.automigrate(['SgNote']);
    });

    afterAll(async () => {
      await ds?.disconnect();
    });

    beforeEach(async () => {
      Note.clearObservers();
      await Note.destroyAll();
      await Note.create([
        { id: 1, title: 'Alpha', body: 'a /* not a comment */ b' },
        { id: 2, title: 'beta', body: "x'; --" },
        { id: 3, title: 'Gamma', body: null },
      ]);
    });

    const lacks = lacking(store.features);
    const ids = async (where: object) => (await Note.find({ where, order: 'id ASC' })).map((n: any) => n.id);

    it('stores the NUL character, or (PostgreSQL, whose text cannot hold it) refuses it with 400 UNSUPPORTED_CHARACTER and writes nothing', async () => {
      const attempts = [
        () => Note.create({ id: 9, title: 'a\u0000b' }),
        () => Note.create({ id: 10, title: 't', meta: { k: 'v\u0000' } }),
        () => Note.find({ where: { title: 'a\u0000b' } }),
        () => Note.updateAll({ id: 1 }, { body: '\u0000' }),
      ];
      if (!store.features.text.nul) {
        for (const attempt of attempts)
          await expect(attempt()).rejects.toMatchObject({ statusCode: 400, code: 'UNSUPPORTED_CHARACTER' });
        expect(json(await Note.find({ order: 'id ASC' })).map((n: any) => [n.id, n.body])).toEqual([
          [1, 'a /* not a comment */ b'],
          [2, "x'; --"],
          [3, null],
        ]);
      } else {
        for (const attempt of attempts) await attempt();
        expect(await ids({ title: 'a\u0000b' })).toEqual([9]);
        expect(json(await Note.findById(10)).meta).toEqual({ k: 'v\u0000' });
        expect((await Note.findById(1)).body).toBe('\u0000');
      }
    });

    it('reads regexp given as a string with flags, as a RegExp, and comment markers literally', async () => {
      expect(await ids({ title: { regexp: '/^b/i' } })).toEqual([2]);
      expect(await ids({ title: { regexp: '/^[ab]/i' } })).toEqual([1, 2]);
      expect(await ids({ title: { regexp: '^[AB]' } })).toEqual([1]);
      expect(await ids({ title: { regexp: /MMA$/i } })).toEqual([3]);
      expect(await ids({ body: '/* not a comment */' })).toEqual([]);
      expect(await ids({ body: { like: '%/*%*/%' } })).toEqual([1]);
      expect(await ids({ body: { like: "%'; --" } })).toEqual([2]);
      // A null column is "not like" any pattern, on every store alike.
      expect(await ids({ body: { nlike: '%--%' } })).toEqual([1, 3]);
      expect(
        await ids({
          and: [
            { or: [{ title: 'Alpha' }, { title: 'beta' }] },
            { or: [{ body: { neq: null } }, { id: 3 }] },
          ],
        }),
      ).toEqual([1, 2]);
      expect(await ids({ body: null })).toEqual([3]);
      expect(await ids({ body: { neq: null } })).toEqual([1, 2]);
      expect(await Note.count({ title: { inq: [] } })).toBe(0);
      expect(await Note.count({ title: { nin: [] } })).toBe(3);
    });

    caseUnless(
      it,
      lacks.transactions,
      'runs the combined writes inside a transaction: their hooks see it, a rollback leaves nothing',
      async () => {
        const seen: unknown[] = [];
        Note.observe('before save', async (ctx: any) => {
          seen.push(ctx.options.transaction);
        });
        const tx = await Note.beginTransaction({});
        const opts = { transaction: tx };
        await Note.upsert({ id: 20, title: 'up' }, opts);
        await Note.replaceOrCreate({ id: 21, title: 'rep' }, opts);
        const [, made] = await Note.findOrCreate({ where: { title: 'foc' } }, { id: 22, title: 'foc' }, opts);
        const [, again] = await Note.findOrCreate(
          { where: { title: 'foc' } },
          { id: 23, title: 'foc' },
          opts,
        );
        await Note.upsertWithWhere({ title: 'uww' }, { id: 24, title: 'uww' }, opts);
        await Note.upsert({ id: 1, body: 'changed in tx' }, opts);
        expect([made, again]).toEqual([true, false]);
        expect(seen.length).toBe(5);
        expect(seen.every((t) => t === tx)).toBe(true);
        expect(await Note.count({ id: { gte: 20 } }, opts)).toBe(4);
        expect(await Note.count({ id: { gte: 20 } })).toBe(0);
        await tx.rollback();
        expect(await Note.count()).toBe(3);
        expect((await Note.findById(1)).body).toBe('a /* not a comment */ b');
      },
    );

    caseUnless(
      it,
      lacks.transactions || lacks.isolationLevels,
      'applies the isolation level asked for: REPEATABLE READ keeps its snapshot, READ COMMITTED sees commits',
      async () => {
        const repeatable = await Note.beginTransaction({ isolationLevel: 'REPEATABLE READ' });
        const committed = await Note.beginTransaction({ isolationLevel: 'READ COMMITTED' });
        try {
          expect(await Note.count({}, { transaction: repeatable })).toBe(3);
          expect(await Note.count({}, { transaction: committed })).toBe(3);
          await Note.create({ id: 40, title: 'meanwhile' });
          expect(await Note.count({}, { transaction: repeatable })).toBe(3);
          expect(await Note.count({}, { transaction: committed })).toBe(4);
        } finally {
          await repeatable.rollback();
          await committed.rollback();
        }
      },
    );

    caseUnless(
      it,
      lacks.transactions,
      'a transaction past its timeout is rolled back; using it afterwards is 400 TRANSACTION_FINISHED',
      async () => {
        const tx = await Note.beginTransaction({ timeout: 50 });
        await Note.create({ id: 30, title: 'late' }, { transaction: tx });
        await new Promise((r) => setTimeout(r, 150));
        await expect(Note.create({ id: 31, title: 'later' }, { transaction: tx })).rejects.toMatchObject({
          statusCode: 400,
          code: 'TRANSACTION_FINISHED',
        });
        await expect(
          Note.findOrCreate({ where: { title: 'x' } }, { id: 32, title: 'x' }, { transaction: tx }),
        ).rejects.toMatchObject({ code: 'TRANSACTION_FINISHED' });
        await expect(Note.upsert({ id: 33, title: 'y' }, { transaction: tx })).rejects.toMatchObject({
          code: 'TRANSACTION_FINISHED',
        });
        expect(await Note.count({ id: { gte: 30 } })).toBe(0);
      },
    );

    caseUnless(
      it,
      lacks.server,
      'pings while the store is up, answers 503 while it is down, and disconnect closes every pooled connection',
      async () => {
        const relay = new Relay(String(store.settings.host), Number(store.settings.port));
        await relay.start();
        const far = new DataSource(
          'far',
          { ...store.settings, port: relay.port, connectionTimeout: 1000, connectTimeout: 1000 },
          createModelBuilder(),
        );
        const Far: any = far.createModel(
          'SgNote',
          { id: { type: 'number', id: true, generated: false }, title: 'string' },
          { forceId: false } as any,
        );
        const open = () => relay.openSockets;
        try {
          await expect(far.ping()).resolves.toBeUndefined();
          await Promise.all([1, 2, 3, 4].map(() => Far.count()));
          expect(open()).toBeGreaterThan(0);
          await far.disconnect();
          await new Promise((r) => setTimeout(r, 100));
          expect(open()).toBe(0);
          // A data source disconnected is connected again by its next call.
          expect(await Far.count()).toBe(3);
          await relay.stop();
          const t0 = Date.now();
          await expect(far.ping()).rejects.toMatchObject({ statusCode: 503, code: 'STORE_UNAVAILABLE' });
          expect(Date.now() - t0).toBeLessThan(2500);
          await relay.start();
          let answered: unknown;
          for (let i = 0; i < 3 && answered === undefined; i++)
            answered = await far.ping().then(
              () => 'up',
              () => undefined,
            );
          expect(answered).toBe('up');
        } finally {
          await far.disconnect().catch(() => undefined);
          await relay.stop();
        }
      },
    );

    caseUnless(
      it,
      lacks.server,
      'answers 503 STORE_UNAVAILABLE over REST, quickly, while the store is cut off, and 200 again once it is back',
      async () => {
        const relay = new Relay(String(store.settings.host), Number(store.settings.port));
        await relay.start();
        const app = loopback();
        app.dataSource('cut', {
          ...store.settings,
          port: relay.port,
          connectionTimeout: 1000,
          connectTimeout: 1000,
        });
        const Model = loopback.createModel({
          name: 'SgNote',
          properties: { id: { type: 'number', id: true, generated: false }, title: 'string' },
          forceId: false,
        } as any);
        app.model(Model, { dataSource: 'cut' });
        app.use('/api', loopback.rest());
        try {
          expect((await request(app).get('/api/SgNotes/count')).body).toEqual({ count: 3 });
          await relay.stop();
          for (const send of [
            () => request(app).get('/api/SgNotes'),
            () => request(app).put('/api/SgNotes').send({ id: 1, title: 'x' }),
            () => request(app).post('/api/SgNotes/findOrCreate').send({ id: 9, title: 'x' }),
          ]) {
            const t0 = Date.now();
            const res = await send();
            if (res.status === 404) continue; // a route the REST surface does not have
            expect([res.status, res.body.error?.code]).toEqual([503, 'STORE_UNAVAILABLE']);
            expect(res.body.error.stack).toBeUndefined();
            expect(Date.now() - t0).toBeLessThan(2500);
          }
          await relay.start();
          let status = 0;
          for (let i = 0; i < 3 && status !== 200; i++)
            status = (await request(app).get('/api/SgNotes/count')).status;
          expect(status).toBe(200);
          expect((await request(app).get('/api/SgNotes/1')).body).toMatchObject({ id: 1, title: 'Alpha' });
        } finally {
          await app.dataSources.cut.disconnect().catch(() => undefined);
          await relay.stop();
        }
      },
    );

    it('answers 400 over REST for unknown property names in where, order and fields, and the store is untouched', async () => {
      const app = loopback();
      app.dataSource('db', store.settings);
      const Model = loopback.createModel({
        name: 'SgRest',
        properties: { id: { type: 'number', id: true, generated: false }, title: 'string' },
        strict: true,
        forceId: false,
      } as any);
      app.model(Model, { dataSource: 'db' });
      app.use('/api', loopback.rest());
      const rest = app.dataSources.db;
      await rest.automigrate(['SgRest']);
      try {
        await request(app).post('/api/SgRests').send({ id: 1, title: "it's" }).expect(200);
        const hostile = 'title"; DROP TABLE sgrest; --';
        for (const filter of [
          { where: { [hostile]: 1 } },
          { order: `${hostile} ASC` },
          { fields: [hostile] },
          { where: { nope: 1 } },
        ]) {
          const res = await request(app)
            .get('/api/SgRests')
            .query({ filter: JSON.stringify(filter) });
          expect([res.status, res.body.error?.code]).toEqual([400, 'INVALID_FILTER']);
        }
        const counted = await request(app)
          .get('/api/SgRests/count')
          .query({ where: JSON.stringify({ [hostile]: 1 }) });
        expect([counted.status, counted.body.error?.code]).toEqual([400, 'INVALID_FILTER']);
        expect(
          (
            await request(app)
              .get('/api/SgRests')
              .query({ filter: JSON.stringify({ where: { title: "it's" } }) })
          ).body,
        ).toEqual([{ id: 1, title: "it's" }]);
      } finally {
        await rest.disconnect();
      }
    });
  });
}
