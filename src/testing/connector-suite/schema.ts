import { json, storeConnector, type SuiteFixture } from './fixture';

/** Relations through the store, migrations and the schema, raw SQL, and statements the store prepares. */
export function defineSchemaCases(fx: SuiteFixture): void {
  const { it, expect, features } = fx;
  const names = fx.ids;
  const { schema, sql } = features;

  it('includes with scopes, and the relation methods through the store', async () => {
    await fx.Tagging.destroyAll();
    await fx.Pet.destroyAll();
    await fx.Owner.destroyAll();
    await fx.Tag.destroyAll();
    const ann = await fx.Owner.create({ name: 'Ann' });
    await ann.pets.create([{ name: 'Rex' }, { name: 'Tom' }, { name: "O'Mal" }]);
    const only = await fx.Owner.find({
      include: {
        relation: 'pets',
        scope: { where: { name: { like: 'R%' } }, fields: ['name', 'ownerId'] },
      },
    });
    expect(json(only)[0].pets.map((p: any) => p.name)).toEqual(['Rex']);
    expect(await ann.pets.count()).toBe(3);
    expect((await ann.pets.find({ where: { name: "O'Mal" } })).map((p: any) => p.name)).toEqual(["O'Mal"]);
    const t = await ann.tags.create({ label: 'made through' });
    expect((await ann.tags.find()).map((x: any) => x.label)).toEqual(['made through']);
    expect(await fx.Tagging.count({ ownerId: ann.id, tagId: t.id })).toBe(1);
    await ann.tags.remove(t);
    expect(await ann.tags.count()).toBe(0);
  });

  it('automigrate drops and recreates; names follow the LB3 mapping settings', async () => {
    await fx.Mapped.create({ fullName: "Ann O'Hara", code: 'c1', email: 'a@x' });
    expect((await fx.Mapped.findOne({ where: { fullName: "Ann O'Hara" } })).code).toBe('c1');
    if (schema) {
      const c = storeConnector(fx.ds);
      // The catalog discovery reads answers the columns on every SQL store alike.
      const columnsOf = async (table: string) =>
        (await c.catalog.columns(undefined, table)).map((col) => col.columnName).sort();
      expect(await columnsOf('ct_mapped_t')).toEqual(['code', 'email', 'full_name', 'id']);
      // The default names: lower case on PostgreSQL (as loopback-connector-postgresql), as written on MySQL and SQLite.
      expect(await columnsOf(schema.defaultName('CtItem'))).toContain('active');
      if (schema.indexDefinitions) {
        const rows: any[] = await c.execute(schema.indexDefinitions('ct_mapped_t'), []);
        const idx = rows.map((r) => r.def).join('\n');
        expect(idx).toMatch(/UNIQUE.*email/);
        expect(idx).toMatch(/code/);
      }
      // The primary key's own index: PRIMARY on MySQL, <table>_pkey on PostgreSQL, none on SQLite (the id is the rowid).
      expect(await c.existingIndexes(fx.Mapped.definition)).toEqual(
        new Set([
          ...schema.primaryKeyIndexes('ct_mapped_t'),
          'ct_mapped_t_code_idx',
          'ct_mapped_t_email_idx',
          'ct_mapped_name_code',
        ]),
      );
    }
    await fx.ds.automigrate('CtMapped');
    expect(await fx.Mapped.count()).toBe(0);
  });

  it('quotes every identifier: reserved words as table and column names', async () => {
    const Words: any = fx.ds.createModel(
      'CtWords',
      { select: 'string', order: 'number', user: 'string', table: 'boolean', group: ['string'] },
      { postgresql: { table: 'select' }, mysql: { table: 'select' }, sqlite: { table: 'select' } },
    );
    await fx.ds.automigrate('CtWords');
    await Words.create([
      { select: 'a', order: 2, user: 'u1', table: true, group: ['g'] },
      { select: 'b', order: 1, user: 'u2', table: false, group: [] },
    ]);
    expect(
      (
        await Words.find({
          where: { select: { inq: ['a', 'b'] }, table: { neq: null } },
          order: 'order DESC',
          fields: ['select', 'order'],
        })
      ).map((w: any) => w.select),
    ).toEqual(['a', 'b']);
    expect(await Words.count({ user: 'u2', group: { nin: ['g'] } })).toBe(1);
    expect(await Words.updateAll({ table: true }, { order: 5 })).toEqual({ count: 1 });
    expect(await Words.destroyAll({ order: 5 })).toEqual({ count: 1 });
    expect(await Words.count()).toBe(1);
  });

  it('pings', async () => {
    await expect(fx.ds.ping()).resolves.toBeUndefined();
  });

  // The memory store keeps declared unique indexes too (checked in the write's own step).
  it('maps a unique-index violation to 409 naming the property, and keeps the rows', async () => {
    await fx.Mapped.destroyAll();
    await fx.Mapped.create({ fullName: 'A', email: "dup'@x" });
    await expect(fx.Mapped.create({ fullName: 'B', email: "dup'@x" })).rejects.toMatchObject({
      statusCode: 409,
      code: 'DUPLICATE_ID',
      details: { property: 'email' },
    });
    const b = await fx.Mapped.create({ fullName: 'B', email: 'b@x' });
    await expect(fx.Mapped.updateAll({ id: b.id }, { email: "dup'@x" })).rejects.toMatchObject({
      statusCode: 409,
      details: { property: 'email' },
    });
    expect((await fx.Mapped.find({ order: 'id ASC' })).map((m: any) => m.email)).toEqual(["dup'@x", 'b@x']);
  });

  fx.caseUnless(
    !sql && 'the store speaks no SQL',
    'runs raw SQL through connector.execute with bound parameters (LB3 API)',
    async () => {
      const c = storeConnector(fx.ds);
      const p = (n: number) => sql!.parameter(n);
      const table = sql!.quote(schema?.defaultName('CtItem') ?? 'CtItem');
      const rows = await c.execute(
        `SELECT id FROM ${table} WHERE name = ${p(1)} OR name = ${p(2)} ORDER BY id`,
        ['apple', "x' OR '1'='1"],
      );
      expect(rows.map((r: any) => Number(r.id))).toEqual([1]);
      const result = await c.execute(`UPDATE ${table} SET qty = ${p(1)} WHERE id = ${p(2)}`, [9, 1]);
      expect(result).toMatchObject({ count: 1 });
      const viaCb = await new Promise((resolve, reject) =>
        c.execute(`SELECT COUNT(*) AS n FROM ${table}`, [], (err: unknown, r: any) =>
          err ? reject(err) : resolve(Number(r[0].n)),
        ),
      );
      expect(viaCb).toBe(4);
    },
  );

  fx.caseUnless(
    !schema && 'the store has no schema to update',
    'autoupdate adds a column and keeps the rows',
    async () => {
      fx.Item.defineProperty('extra', { type: 'string', index: true });
      expect(await storeConnector(fx.ds).isActual([fx.Item.definition])).toBe(false);
      await fx.ds.autoupdate(['CtItem']);
      expect(await storeConnector(fx.ds).isActual([fx.Item.definition])).toBe(true);
      expect(await storeConnector(fx.ds).existingIndexes(fx.Item.definition)).toContain(
        `${schema!.defaultName('CtItem')}_extra_idx`,
      );
      await fx.ds.autoupdate(['CtItem']);
      expect(await fx.Item.count()).toBe(4);
      await fx.Item.updateAll({ id: 1 }, { extra: 'yes' });
      expect((await fx.Item.findById(1)).extra).toBe('yes');
    },
  );

  it('binds fresh values to a filter shape seen before, and tells apart shapes that differ', async () => {
    // Same shape, other values: each answer is the one for its own values.
    for (const [qty, expected] of [
      [5, [1]],
      [-1, []],
      [5, [1]],
    ] as const)
      expect(await names({ qty: { gte: qty, lte: qty } })).toEqual(expected);
    const all = await names({});
    const pick = (n: number) => all.slice(0, n);
    for (const n of [1, 2, 3, 2, 1]) expect(await names({ id: { inq: pick(n) } })).toEqual(pick(n));
    // Shapes alike but for null, a like pattern or a nested and/or.
    expect(await names({ name: 'apple' })).toEqual(await names({ name: { like: 'apple' } }));
    expect(await names({ name: null })).toEqual(await names({ name: { exists: false } }));
    expect(await names({ or: [{ id: all[0] }, { id: all[1] }] })).toEqual(pick(2));
    expect(await names({ or: [{ id: all[1] }, { id: all[0] }] })).toEqual(pick(2));
    expect(await fx.Item.count({ id: { inq: pick(2) } })).toBe(2);
    expect(await fx.Item.count({ id: { inq: pick(3) } })).toBe(3);
    expect(await names({}, { limit: 1 })).toEqual(pick(1));
    expect(await names({}, { limit: 2, skip: 1 })).toEqual(all.slice(1, 3));
    expect(await names({}, { limit: 2 })).toEqual(pick(2));
  });

  it('reads a model redefined and migrated after earlier reads (no stale prepared statement)', async () => {
    const first: any = fx.ds.createModel('CtShape', { n: { type: 'number' } });
    await fx.ds.automigrate(['CtShape']);
    await first.create({ n: 1 });
    for (let i = 0; i < 3; i++)
      expect(json(await first.find({ where: { n: 1 } }))).toEqual([{ n: 1, id: 1 }]);
    // Another process on the same server (memory has none), with statements of its own
    // prepared before the migration.
    const other = features.shared ? fx.dataSource('other') : undefined;
    const elsewhere: any = other?.createModel('CtShape', { n: { type: 'string' } });
    if (other) {
      for (let i = 0; i < 3; i++) expect(await elsewhere.count({ id: 1 })).toBe(1);
      for (let i = 0; i < 3; i++) expect(await elsewhere.findById(1)).not.toBeNull();
    }
    // Same statement text, but the column's type changed under it.
    const second: any = fx.ds.createModel('CtShape', { n: { type: 'string' } });
    await fx.ds.automigrate(['CtShape']);
    await second.create({ n: '1' });
    for (let i = 0; i < 3; i++)
      expect(json(await second.find({ where: { n: '1' } }))).toEqual([{ n: '1', id: 1 }]);
    if (!other) return;
    try {
      // Its prepared count now meets a recreated table: it answers, unprepared, then prepares anew.
      for (let i = 0; i < 3; i++) expect(await elsewhere.count({ id: 1 })).toBe(1);
      expect(json(await elsewhere.findById(1))).toEqual({ n: '1', id: 1 });
    } finally {
      await other.disconnect();
    }
  });
}
