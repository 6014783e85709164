import { json, present, type SuiteFixture } from './fixture';

/** Filters, ordering, paging and the plain writes, answered alike by every store. */
export function defineQueryCases(fx: SuiteFixture): void {
  const { it, expect, features } = fx;
  const names = fx.ids;

  it('round-trips every type', async () => {
    expect(json(await fx.Item.findById(1))).toEqual({
      id: 1,
      name: 'apple',
      qty: 5,
      price: 1.25,
      active: true,
      at: '2020-01-01T00:00:00.000Z',
      meta: { color: 'red', size: 2 },
      tags: ['fruit', 'red'],
    });
    const four = await fx.Item.findById(4);
    expect(present(four)).toEqual({ id: 4, price: 3 });
    expect([four.name, four.qty, four.active]).toEqual([null, null, null]);
    expect((await fx.Item.findById(3)).at).toBeInstanceOf(Date);
    expect((await fx.Item.findById(2)).active).toBe(false);
  });

  it('reads lists and field lists alike: any order, unknown and repeated names, mapped columns', async () => {
    const byId = json(await fx.Item.findById(1));
    const listed = await fx.Item.find({ where: { id: { inq: [1, 4] } }, order: 'id ASC' });
    expect([json(listed[0]), present(listed[1])]).toEqual([byId, { id: 4, price: 3 }]);
    expect([listed[1].name, listed[1].qty, listed[1].active]).toEqual([null, null, null]);
    expect(listed[0].at).toBeInstanceOf(Date);
    // The same list, its fields named in another order (with a name the model lacks, and one twice).
    const picked = await fx.Item.find({
      fields: ['meta', 'nope', 'active', 'id', 'at', 'active'],
      where: { id: { lt: 3 } },
      order: 'id DESC',
    });
    expect(picked.map(json)).toEqual([
      { meta: { color: 'yellow', size: 3 }, active: false, id: 2, at: '2021-06-15T12:30:00.000Z' },
      { meta: { color: 'red', size: 2 }, active: true, id: 1, at: '2020-01-01T00:00:00.000Z' },
    ]);
    expect(picked[0].active).toBe(false);
    expect(json(await fx.Item.find({ fields: ['nope'], where: { id: 1 } }))).toEqual([{}]);
    // Finds by id, however asked.
    expect((await fx.Item.find({ where: { id: 2 }, limit: 1 })).map(json)).toEqual([
      json(await fx.Item.findById(2)),
    ]);
    expect((await fx.Item.find({ where: { id: 3 } })).map((i: any) => i.name)).toEqual(['cherry pie']);
    expect(await fx.Item.find({ where: { id: 99 }, limit: 1 })).toEqual([]);
    expect(json(await fx.Item.findOne({ where: { id: 1 } }))).toEqual(byId);
    expect(await fx.Item.find({ where: { id: 1 }, skip: 1 })).toEqual([]);
    // A property kept under a column of another name reads back under the property's name.
    await fx.Mapped.destroyAll();
    const made = await fx.Mapped.create({ fullName: 'Ada Lovelace', code: 'a1', email: 'ada@example.com' });
    expect(json(await fx.Mapped.findById(made.id))).toEqual({
      id: made.id,
      fullName: 'Ada Lovelace',
      code: 'a1',
      email: 'ada@example.com',
    });
    expect(json(await fx.Mapped.find({ fields: ['code', 'fullName'] }))).toEqual([
      { code: 'a1', fullName: 'Ada Lovelace' },
    ]);
  });

  it('answers every where operator as the other stores do', async () => {
    expect(await names({ name: 'apple' })).toEqual([1]);
    expect(await names({ name: null })).toEqual([4]);
    expect(await names({ qty: { neq: 5 } })).toEqual([2, 3, 4]);
    expect(await names({ qty: { gt: 0 } })).toEqual([1, 3]);
    expect(await names({ qty: { gte: 5, lte: 12 } })).toEqual([1, 3]);
    expect(await names({ price: { lt: 1.25 } })).toEqual([2]);
    expect(await names({ price: { between: [1, 4] } })).toEqual([1, 4]);
    expect(await names({ id: { inq: [2, 3, 99] } })).toEqual([2, 3]);
    expect(await names({ id: { inq: [] } })).toEqual([]);
    expect(await names({ id: { nin: [1, 2] } })).toEqual([3, 4]);
    expect(await names({ name: { like: 'c%' } })).toEqual([3]);
    expect(await names({ name: { like: '_pple' } })).toEqual([1]);
    expect(await names({ name: { nlike: '%a%' } })).toEqual([3, 4]);
    expect(await names({ name: { ilike: 'b%' } })).toEqual([2]);
    expect(await names({ name: { nilike: 'B%' } })).toEqual([1, 3, 4]);
    expect(await names({ name: { regexp: '^[ab]' } })).toEqual([1]);
    expect(await names({ name: { regexp: /^[ab]/i } })).toEqual([1, 2]);
    expect(await names({ qty: { exists: true } })).toEqual([1, 2, 3]);
    expect(await names({ qty: { exists: false } })).toEqual([4]);
    expect(
      await names({ or: [{ name: 'apple' }, { and: [{ active: true }, { qty: { gt: 10 } }] }] }),
    ).toEqual([1, 3]);
    expect(await names({ active: true, price: { gt: 2 } })).toEqual([3]);
    expect(await names({ at: { gt: '2021-01-01T00:00:00.000Z' } })).toEqual([2, 3]);
    expect(await names({ 'meta.color': 'red' })).toEqual([1, 3]);
  });

  it('orders, pages and projects', async () => {
    expect((await fx.Item.find({ order: 'price DESC', limit: 2 })).map((i: any) => i.id)).toEqual([3, 4]);
    expect(
      (await fx.Item.find({ order: ['active DESC', 'id DESC'], where: { active: { neq: null } } })).map(
        (i: any) => i.id,
      ),
    ).toEqual([3, 1, 2]);
    expect((await fx.Item.find({ order: 'id ASC', skip: 1, limit: 2 })).map((i: any) => i.id)).toEqual([
      2, 3,
    ]);
    expect((await fx.Item.find({ order: 'id ASC', offset: 3 })).map((i: any) => i.id)).toEqual([4]);
    expect(
      present(await fx.Item.find({ fields: ['name'], where: { id: { lt: 3 } }, order: 'id ASC' })),
    ).toEqual([{ name: 'apple' }, { name: 'Banana' }]);
    expect(json(await fx.Item.findOne({ where: { qty: { gt: 1 } }, order: 'qty DESC' })).id).toBe(3);
    expect(await fx.Item.count()).toBe(4);
    expect(await fx.Item.count({ active: true })).toBe(2);
  });

  it('writes: update, upsert, replace, findOrCreate, destroy, with counts', async () => {
    expect(await fx.Item.updateAll({ active: true }, { qty: 100 })).toEqual({ count: 2 });
    expect(await names({ qty: 100 })).toEqual([1, 3]);
    const up = await fx.Item.upsert({ id: 2, name: 'banana' });
    expect(json(up)).toMatchObject({ id: 2, name: 'banana', qty: 0 });
    const created = await fx.Item.upsert({ id: 10, name: 'new' });
    expect(created.id).toBe(10);
    const replaced = await fx.Item.replaceById(1, { name: 'only name' });
    expect(present(replaced)).toEqual({ id: 1, name: 'only name' });
    const [found, wasCreated] = await fx.Item.findOrCreate(
      { where: { name: 'new' } },
      { id: 11, name: 'new' },
    );
    expect([found.id, wasCreated]).toEqual([10, false]);
    const inst = await fx.Item.findById(3);
    await inst.patchAttributes({ price: 8 });
    expect((await fx.Item.findById(3)).price).toBe(8);
    expect(await fx.Item.destroyById(3)).toEqual({ count: 1 });
    expect(await fx.Item.destroyAll({ id: { gt: 9 } })).toEqual({ count: 1 });
    expect(await fx.Item.count()).toBe(3);
  });

  it('refuses a duplicate id with 409 DUPLICATE_ID and keeps the row', async () => {
    await expect(fx.Item.create({ id: 1, name: 'again' })).rejects.toMatchObject({
      statusCode: 409,
      code: 'DUPLICATE_ID',
    });
    expect((await fx.Item.findById(1)).name).toBe('apple');
  });

  it('stores and matches SQL metacharacters literally, in values and in every filter position', async () => {
    const hostile = [
      '\'; DROP TABLE "CtItem"; --',
      'a" OR "1"="1',
      'back\\slash',
      '100% _sure_',
      'ünïcødé ✓ 𝄞',
      '`tick`',
    ];
    await fx.Item.create(hostile.map((name, i) => ({ id: 100 + i, name, meta: { note: name } })));
    for (const [i, name] of hostile.entries()) {
      expect(await names({ name })).toEqual([100 + i]);
      expect(await names({ name: { inq: [name] } })).toEqual([100 + i]);
      expect(await names({ 'meta.note': name })).toEqual([100 + i]);
      expect(json(await fx.Item.findById(100 + i)).name).toBe(name);
    }
    expect(await names({ name: { like: '100\\% %' } })).toEqual([103]);
    expect(await fx.Item.count()).toBe(4 + hostile.length);
  });

  it('never sends unknown property names to the store', async () => {
    expect(await fx.Item.find({ where: { 'nope; DROP TABLE x': 1 } })).toEqual([]);
    await expect(fx.Item.find({ order: 'name; DROP TABLE x' })).rejects.toMatchObject({ statusCode: 400 });
    expect(await fx.Item.count()).toBe(4);
  });

  it('includes hasMany, belongsTo and hasMany-through', async () => {
    await fx.Tagging.destroyAll();
    await fx.Pet.destroyAll();
    await fx.Owner.destroyAll();
    await fx.Tag.destroyAll();
    const ann = await fx.Owner.create({ name: 'Ann' });
    const bob = await fx.Owner.create({ name: 'Bob' });
    await ann.pets.create([{ name: 'Rex' }, { name: 'Tom' }]);
    await bob.pets.create({ name: 'Kit' });
    const [t1, t2] = await fx.Tag.create([{ label: 'x' }, { label: 'y' }]);
    await ann.tags.add(t1);
    await ann.tags.add(t2);
    await bob.tags.add(t2);
    const owners = await fx.Owner.find({ include: ['pets', 'tags'], order: 'name ASC' });
    expect(
      json(owners).map((o: any) => [o.name, o.pets.map((p: any) => p.name), o.tags.map((t: any) => t.label)]),
    ).toEqual([
      ['Ann', ['Rex', 'Tom'], ['x', 'y']],
      ['Bob', ['Kit'], ['y']],
    ]);
    const pets = await fx.Pet.find({ include: 'owner', order: 'name ASC' });
    expect(json(pets).map((p: any) => [p.name, p.owner.name])).toEqual([
      ['Kit', 'Bob'],
      ['Rex', 'Ann'],
      ['Tom', 'Ann'],
    ]);
  });

  it('compares strings exactly: case, trailing spaces and code-unit order', async () => {
    await fx.Item.create([
      { id: 20, name: 'Zed' },
      { id: 21, name: 'apple ' },
    ]);
    expect(await names({ name: 'APPLE' })).toEqual([]);
    expect(await names({ name: 'apple' })).toEqual([1]);
    expect(await names({ name: 'apple ' })).toEqual([21]);
    expect(await names({ name: { like: 'A%' } })).toEqual([]);
    expect(await names({ name: { like: 'b%' } })).toEqual([]);
    expect(await names({ name: { inq: ['banana', 'Banana'] } })).toEqual([2]);
    expect(await names({ 'meta.color': 'RED' })).toEqual([]);
    expect(await names({ name: { gt: 'Zed' } })).toEqual([1, 3, 21]);
    expect(
      (await fx.Item.find({ order: 'name ASC', where: { name: { neq: null } } })).map((i: any) => i.name),
    ).toEqual(['Banana', 'Zed', 'apple', 'apple ', 'cherry pie']);
  });

  it('sorts null first ascending and last descending, as the memory store', async () => {
    expect((await fx.Item.find({ order: 'qty ASC' })).map((i: any) => i.id)).toEqual([4, 2, 1, 3]);
    expect((await fx.Item.find({ order: 'qty DESC' })).map((i: any) => i.id)).toEqual([3, 1, 2, 4]);
    expect((await fx.Item.find({ order: 'name DESC', limit: 1, skip: 3 })).map((i: any) => i.id)).toEqual([
      4,
    ]);
  });

  it('handles null and false distinctly in where, writes and lists', async () => {
    expect(await names({ active: false })).toEqual([2]);
    expect(await names({ active: { neq: true } })).toEqual([2, 4]);
    expect(await names({ active: { neq: null } })).toEqual([1, 2, 3]);
    expect(await names({ active: { eq: null } })).toEqual([4]);
    expect(await names({ qty: { inq: [null, 5] } })).toEqual([1, 4]);
    expect(await names({ qty: { nin: [null, 5] } })).toEqual([2, 3]);
    expect(await names({ qty: { nin: [] } })).toEqual([1, 2, 3, 4]);
    expect(await names({ qty: 0 })).toEqual([2]);
    expect(await names({ name: '' })).toEqual([]);
    await fx.Item.updateAll({ id: 1 }, { qty: null, meta: null, tags: null });
    const one = await fx.Item.findById(1);
    expect([one.qty, one.meta, one.tags]).toEqual([null, null, null]);
    expect(await names({ meta: { exists: false } })).toEqual([1, 4]);
  });

  it('walks dotted paths into objects with typed comparisons', async () => {
    expect(await names({ 'meta.size': 3 })).toEqual([2]);
    expect(await names({ 'meta.size': { gt: 2 } })).toEqual([2, 3]);
    expect(await names({ 'meta.size': { lt: 3 } })).toEqual([1]);
    expect(await names({ 'meta.size': { between: [2, 3] } })).toEqual([1, 2]);
    expect(await names({ 'meta.size': { inq: [2, 10] } })).toEqual([1, 3]);
    expect(await names({ 'meta.color': { neq: 'red' } })).toEqual([2, 4]);
    expect(await names({ 'meta.color': { like: 'y%' } })).toEqual([2]);
    expect(await names({ 'meta.missing': { exists: true } })).toEqual([]);
    expect(
      (await fx.Item.find({ order: 'meta.size DESC', where: { meta: { neq: null } } })).map((i: any) => i.id),
    ).toEqual([3, 2, 1]);
  });

  it('compares whole documents, and array properties by element, as the memory store does', async () => {
    expect(await names({ tags: 'fruit' })).toEqual([1, 2]);
    expect(await names({ tags: { eq: 'red' } })).toEqual([1]);
    expect(await names({ tags: { inq: ['red', 'none'] } })).toEqual([1]);
    expect(await names({ tags: { neq: 'red' } })).toEqual([2, 3, 4]);
    expect(await names({ tags: { nin: ['red', 'fruit'] } })).toEqual([3, 4]);
    expect(await names({ meta: { color: 'red', size: 2 } })).toEqual([1]);
    expect(await names({ meta: { neq: { color: 'red', size: 2 } } })).toEqual([2, 3, 4]);
    expect(await names({ meta: { inq: [{ color: 'red', size: 10 }] } })).toEqual([3]);
    // A document that matches nothing must not turn into "every row" (this once deleted them all).
    expect(await fx.Item.destroyAll({ meta: { color: 'nope' } })).toEqual({ count: 0 });
    expect(await fx.Item.updateAll({ meta: { color: 'red' } }, { qty: 1 })).toEqual({ count: 0 });
    expect(await fx.Item.count()).toBe(4);
    // Inside a document strings match strings only, numbers numbers only.
    expect(await names({ 'meta.size': '2' })).toEqual([]);
    expect(await names({ 'meta.color': { like: 'r%' } })).toEqual([1, 3]);
    expect(await names({ 'meta.color': { regexp: /^YEL/i } })).toEqual([2]);
    expect(await names({ name: { like: 'B%', options: 'i' } })).toEqual([2]);
    if (features.refusesDocumentOrdering) {
      // Ordering and patterns have no portable meaning on a whole document: a clear 400, not a 500.
      await expect(fx.Item.find({ where: { meta: { gt: 1 } } })).rejects.toMatchObject({
        statusCode: 400,
        code: 'INVALID_FILTER',
      });
      await expect(fx.Item.find({ where: { tags: { like: 'f%' } } })).rejects.toMatchObject({
        statusCode: 400,
        code: 'INVALID_FILTER',
      });
    }
  });
}
