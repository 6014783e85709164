import { DataSource } from '../../src/juggler/datasource';
import { createModelBuilder } from '../../src/juggler/core-models';
import type { Connector } from '../../src';
import { caseUnless, describeStore, lacking, STORES } from './stores';

/**
 * The combined writes under concurrency, on every store: upsert, replaceOrCreate, findOrCreate
 * and upsertWithWhere called many times at once for the same key make exactly one row, every
 * call resolves, and exactly one of them reports the row as created. Also the hooks each call
 * runs, and what it answers.
 */

const json = (v: unknown) => JSON.parse(JSON.stringify(v));
const PARALLEL = 20;
const times = <T>(n: number, fn: (i: number) => Promise<T>) =>
  Promise.all(Array.from({ length: n }, (_, i) => fn(i)));

for (const store of STORES) {
  describeStore(store, () => {
    let ds: DataSource;
    let Thing: any;
    let Person: any;
    const log: string[] = [];
    const created: boolean[] = [];

    beforeAll(async () => {
      ds = new DataSource('db', store.settings, createModelBuilder());
      Thing = ds.createModel(
        'AwThing',
        {
          id: { type: 'number', id: true, generated: false },
          name: { type: 'string', required: true },
          qty: { type: 'number', default: 7 },
          note: 'string',
        },
        { forceId: false } as any,
      );
      Person = ds.createModel(
        'AwPerson',
        {
          name: { type: 'string', required: true },
          email: { type: 'string', index: { unique: true } },
          id: { type: 'number', id: true, generated: false },
        },
        { forceId: false } as any,
      );
      await ds.automigrate(['AwThing', 'AwPerson']);
    });

    afterAll(async () => {
      await ds?.disconnect();
    });

    beforeEach(async () => {
      Thing.clearObservers();
      log.length = 0;
      created.length = 0;
      await Thing.destroyAll();
      await Person.destroyAll();
      await Thing.create({ id: 1, name: 'one', qty: 1, note: 'kept' });
      Thing.observe('after save', async (ctx: any) => {
        created.push(ctx.isNewInstance);
      });
    });

    const recordHooks = () => {
      for (const op of ['access', 'before save', 'persist', 'loaded', 'after save']) {
        Thing.observe(op, async (ctx: any) => {
          const keys = Object.keys(ctx)
            .filter((k) => !['Model', 'hookState', 'options', 'isNewInstance'].includes(k))
            .sort();
          log.push(`${op}(${keys.join(',')})${'isNewInstance' in ctx ? ` new=${ctx.isNewInstance}` : ''}`);
        });
      }
    };

    it(`${PARALLEL} parallel upserts of one new id make one row; one call reports it created`, async () => {
      const results = await times(PARALLEL, (i) => Thing.upsert({ id: 50, name: `n${i}` }));
      expect(results.every((r: any) => r.id === 50)).toBe(true);
      expect(await Thing.count({ id: 50 })).toBe(1);
      expect(created.filter((c) => c === true)).toHaveLength(1);
      expect(created.filter((c) => c === false)).toHaveLength(PARALLEL - 1);
      const row = await Thing.findById(50);
      expect(results.map((r: any) => r.name)).toContain(row.name);
      expect(row.qty).toBe(7);
    });

    it(`${PARALLEL} parallel upserts of one existing id each patch it; none creates`, async () => {
      const results = await times(PARALLEL, (i) => Thing.upsert({ id: 1, qty: 100 + i }));
      expect(await Thing.count()).toBe(1);
      expect(created).toEqual(Array(PARALLEL).fill(false));
      // Each answers the whole row as its own write left it: the other properties are there.
      for (const [i, r] of results.entries())
        expect(json(r)).toMatchObject({ id: 1, name: 'one', note: 'kept', qty: 100 + i });
      expect(results.map((r: any) => r.qty)).toContain((await Thing.findById(1)).qty);
    });

    it(`${PARALLEL} parallel replaceOrCreate of one new id make one row`, async () => {
      const results = await times(PARALLEL, (i) => Thing.replaceOrCreate({ id: 60, name: `r${i}` }));
      expect(results.every((r: any) => r.id === 60)).toBe(true);
      expect(await Thing.count({ id: 60 })).toBe(1);
      expect(created.filter((c) => c === true)).toHaveLength(1);
      expect(created.filter((c) => c === false)).toHaveLength(PARALLEL - 1);
    });

    it(`${PARALLEL} parallel findOrCreate on a property that is not the id make one row; one call reports it created`, async () => {
      const results = await times(PARALLEL, (i) =>
        Thing.findOrCreate({ where: { name: "o'neil; --" } }, { id: 100 + i, name: "o'neil; --" }),
      );
      expect(await Thing.count({ name: "o'neil; --" })).toBe(1);
      const ids = new Set(results.map(([inst]: any) => inst.id));
      expect(ids.size).toBe(1);
      expect(results.filter(([, wasCreated]: any) => wasCreated === true)).toHaveLength(1);
      expect(created).toEqual([true]);
      const [row] = await Thing.find({ where: { name: "o'neil; --" } });
      expect(row.id).toBe([...ids][0]);
    });

    it(`${PARALLEL} parallel upsertWithWhere on a property that is not the id make one row, then patch it`, async () => {
      const results = await times(PARALLEL, (i) =>
        Thing.upsertWithWhere({ name: 'ww' }, { id: 200 + i, name: 'ww', qty: i }),
      );
      expect(await Thing.count({ name: 'ww' })).toBe(1);
      expect(new Set(results.map((r: any) => r.id)).size).toBe(1);
      expect(created.filter((c) => c === true)).toHaveLength(1);
      expect(created.filter((c) => c === false)).toHaveLength(PARALLEL - 1);
    });

    const lacks = lacking(store.features);
    // Skipped, with the reason in its title, on a store that is one data source's own (memory).
    const twoProcesses = (title: string, fn: (Other: any) => Promise<void>) =>
      caseUnless(it, lacks.shared, title, async () => {
        // A second data source has its own pool, as another loopline process would.
        const other = new DataSource('other', store.settings, createModelBuilder());
        const Other: any = other.createModel(
          'AwThing',
          {
            id: { type: 'number', id: true, generated: false },
            name: { type: 'string', required: true },
            qty: 'number',
            note: 'string',
          },
          { forceId: false } as any,
        );
        try {
          await fn(Other);
        } finally {
          await other.disconnect();
        }
      });

    twoProcesses(
      'findOrCreate, upsertWithWhere and upsert from two pools at once still make one row each',
      async (Other) => {
        const both = (i: number) => (i % 2 ? Thing : Other);
        const found = await times(PARALLEL, (i) =>
          both(i).findOrCreate({ where: { name: 'shared' } }, { id: 300 + i, name: 'shared' }),
        );
        expect(await Thing.count({ name: 'shared' })).toBe(1);
        expect(found.filter(([, c]: any) => c)).toHaveLength(1);
        await times(PARALLEL, (i) =>
          both(i).upsertWithWhere({ name: 'ww2' }, { id: 400 + i, name: 'ww2', qty: i }),
        );
        expect(await Thing.count({ name: 'ww2' })).toBe(1);
        await times(PARALLEL, (i) => both(i).upsert({ id: 500, name: `u${i}` }));
        expect(await Thing.count({ id: 500 })).toBe(1);
      },
    );

    const statementsOf = async (fn: () => Promise<unknown>): Promise<string[]> => {
      const connector = ds.connector as any;
      const run = connector.run;
      const seen: string[] = [];
      connector.run = function (sql: string, params: unknown[], options: unknown) {
        seen.push(sql.split(' ')[0]);
        return run.call(this, sql, params, options);
      };
      try {
        await fn();
      } finally {
        connector.run = run;
      }
      return seen;
    };

    caseUnless(
      it,
      lacks.sql,
      'takes one statement per plain write and read, and for an upsert on PostgreSQL',
      async () => {
        expect(await statementsOf(() => Thing.create({ id: 2, name: 'two' }))).toEqual(['INSERT']);
        expect(await statementsOf(() => Thing.find({ where: { name: 'two' } }))).toEqual(['SELECT']);
        expect(await statementsOf(() => Thing.findById(2))).toEqual(['SELECT']);
        const two = await Thing.findById(2);
        expect(await statementsOf(() => two.patchAttributes({ qty: 3 }))).toEqual(['UPDATE']);
        expect(await statementsOf(() => Thing.updateAll({ id: 2 }, { qty: 4 }))).toEqual(['UPDATE']);
        const upserts = await statementsOf(async () => {
          await Thing.upsert({ id: 2, name: 'two', qty: 5 });
          await Thing.upsert({ id: 3, name: 'three' });
          await Thing.replaceOrCreate({ id: 3, name: 'again' });
        });
        // PostgreSQL: one INSERT … ON CONFLICT each; MySQL: UPDATE, then SELECT (found, patched) or INSERT (not found);
        // SQLite: a read of the id (its RETURNING does not tell created from updated), then INSERT … ON CONFLICT.
        const upsertStatements: Record<string, string[]> = {
          postgresql: ['INSERT', 'INSERT', 'INSERT'],
          mysql: ['UPDATE', 'SELECT', 'UPDATE', 'INSERT', 'UPDATE'],
          sqlite: ['SELECT', 'INSERT', 'SELECT', 'INSERT', 'SELECT', 'INSERT'],
        };
        expect(upserts).toEqual(upsertStatements[store.name]);
        // Data that is no valid instance alone (no `name`) may only patch a row that exists: read, then update.
        expect(await statementsOf(() => Thing.upsert({ id: 2, qty: 6 }))).toEqual(['SELECT', 'UPDATE']);
        expect(
          await statementsOf(() => Thing.findOrCreate({ where: { name: 'two' } }, { id: 9, name: 'two' })),
        ).toEqual(['SELECT']);
        expect(json(await Thing.find({ order: 'id ASC' })).map((t: any) => [t.id, t.name, t.qty])).toEqual([
          [1, 'one', 1],
          [2, 'two', 6],
          [3, 'again', 7],
        ]);
      },
    );

    it('findOrCreate and upsert answer created / isNewInstance and the stored data', async () => {
      const [made, wasMade] = await Thing.findOrCreate(
        { where: { name: 'fresh' } },
        { id: 5, name: 'fresh' },
      );
      expect([json(made), wasMade]).toEqual([
        expect.objectContaining({ id: 5, name: 'fresh', qty: 7 }),
        true,
      ]);
      const [same, again] = await Thing.findOrCreate({ where: { name: 'fresh' } }, { id: 6, name: 'fresh' });
      expect([same.id, again]).toEqual([5, false]);
      const up = await Thing.upsert({ id: 5, note: 'patched' });
      expect(json(up)).toMatchObject({ id: 5, name: 'fresh', qty: 7, note: 'patched' });
      const re = await Thing.replaceOrCreate({ id: 5, name: 'whole' });
      expect(json(re)).toMatchObject({ id: 5, name: 'whole', qty: 7 });
      expect((await Thing.findById(5)).note ?? null).toBeNull();
      expect(created).toEqual([true, false, false]);
      expect(await Thing.count()).toBe(2);
    });

    it('upsert validates: a patch without a required property updates an existing row, and creates nothing', async () => {
      const patched = await Thing.upsert({ id: 1, qty: 3 });
      expect(json(patched)).toMatchObject({ id: 1, name: 'one', qty: 3 });
      await expect(Thing.upsert({ id: 70, qty: 3 })).rejects.toMatchObject({
        statusCode: 422,
        details: { codes: { name: ['presence'] } },
      });
      await expect(Thing.upsert({ id: 1, name: '' })).rejects.toMatchObject({ statusCode: 422 });
      await expect(Thing.replaceOrCreate({ id: 1, qty: 4 })).rejects.toMatchObject({ statusCode: 422 });
      await expect(Thing.upsert({ id: 1, qty: 'many' })).rejects.toMatchObject({ statusCode: 422 });
      expect(json(await Thing.find())).toEqual([expect.objectContaining({ id: 1, name: 'one', qty: 3 })]);
    });

    it('upsert refuses a value another row holds under a unique index with 409, and changes neither row', async () => {
      await Person.create([
        { id: 1, name: 'a', email: 'a@x' },
        { id: 2, name: 'b', email: 'b@x' },
      ]);
      await expect(Person.upsert({ id: 3, name: 'c', email: 'a@x' })).rejects.toMatchObject({
        statusCode: 409,
        code: 'DUPLICATE_ID',
        details: { property: 'email' },
      });
      await expect(Person.upsert({ id: 2, email: 'a@x' })).rejects.toMatchObject({
        statusCode: 409,
        details: { property: 'email' },
      });
      await expect(Person.replaceOrCreate({ id: 2, name: 'b2', email: 'a@x' })).rejects.toMatchObject({
        statusCode: 409,
      });
      expect(json(await Person.find({ order: 'id ASC' })).map((p: any) => [p.id, p.name, p.email])).toEqual([
        [1, 'a', 'a@x'],
        [2, 'b', 'b@x'],
      ]);
    });

    // The hooks of each call. The SQL stores write upserts in one statement, so they run LB3's
    // atomic path (no read first: `before save` has no current instance); the memory store reads
    // first, as LB3's non-atomic path. A connector with an atomic upsert declares it (Connector.upsert).
    let atomic = false;
    beforeAll(() => {
      atomic = typeof (ds.connector as Connector).upsert === 'function';
    });

    it('upsert runs the hooks in order, with isNewInstance from the store', async () => {
      recordHooks();
      await Thing.upsert({ id: 1, qty: 2 });
      await Thing.upsert({ id: 2, name: 'two' });
      const existing = atomic
        ? [
            'access(query)',
            'before save(data,where)',
            'persist(currentInstance,data,where)',
            'loaded(data) new=false',
            'after save(instance) new=false',
          ]
        : [
            'access(query)',
            'loaded(data) new=false',
            'before save(currentInstance,data,where)',
            'persist(currentInstance,data,where) new=false',
            'loaded(data) new=false',
            'after save(instance) new=false',
          ];
      const fresh = atomic
        ? [
            'access(query)',
            'before save(data,where)',
            'persist(currentInstance,data,where)',
            'loaded(data) new=true',
            'after save(instance) new=true',
          ]
        : [
            'access(query)',
            'before save(instance) new=true',
            'persist(currentInstance,data) new=true',
            'loaded(data) new=true',
            'after save(instance) new=true',
          ];
      expect(log).toEqual([...existing, ...fresh]);
    });

    it('replaceOrCreate runs the hooks in order, with isNewInstance from the store', async () => {
      recordHooks();
      await Thing.replaceOrCreate({ id: 1, name: 'r' });
      await Thing.replaceOrCreate({ id: 3, name: 'three' });
      if (atomic) {
        const one = (isNew: boolean) => [
          'access(query)',
          'before save(instance)',
          'persist(currentInstance,data,where)',
          `loaded(data) new=${isNew}`,
          `after save(instance) new=${isNew}`,
        ];
        expect(log).toEqual([...one(false), ...one(true)]);
      } else {
        expect(log.filter((l) => l.startsWith('after save'))).toEqual([
          'after save(instance) new=false',
          'after save(instance) new=true',
        ]);
      }
      expect(json(await Thing.find({ order: 'id ASC' })).map((t: any) => [t.id, t.name])).toEqual([
        [1, 'r'],
        [3, 'three'],
      ]);
    });

    it('findOrCreate runs access and loaded when it finds, the create hooks when it creates', async () => {
      recordHooks();
      await Thing.findOrCreate({ where: { name: 'one' } }, { id: 9, name: 'one' });
      expect(log).toEqual(['access(query)', 'loaded(data) new=false']);
      log.length = 0;
      await Thing.findOrCreate({ where: { name: 'nine' } }, { id: 9, name: 'nine' });
      expect(log).toEqual([
        'access(query)',
        'before save(instance) new=true',
        'persist(currentInstance,data) new=true',
        'loaded(data) new=true',
        'after save(instance) new=true',
      ]);
    });

    it('findOrCreate and upsertWithWhere have written the row for everyone by the time after save runs', async () => {
      const seenOutside: number[] = [];
      Thing.observe('after save', async (ctx: any) => {
        // Read without the call's options: another connection, as another process would read.
        seenOutside.push(await Thing.count({ id: ctx.instance.id }));
      });
      await Thing.findOrCreate({ where: { name: 'visible' } }, { id: 80, name: 'visible' });
      await Thing.upsertWithWhere({ name: 'visible too' }, { id: 81, name: 'visible too' });
      expect(seenOutside).toEqual([1, 1]);
    });

    it('a hook that rewrites the access query of an upsert is obeyed: the write goes by that query', async () => {
      Thing.observe('access', async (ctx: any) => {
        ctx.query.where = { name: 'one' };
      });
      const r = await Thing.upsert({ id: 99, qty: 42 });
      expect(r.id).toBe(1);
      expect(await Thing.count()).toBe(1);
      expect((await Thing.findById(1)).qty).toBe(42);
    });
  });
}
