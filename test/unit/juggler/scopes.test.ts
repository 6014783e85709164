import { DataSource } from '../../../src/juggler/datasource';
import { createModelBuilder } from '../../../src/juggler/core-models';
import type { Connector } from '../../../src/juggler/connectors/connector';

/**
 * Default scopes (`scope` in a model's settings) and named scopes (`scopes` in settings, or
 * `Model.scope(name, filter)`), observed through the DAO on the memory store.
 */

function dataSource(): DataSource {
  return new DataSource('db', { connector: 'memory' }, createModelBuilder());
}

const PRODUCTS = [
  { name: 'apple', kind: 'fruit', price: 3, active: true },
  { name: 'bread', kind: 'bakery', price: 12, active: true },
  { name: 'cake', kind: 'bakery', price: 30, active: false },
  { name: 'date', kind: 'fruit', price: 8, active: true },
  { name: 'egg', kind: 'dairy', price: 1, active: false },
  { name: 'fig', kind: 'fruit', price: 15, active: true },
];

/** A model without a default scope, filled with PRODUCTS, to compare against. */
async function raw(ds: DataSource, name = 'RawProduct'): Promise<any> {
  const Raw: any = ds.createModel(name, {
    name: 'string',
    kind: 'string',
    price: 'number',
    active: 'boolean',
  });
  await Raw.create(PRODUCTS);
  return Raw;
}

