import { json, present, storeConnector, type StoreConnector, type SuiteFixture } from './fixture';

/** Every type and hostile value kept exactly, and refused with a clear 400 where the store cannot hold it. */
export function defineValueCases(fx: SuiteFixture): void {
  const { it, expect, features } = fx;
  const names = fx.ids;

  it('round-trips buffers, nested objects, arrays of objects, geo points and dates to the millisecond', async () => {
    const bytes = Buffer.from([0, 1, 2, 0xfe, 0xff, 0x27, 0x5c]);
    await fx.Blob.destroyAll();
    const created = await fx.Blob.create({
      data: bytes,
      doc: { a: { b: [1, 'two', { c: null }] }, 'we"ird': "it's" },
      list: [{ x: 1 }, { y: [true, false] }],
      loc: { lat: 52.5, lng: 13.4 },
      when: new Date('1999-12-31T23:59:59.123Z'),
      anything: 'text',
    });
    const back = await fx.Blob.findById(created.id);
    expect(Buffer.isBuffer(back.data)).toBe(true);
    expect(back.data.equals(bytes)).toBe(true);
    expect(json(back.doc)).toEqual({ a: { b: [1, 'two', { c: null }] }, 'we"ird': "it's" });
    expect(json(back.list)).toEqual([{ x: 1 }, { y: [true, false] }]);
    expect(json(back.loc)).toEqual({ lat: 52.5, lng: 13.4 });
    expect(back.when).toBeInstanceOf(Date);
    expect(back.when.toISOString()).toBe('1999-12-31T23:59:59.123Z');
    expect(back.anything).toBe('text');
    expect(await fx.Blob.count({ when: new Date('1999-12-31T23:59:59.123Z') })).toBe(1);
    expect(
      await fx.Blob.count({
        when: { lt: new Date('1999-12-31T23:59:59.124Z'), gt: new Date('1999-12-31T23:59:59.122Z') },
      }),
    ).toBe(1);
  });

  it('generates ids: numbers by default, uuids for string ids', async () => {
    await fx.Owner.destroyAll();
    const a = await fx.Owner.create({ name: 'A' });
    const b = await fx.Owner.create({ name: 'B' });
    expect(typeof a.id).toBe('number');
    expect(b.id).toBeGreaterThan(a.id);
    expect((await fx.Owner.findById(b.id)).name).toBe('B');
    const u = await fx.Uuid.create({ label: 'x' });
    expect(u.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect((await fx.Uuid.findById(u.id)).label).toBe('x');
    const given = await fx.Uuid.create({ id: "it's-mine", label: 'y' });
    expect(given.id).toBe("it's-mine");
    expect((await fx.Uuid.findOne({ where: { id: "it's-mine" } })).label).toBe('y');
    await expect(fx.Uuid.create({ id: "it's-mine" })).rejects.toMatchObject({
      statusCode: 409,
      code: 'DUPLICATE_ID',
    });
  });

  it('covers the remaining DAO writes: replaceOrCreate, upsertWithWhere, exists, replace, save', async () => {
    const r = await fx.Item.replaceOrCreate({ id: 2, name: 'ban' });
    expect(present(r)).toEqual({ id: 2, name: 'ban' });
    expect(present(await fx.Item.findById(2))).toEqual({ id: 2, name: 'ban' });
    const c = await fx.Item.replaceOrCreate({ id: 30, name: 'fresh', qty: 1 });
    expect(present(await fx.Item.findById(30))).toEqual({ id: 30, name: 'fresh', qty: 1 });
    expect(c.id).toBe(30);
    await fx.Item.upsertWithWhere({ name: 'fresh' }, { qty: 2 });
    expect((await fx.Item.findById(30)).qty).toBe(2);
    expect(await fx.Item.exists(30)).toBe(true);
    expect(await fx.Item.exists(31)).toBe(false);
    const inst = await fx.Item.findById(3);
    inst.name = 'saved';
    await inst.save();
    expect((await fx.Item.findById(3)).name).toBe('saved');
    await inst.replaceAttributes({ name: 'replaced' });
    expect(present(await fx.Item.findById(3))).toEqual({ id: 3, name: 'replaced' });
    await inst.destroy();
    expect(await fx.Item.findById(3)).toBeNull();
    expect(await fx.Item.updateAll({ id: 99 }, { qty: 1 })).toEqual({ count: 0 });
    expect(await fx.Item.destroyAll({ id: 99 })).toEqual({ count: 0 });
  });

  it('matches hostile values literally with every operator', async () => {
    const hostile = ['\'; DELETE FROM "CtItem"; --', "O'Reilly\\", '%_\\%', '"$1"', '?', '); SELECT 1 --'];
    await fx.Item.create(hostile.map((name, i) => ({ id: 200 + i, name, tags: [name], meta: { k: name } })));
    for (const [i, name] of hostile.entries()) {
      const id = 200 + i;
      const others = hostile.map((_, j) => 200 + j).filter((j) => j !== id);
      const inHostile = { id: { gte: 200 } };
      expect(await names({ and: [inHostile, { name: { neq: name } }] })).toEqual(others);
      expect(await names({ and: [inHostile, { name: { nin: [name] } }] })).toEqual(others);
      expect(await names({ and: [inHostile, { name: { gte: name, lte: name } }] })).toEqual([id]);
      expect(await names({ and: [inHostile, { name: { between: [name, name] } }] })).toEqual([id]);
      expect(await names({ and: [inHostile, { 'meta.k': { inq: [name] } }] })).toEqual([id]);
      expect(await names({ or: [{ name }, { name: 'nothing' }] })).toEqual([id]);
      const escaped = name.replace(/[\\%_]/g, '\\$&');
      expect(await names({ name: { like: escaped } })).toEqual([id]);
      expect(await names({ name: { ilike: escaped } })).toEqual([id]);
      expect(await names({ and: [inHostile, { name: { nlike: escaped } }] })).toEqual(others);
      expect(await names({ and: [inHostile, { name: { nilike: escaped } }] })).toEqual(others);
      expect(
        await names({
          name: { regexp: new RegExp('^' + name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + '$') },
        }),
      ).toEqual([id]);
      expect(await fx.Item.count({ name })).toBe(1);
      expect(await fx.Item.updateAll({ name }, { qty: id })).toEqual({ count: 1 });
      expect((await fx.Item.findById(id)).qty).toBe(id);
    }
    // A lone backslash at the end of a pattern stands for itself, as in the memory store.
    expect(await names({ name: { like: "O'Reilly\\" } })).toEqual([201]);
    expect(await names({ name: { ilike: "o'reilly\\" } })).toEqual([201]);
    expect(await names({ name: { like: '%\\\\' } })).toEqual([201]);
    expect(await names({ name: { like: '%\\%%' } })).toEqual([202]);
    expect(await names({ name: { like: '%\\_%' } })).toEqual([202]);
    expect(await names({ name: { like: "%'%" } })).toEqual([200, 201]);
    expect(await fx.Item.count()).toBe(4 + hostile.length);
    expect(await fx.Item.destroyAll({ name: hostile[0] })).toEqual({ count: 1 });
    expect(await fx.Item.count()).toBe(3 + hostile.length);
  });

  it('keeps any Unicode text exactly, and reads JavaScript unicode escapes in a regexp as the characters', async () => {
    const texts = [
      '😀 grin',
      'Ünïcödé',
      'עברית',
      'e\u0301 combining',
      '\u2028line\u2029sep',
      'ＡＢＣ',
      '𝔘𝔫𝔦',
    ];
    await fx.Item.create(texts.map((name, i) => ({ id: 300 + i, name, meta: { k: name } })));
    for (const [i, name] of texts.entries()) {
      expect((await fx.Item.findById(300 + i)).name).toBe(name);
      expect(await names({ name })).toEqual([300 + i]);
      expect(await names({ 'meta.k': name })).toEqual([300 + i]);
    }
    const inUnicode = { id: { gte: 300 } };
    expect(await names({ and: [inUnicode, { name: { regexp: '/^\\u{1F600}/u' } }] })).toEqual([300]);
    expect(await names({ and: [inUnicode, { name: { regexp: /^\uD83D\uDE00/ } }] })).toEqual([300]);
    expect(await names({ and: [inUnicode, { name: { regexp: '^[\\u00DA-\\u00DC]' } }] })).toEqual([301]);
    expect(await names({ and: [inUnicode, { name: { regexp: '\\u002E|\\u0029' } }] })).toEqual([]);
    // Half a surrogate pair has no UTF-8 form: SQL stores refuse it rather than keep U+FFFD.
    const keepsLone = features.text.loneSurrogates;
    const lone = fx.Item.create({ id: 320, name: 'half \ud800 pair' });
    if (keepsLone) expect((await lone).name).toBe('half \ud800 pair');
    else await expect(lone).rejects.toMatchObject({ statusCode: 400, code: 'UNSUPPORTED_CHARACTER' });
    expect(await fx.Item.count(inUnicode)).toBe(texts.length + (keepsLone ? 1 : 0));
    // Inside a JSON document too (an object, a list of strings, a key, a where on the document).
    const inDocuments = [{ meta: { k: 'half \ud800' } }, { tags: ['\udfff'] }, { meta: { ['k\ud800']: 1 } }];
    for (const [i, data] of inDocuments.entries()) {
      const made = fx.Item.create({ id: 321 + i, name: 'lone', ...data });
      if (keepsLone) await made;
      else await expect(made).rejects.toMatchObject({ statusCode: 400, code: 'UNSUPPORTED_CHARACTER' });
    }
    const byDocument = fx.Item.find({ where: { meta: { k: 'half \ud800' } } });
    if (keepsLone) expect(await byDocument).toHaveLength(1);
    else await expect(byDocument).rejects.toMatchObject({ statusCode: 400, code: 'UNSUPPORTED_CHARACTER' });
    expect(await fx.Item.count({ name: 'lone' })).toBe(keepsLone ? inDocuments.length : 0);
  });

  it("keeps dates across the store's range exactly, and refuses one it cannot hold without writing", async () => {
    const inRange = ['1000-01-01T00:00:00.000Z', '1969-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z'];
    const beyond = [
      '0001-01-01T00:00:00.000Z',
      '0000-01-01T00:00:00.000Z',
      '-000001-06-30T12:00:00.000Z',
      '0999-12-31T23:59:59.999Z',
      '+010000-01-01T00:00:00.000Z',
      '+275760-09-13T00:00:00.000Z',
    ];
    // MySQL's DATETIME holds years 1000 to 9999; PostgreSQL's timestamptz and memory hold all of JavaScript's.
    const years = features.dateYears;
    const holds = (at: string) =>
      years === 'any' ||
      (new Date(at).getUTCFullYear() >= years.min && new Date(at).getUTCFullYear() <= years.max);
    const kept = [...inRange, ...beyond].filter(holds);
    for (const [i, at] of kept.entries()) {
      await fx.Item.create({ id: 400 + i, name: 'dated', at });
      expect((await fx.Item.findById(400 + i)).at.toISOString()).toBe(at);
      expect(await names({ at })).toEqual([400 + i]);
    }
    for (const at of [...inRange, ...beyond].filter((at) => !holds(at)))
      await expect(fx.Item.create({ id: 450, name: 'dated', at })).rejects.toMatchObject({
        statusCode: 400,
        code: 'INVALID_VALUE',
      });
    expect(await fx.Item.count({ name: 'dated' })).toBe(kept.length);
  });

  it('keeps hostile property names and path segments out of the statement', async () => {
    const seen: string[] = [];
    const connector = storeConnector(fx.ds);
    const run = connector.run;
    if (typeof run === 'function') {
      connector.run = function (this: StoreConnector, sql: string, params: unknown[], options: unknown) {
        seen.push(sql);
        return run.call(this, sql, params, options);
      };
    }
    try {
      const evil = 'x"; DROP TABLE ctitem; --';
      expect(await fx.Item.find({ where: { [evil]: 1 } })).toEqual([]);
      expect(await fx.Item.find({ where: { or: [{ [evil]: 1 }, { id: 1 }] } })).toHaveLength(1);
      // As a row without the property: equal to nothing, different from everything.
      expect(await fx.Item.count({ [evil]: { neq: 1 } })).toBe(4);
      expect(await fx.Item.count({ [evil]: null })).toBe(4);
      expect(await fx.Item.count({ [evil]: { exists: false } })).toBe(4);
      expect(await fx.Item.count({ [evil]: { like: '%' } })).toBe(0);
      expect(await fx.Item.count({ [evil]: { nin: [1] } })).toBe(4);
      expect(await fx.Item.count({ [evil]: { gt: 1 } })).toBe(0);
      expect(await fx.Item.count({ [evil]: { between: [1, 2] } })).toBe(0);
      expect(await fx.Item.count({ [evil]: { regexp: /x/ } })).toBe(0);
      expect(await names({ [`meta.${evil}`]: 1 })).toEqual([]);
      expect(await names({ "meta.a'b": { exists: true } })).toEqual([]);
      expect(json(await fx.Item.find({ fields: [evil] }))).toEqual([{}, {}, {}, {}]);
      await expect(fx.Item.find({ order: `${evil} ASC` })).rejects.toMatchObject({ statusCode: 400 });
      await fx.Item.updateAll({ id: 1 }, { [evil]: 1, name: 'still apple' }).catch(() => undefined);
      await fx.Item.create({ id: 77, [evil]: 1 }).catch(() => undefined);
      expect((await fx.Item.findById(1)).name).toMatch(/apple/);
      if (typeof run === 'function') {
        expect(seen.length).toBeGreaterThan(0);
        for (const sql of seen) expect(sql).not.toContain('DROP');
        for (const sql of seen) expect(sql).not.toContain("a'b");
      }
    } finally {
      if (typeof run === 'function') connector.run = run;
    }
    expect(await fx.Item.count({ id: { lte: 4 } })).toBe(4);
  });
}