/** Every stored row of the model, read from the connector (so no scope applies), by name. */
async function storedRows(ds: DataSource, Model: any): Promise<Record<string, any>[]> {
  const rows = await (ds.connector as Connector).find(Model.definition, {}, {});
  return rows.slice().sort((a: any, b: any) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Stores PRODUCTS as given, through the connector: a default scope's where would otherwise be
 * written into the rows on create, and the tests want rows outside the scope too.
 */
async function seed(ds: DataSource, Model: any): Promise<void> {
  for (const row of PRODUCTS) await (ds.connector as Connector).create(Model.definition, { ...row }, {});
}

function names(list: any[]): string[] {
  return list.map((p) => p.name);
}

describe('default scope', () => {
  async function setup(scope: Record<string, unknown>) {
    const ds = dataSource();
    const Product: any = ds.createModel(
      'Product',
      { name: 'string', kind: 'string', price: 'number', active: 'boolean' },
      { scope },
    );
    await seed(ds, Product);
    return { ds, Product };
  }

  it('ands its where with the query where (find, findOne, count)', async () => {
    const { Product } = await setup({ where: { active: true } });
    expect(names(await Product.find({ order: 'name ASC' }))).toEqual(['apple', 'bread', 'date', 'fig']);
    expect(names(await Product.find({ where: { kind: 'bakery' } }))).toEqual(['bread']);
    expect(names(await Product.find({ where: { or: [{ kind: 'dairy' }, { price: { gt: 20 } }] } }))).toEqual(
      [],
    );
    // The query cannot widen the scope: contradicting it finds nothing.
    expect(await Product.find({ where: { active: false } })).toEqual([]);
    expect(await Product.findOne({ where: { name: 'cake' } })).toBeNull();
    expect((await Product.findOne({ where: { kind: 'fruit' }, order: 'price DESC' })).name).toBe('fig');
    expect(await Product.count()).toBe(4);
    expect(await Product.count({ kind: 'fruit' })).toBe(3);
    expect(await Product.count({ active: false })).toBe(0);
    // The scope's where applies to a filter given as JSON text as well.
    expect(names(await Product.find('{"where":{"price":{"lt":10}},"order":"price ASC"}'))).toEqual([
      'apple',
      'date',
    ]);
  });

  it('hides rows outside the scope from findById, exists, findByIds', async () => {
    const { Product } = await setup({ where: { active: true } });
    expect((await Product.findById(1)).name).toBe('apple');
    expect(await Product.findById(3)).toBeNull();
    expect(await Product.exists(3)).toBe(false);
    expect(await Product.exists(2)).toBe(true);
    expect(names(await Product.findByIds([5, 4, 3, 1]))).toEqual(['date', 'apple']);
  });

  it('limits updateAll and destroyAll to the scope', async () => {
    const { ds, Product } = await setup({ where: { active: true } });
    expect((await Product.updateAll({ kind: 'bakery' }, { price: 99 })).count).toBe(1);
    expect((await Product.destroyAll({ kind: 'dairy' })).count).toBe(0);
    expect((await Product.destroyAll({ price: { lt: 10 } })).count).toBe(2);
    // Seen without the scope, straight from the store: the inactive rows are untouched.
    const rows = await storedRows(ds, Product);
    expect(rows.map((r) => [r.name, r.price])).toEqual([
      ['bread', 99],
      ['cake', 30],
      ['egg', 1],
      ['fig', 15],
    ]);
  });

  it('a scope where with operators, and-ed with the query where on the same property', async () => {
    const { Product } = await setup({ where: { price: { gte: 5 } } });
    expect(names(await Product.find({ where: { price: { lte: 12 } }, order: 'price ASC' }))).toEqual([
      'date',
      'bread',
    ]);
    expect(names(await Product.find({ where: { price: 3 } }))).toEqual([]);
    expect(await Product.count({ or: [{ name: 'egg' }, { name: 'fig' }] })).toBe(1);
  });

  it('supplies its order when the query gives none; the query order wins', async () => {
    const { Product } = await setup({ where: { kind: 'fruit' }, order: 'price DESC' });
    expect(names(await Product.find())).toEqual(['fig', 'date', 'apple']);
    expect(names(await Product.find({ where: { price: { lt: 10 } } }))).toEqual(['date', 'apple']);
    expect(names(await Product.find({ order: 'name ASC' }))).toEqual(['apple', 'date', 'fig']);
    expect((await Product.findOne()).name).toBe('fig');
  });

  it('supplies its limit and skip when the query gives none', async () => {
    const { Product } = await setup({ order: 'price ASC', limit: 2 });
    expect(names(await Product.find())).toEqual(['egg', 'apple']);
    expect(names(await Product.find({ where: { kind: 'fruit' } }))).toEqual(['apple', 'date']);
    const { Product: Skipping } = await (async () => {
      const ds = dataSource();
      const P: any = ds.createModel(
        'P2',
        { name: 'string', price: 'number' },
        { scope: { order: 'price ASC', skip: 1 } },
      );
      await P.create(PRODUCTS.map(({ name, price }) => ({ name, price })));
      return { Product: P };
    })();
    expect(names(await Skipping.find({ limit: 2 }))).toEqual(['apple', 'date']);
    // count ignores order, limit and skip: it counts every row the scope's where admits.
    expect(await Product.count()).toBe(PRODUCTS.length);
    expect(await Skipping.count()).toBe(PRODUCTS.length);
  });

  it('supplies its fields when the query gives none', async () => {
    const { Product } = await setup({ where: { kind: 'dairy' }, fields: ['name', 'price'] });
    expect((await Product.find()).map((p: any) => p.toJSON())).toEqual([{ name: 'egg', price: 1 }]);
  });

  it('is applied before the access hook, which sees the merged query', async () => {
    const { Product } = await setup({ where: { active: true } });
    const seen: any[] = [];
    Product.observe('access', async (ctx: any) => {
      seen.push(JSON.parse(JSON.stringify(ctx.query)));
    });
    expect(names(await Product.find({ where: { kind: 'bakery' } }))).toEqual(['bread']);
    expect(seen).toHaveLength(1);
    expect(seen[0].where.and).toEqual(expect.arrayContaining([{ active: true }, { kind: 'bakery' }]));
    expect(seen[0].where.and).toHaveLength(2);
  });

  it('rejects an invalid query filter with 400 even when a scope applies', async () => {
    const { Product } = await setup({ where: { active: true }, order: 'name ASC' });
    await expect(Product.find({ where: { price: { foo: 1 } } })).rejects.toMatchObject({
      statusCode: 400,
      code: 'INVALID_FILTER',
    });
    await expect(Product.find({ limit: 'abc' })).rejects.toMatchObject({
      statusCode: 400,
      code: 'INVALID_FILTER',
    });
    await expect(Product.count({ constructor: 1 })).rejects.toMatchObject({
      statusCode: 400,
      code: 'INVALID_FILTER',
    });
    expect(await Product.count()).toBe(4);
  });

  it('writes the scope where equalities into created instances when the data lacks them (as LB3)', async () => {
    const ds = dataSource();
    const Task: any = ds.createModel(
      'Task',
      { title: 'string', owner: 'string', done: 'boolean', prio: 'number' },
      { scope: { where: { owner: 'ann', done: false } } },
    );
    const one = await Task.create({ title: 'write tests' });
    expect(one.owner).toBe('ann');
    expect(one.done).toBe(false);
    expect(one.toJSON()).toEqual({ title: 'write tests', owner: 'ann', done: false, id: 1 });
    const many = await Task.create([{ title: 'a' }, { title: 'b', prio: 2 }]);
    expect(many.map((t: any) => [t.owner, t.done])).toEqual([
      ['ann', false],
      ['ann', false],
    ]);
    // So created instances are found through the scope afterwards.
    expect((await Task.find({ order: 'id ASC' })).map((t: any) => t.title)).toEqual([
      'write tests',
      'a',
      'b',
    ]);
    expect(await Task.count()).toBe(3);
    const [found, created] = await Task.findOrCreate({ where: { title: 'c' } }, { title: 'c' });
    expect(created).toBe(true);
    expect(found.owner).toBe('ann');
    expect(await Task.count({ title: 'c' })).toBe(1);
  });

  it('does not write scope conditions that are not plain equalities (as LB3)', async () => {
    const ds = dataSource();
    const Q: any = ds.createModel(
      'Q',
      { name: 'string', kind: 'string', n: 'number' },
      { scope: { where: { kind: { inq: ['a', 'b'] }, n: { gt: 1 }, or: [{ name: 'x' }] } } },
    );
    const made = await Q.create({ name: 'z' });
    expect(made.toJSON()).toEqual({ name: 'z', id: 1 });
    // Not matching the scope, it is not found through it.
    expect(await Q.count()).toBe(0);
  });

  it('an empty scope changes nothing', async () => {
    const ds = dataSource();
    const Raw = await raw(ds);
    const Empty: any = ds.createModel(
      'Empty',
      { name: 'string', kind: 'string', price: 'number', active: 'boolean' },
      { scope: {} },
    );
    await Empty.create(PRODUCTS);
    expect(names(await Empty.find({ order: 'name ASC' }))).toEqual(
      names(await Raw.find({ order: 'name ASC' })),
    );
    expect(await Empty.count()).toBe(PRODUCTS.length);
    const blankWhere: any = ds.createModel('BlankWhere', { name: 'string' }, { scope: { where: {} } });
    await blankWhere.create([{ name: 'x' }, { name: 'y' }]);
    expect(await blankWhere.count({ name: 'x' })).toBe(1);
  });
});

describe('named scopes', () => {
  async function setup() {
    const ds = dataSource();
    const Product: any = ds.createModel(
      'Product',
      { name: 'string', kind: 'string', price: 'number', active: 'boolean' },
      {
        scopes: {
          fruit: { where: { kind: 'fruit' }, order: 'price DESC' },
          cheap: { where: { price: { lt: 10 } } },
          topTwo: { order: 'price DESC', limit: 2 },
        },
      },
    );
    await Product.create(PRODUCTS);
    return { ds, Product };
  }

  it('become static methods returning the matching rows', async () => {
    const { Product } = await setup();
    expect(typeof Product.fruit).toBe('function');
    expect(names(await Product.fruit())).toEqual(['fig', 'date', 'apple']);
    expect(names(await Product.fruit.find())).toEqual(['fig', 'date', 'apple']);
    expect((await Product.cheap()).map((p: any) => p.name).sort()).toEqual(['apple', 'date', 'egg']);
    expect(names(await Product.topTwo())).toEqual(['cake', 'fig']);
    // They are not enumerable statics, and a model without them does not get them.
    expect(Object.keys(Product)).not.toContain('fruit');
    const Other: any = dataSource().createModel('Other', { name: 'string' });
    expect(Other.fruit).toBeUndefined();
  });

  it('merge an extra filter: where and-ed, the caller order wins, the scope order/limit used otherwise', async () => {
    const { Product } = await setup();
    expect(names(await Product.fruit({ where: { active: true, price: { gt: 5 } } }))).toEqual([
      'fig',
      'date',
    ]);
    expect(names(await Product.fruit({ where: { kind: 'bakery' } }))).toEqual([]);
    expect(names(await Product.fruit({ order: 'name ASC' }))).toEqual(['apple', 'date', 'fig']);
    expect(names(await Product.fruit({ limit: 1 }))).toEqual(['fig']);
    expect(names(await Product.fruit({ skip: 1 }))).toEqual(['date', 'apple']);
    expect((await Product.fruit({ fields: ['name'] })).map((p: any) => p.toJSON())).toEqual([
      { name: 'fig' },
      { name: 'date' },
      { name: 'apple' },
    ]);
    expect(names(await Product.cheap({ where: { price: { gt: 2 } }, order: 'price ASC' }))).toEqual([
      'apple',
      'date',
    ]);
    expect(names(await Product.topTwo({ where: { kind: 'fruit' } }))).toEqual(['fig', 'date']);
    expect(names(await Product.cheap('{"where":{"active":false}}'))).toEqual(['egg']);
  });

  it('count, updateAll and destroyAll within the scope', async () => {
    const { Product } = await setup();
    expect(await Product.fruit.count()).toBe(3);
    expect(await Product.fruit.count({ active: true, price: { lt: 10 } })).toBe(2);
    expect(await Product.cheap.count({ kind: 'bakery' })).toBe(0);
    expect((await Product.cheap.updateAll({ kind: 'fruit' }, { active: false })).count).toBe(2);
    expect(names(await Product.find({ where: { active: false }, order: 'name ASC' }))).toEqual([
      'apple',
      'cake',
      'date',
      'egg',
    ]);
    expect((await Product.cheap.destroyAll()).count).toBe(3);
    expect(names(await Product.find({ order: 'name ASC' }))).toEqual(['bread', 'cake', 'fig']);
  });

  it('create through a scope writes the scope where equalities (the scope wins, as LB3)', async () => {
    const { Product } = await setup();
    const made = await Product.fruit.create({ name: 'grape', price: 4 });
    expect(made.kind).toBe('fruit');
    const forced = await Product.fruit.create({ name: 'kiwi', kind: 'bakery' });
    expect(forced.kind).toBe('fruit');
    expect(
      names(await Product.fruit({ where: { name: { inq: ['grape', 'kiwi'] } }, order: 'name ASC' })),
    ).toEqual(['grape', 'kiwi']);
    // A scope with no plain equality leaves the data as given.
    const cheap = await Product.cheap.create({ name: 'lemon', price: 50 });
    expect(cheap.price).toBe(50);
    expect(await Product.cheap.count({ name: 'lemon' })).toBe(0);
  });

  it('accept node callbacks', async () => {
    const { Product } = await setup();
    const viaCb = await new Promise<string[]>((resolve, reject) =>
      Product.fruit({ where: { price: { lt: 5 } } }, (err: Error | null, list: any[]) =>
        err ? reject(err) : resolve(names(list)),
      ),
    );
    expect(viaCb).toEqual(['apple']);
    const noFilter = await new Promise<string[]>((resolve, reject) =>
      Product.fruit((err: Error | null, list: any[]) => (err ? reject(err) : resolve(names(list)))),
    );
    expect(noFilter).toEqual(['fig', 'date', 'apple']);
    const n = await new Promise<number>((resolve, reject) =>
      Product.fruit.count((err: Error | null, c: number) => (err ? reject(err) : resolve(c))),
    );
    expect(n).toBe(3);
  });

  it('reject an invalid extra filter with 400 INVALID_FILTER and change nothing', async () => {
    const { Product } = await setup();
    await expect(Product.fruit({ where: { price: { foo: 1 } } })).rejects.toMatchObject({
      statusCode: 400,
      code: 'INVALID_FILTER',
    });
    await expect(Product.fruit({ limit: -1 })).rejects.toMatchObject({
      statusCode: 400,
      code: 'INVALID_FILTER',
    });
    await expect(Product.fruit('{not json')).rejects.toMatchObject({
      statusCode: 400,
      code: 'INVALID_FILTER',
    });
    await expect(Product.cheap.destroyAll({ prototype: 1 })).rejects.toMatchObject({
      statusCode: 400,
      code: 'INVALID_FILTER',
    });
    await expect(Product.cheap.updateAll({ price: { foo: 1 } }, { price: 0 })).rejects.toMatchObject({
      statusCode: 400,
      code: 'INVALID_FILTER',
    });
    const rejected = await new Promise<any>((resolve) =>
      Product.fruit({ limit: 'abc' }, (err: any) => resolve(err)),
    );
    expect(rejected).toMatchObject({ statusCode: 400, code: 'INVALID_FILTER' });
    expect(await Product.count()).toBe(PRODUCTS.length);
    expect(await Product.count({ price: 0 })).toBe(0);
  });

  it('Model.scope(name, filter) defines one programmatically; redefining replaces it', async () => {
    const { Product } = await setup();
    Product.scope('bakery', { where: { kind: 'bakery' }, order: 'name ASC' });
    expect(names(await Product.bakery())).toEqual(['bread', 'cake']);
    expect(names(await Product.bakery({ where: { active: true } }))).toEqual(['bread']);
    expect(await Product.bakery.count()).toBe(2);
    Product.scope('bakery', { where: { kind: 'bakery', active: false } });
    expect(names(await Product.bakery())).toEqual(['cake']);
    Product.scope('expensive', { where: { price: { gte: 15 } }, order: 'price ASC' });
    expect(names(await Product.expensive())).toEqual(['fig', 'cake']);
    const made = await Product.bakery.create({ name: 'bun', price: 2 });
    expect([made.kind, made.active]).toEqual(['bakery', false]);
  });

  it('combine with the model default scope', async () => {
    const ds = dataSource();
    const Product: any = ds.createModel(
      'Product',
      { name: 'string', kind: 'string', price: 'number', active: 'boolean' },
      {
        scope: { where: { active: true } },
        scopes: { fruit: { where: { kind: 'fruit' }, order: 'name ASC' } },
      },
    );
    await seed(ds, Product);
    expect(names(await Product.fruit())).toEqual(['apple', 'date', 'fig']);
    expect(names(await Product.fruit({ where: { price: { lt: 10 } } }))).toEqual(['apple', 'date']);
    expect(await Product.fruit.count()).toBe(3);
    expect((await Product.fruit.destroyAll({ price: { gt: 10 } })).count).toBe(1);
    const made = await Product.fruit.create({ name: 'lime' });
    expect([made.kind, made.active]).toEqual(['fruit', true]);
    Product.scope('bakery', { where: { kind: 'bakery' } });
    expect(names(await Product.bakery())).toEqual(['bread']);
  });
});

describe('the default scope where LB3 lets the scope win', () => {
  function scoped(scope: Record<string, unknown>): any {
    return dataSource().createModel(
      'Kept',
      { name: 'string', kind: 'string', active: 'boolean', n: 'number' },
      { scope } as any,
    );
  }

  it('writes its equalities over the data on create, including those inside `and`', async () => {
    const M = scoped({ where: { and: [{ active: true }, { kind: 'a' }] } });
    const made = await M.create({ name: 'x', active: false, kind: 'b' });
    expect([made.active, made.kind]).toEqual([true, 'a']);
  });

  it('keeps updateAll from moving rows out of the scope', async () => {
    const M = scoped({ where: { active: true } });
    await M.create({ name: 'a' });
    expect(await M.updateAll({ name: 'a' }, { name: 'b', active: false })).toEqual({ count: 1 });
    expect((await M.find()).map((m: any) => [m.name, m.active])).toEqual([['b', true]]);
  });

  it('lets its limit, skip and fields override the query’s, while the query’s order wins', async () => {
    const M = scoped({ limit: 2, order: 'n DESC', fields: ['n'] });
    await M.create([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect((await M.find({ limit: 10 })).map((m: any) => m.toJSON())).toEqual([{ n: 3 }, { n: 2 }]);
    expect((await M.find({ order: 'n ASC' })).map((m: any) => m.n)).toEqual([1, 2]);
  });
});
