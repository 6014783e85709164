import { DataSource } from '../../../src/juggler/datasource';
import { createModelBuilder } from '../../../src/juggler/core-models';

function setup() {
  const ds = new DataSource('db', { connector: 'memory' }, createModelBuilder());
  const Customer: any = ds.createModel(
    'Customer',
    {
      name: { type: 'string', required: true },
      email: 'string',
      age: 'number',
      vip: { type: 'boolean', default: false },
      password: { type: 'string' },
    },
    { hidden: ['password'], scopes: { vips: { where: { vip: true } } } },
  );
  return { ds, Customer };
}

describe('PersistedModel data access', () => {
  it('creates one or many and returns instances with generated ids', async () => {
    const { Customer } = setup();
    const one = await Customer.create({ name: 'Ann', age: '30' });
    expect(one).toBeInstanceOf(Customer);
    expect(one.toJSON()).toEqual({ name: 'Ann', age: 30, vip: false, id: 1 });
    expect(one.isNewRecord()).toBe(false);
    const many = await Customer.create([{ name: 'Bob' }, { name: 'Cy' }]);
    expect(many.map((c: any) => c.id)).toEqual([2, 3]);
  });

  it('calls back the instance beside the error when validation, the store or an after-save observer refuses a create (LB3), not a batch', async () => {
    const ds = new DataSource('db', { connector: 'memory' }, createModelBuilder());
    const Customer: any = ds.createModel('Pen', {
      id: { type: 'number', id: true },
      name: { type: 'string', required: true },
      email: 'string',
    });
    const answer = (data: unknown) =>
      new Promise<[any, any]>((resolve) =>
        Customer.create(data, (err: Error | null, inst?: any) => resolve([err, inst])),
      );
    let [err, inst] = await answer({ email: 'no-name' });
    expect(err).toMatchObject({ statusCode: 422 });
    expect(inst).toBeInstanceOf(Customer);
    expect(inst.email).toBe('no-name');

    await Customer.create({ id: 7, name: 'Ann' });
    [err, inst] = await answer({ id: 7, name: 'Dup' });
    expect(err).toBeTruthy();
    expect([inst.id, inst.name]).toEqual([7, 'Dup']);

    const refusal = new Error('after save refused');
    Customer.observe('after save', async () => {
      throw refusal;
    });
    [err, inst] = await answer({ name: 'Cy' });
    expect(err).toBe(refusal);
    expect(inst.name).toBe('Cy');
    [err, inst] = await answer([{ name: 'Di' }]);
    expect(err).toBe(refusal);
    expect(inst).toBeUndefined();
    await expect(Customer.create({ name: 'Ed' })).rejects.toBe(refusal);
  });

  it('returns Bluebird promises and supports node callbacks', async () => {
    const { Customer } = setup();
    const p = Customer.create({ name: 'Ann' });
    // Bluebird's API (LB3 made it part of its contract): spread, tap, asCallback…
    expect(typeof p.spread).toBe('function');
    expect(typeof p.tap).toBe('function');
    expect(typeof p.asCallback).toBe('function');
    await p;
    const viaCb = await new Promise<any[]>((resolve, reject) =>
      Customer.find({}, (err: Error | null, list: any[]) => (err ? reject(err) : resolve(list))),
    );
    expect(viaCb).toHaveLength(1);
    const [inst, created] = await Customer.findOrCreate({ where: { name: 'Zed' } }, { name: 'Zed' });
    expect(created).toBe(true);
    expect(inst.name).toBe('Zed');
    const spread = await new Promise<unknown[]>((resolve) =>
      Customer.findOrCreate({ where: { name: 'Zed' } }, { name: 'Zed' }, (_e: unknown, i: any, c: boolean) =>
        resolve([i.id, c]),
      ),
    );
    expect(spread).toEqual([2, false]);
  });

  it('rejects invalid data with a 422 ValidationError and writes nothing', async () => {
    const { Customer } = setup();
    const err = await Customer.create({ age: 3 }).catch((e: any) => e);
    expect(err.name).toBe('ValidationError');
    expect(err.statusCode).toBe(422);
    expect(err.details).toEqual({
      context: 'Customer',
      codes: { name: ['presence'] },
      messages: { name: ["can't be blank"] },
    });
    expect(err.message).toBe(
      "The `Customer` instance is not valid. Details: `name` can't be blank (value: undefined).",
    );
    const forced = await Customer.create({ id: 99, name: 'x' }).catch((e: any) => e);
    expect(forced.details.codes).toEqual({ id: ['absence'] });
    const typed = await Customer.create({ name: 'x', age: 'abc' }).catch((e: any) => e);
    expect(typed.statusCode).toBe(422);
    expect(typed.details.codes.age).toEqual(['type']);
    const batch = await Customer.create([{ name: 'ok' }, {}]).catch((e: any) => e);
    expect(batch.statusCode).toBe(422);
    expect(await Customer.count()).toBe(0);
  });

  it('finds by id, one, many, by ids; counts and checks existence', async () => {
    const { Customer } = setup();
    await Customer.create([
      { name: 'a', age: 1 },
      { name: 'b', age: 2 },
      { name: 'c', age: 3 },
    ]);
    expect((await Customer.findById(2)).name).toBe('b');
    expect((await Customer.findById('2')).name).toBe('b');
    expect(await Customer.findById(99)).toBeNull();
    expect(await Customer.findById('abc')).toBeNull();
    expect((await Customer.findById(2, { fields: ['name'] })).toJSON()).toEqual({ name: 'b' });
    expect((await Customer.findOne({ where: { age: { gt: 1 } }, order: 'age DESC' })).name).toBe('c');
    expect(await Customer.findOne({ where: { age: 10 } })).toBeNull();
    expect((await Customer.findByIds([3, 1])).map((c: any) => c.name)).toEqual(['c', 'a']);
    expect(await Customer.count({ age: { gte: 2 } })).toBe(2);
    expect(await Customer.exists(1)).toBe(true);
    expect(await Customer.exists(42)).toBe(false);
    await expect(Customer.findById(undefined)).rejects.toMatchObject({ statusCode: 400 });
  });

  it('accepts filters as JSON strings and refuses bad filters with 400 INVALID_FILTER', async () => {
    const { Customer } = setup();
    await Customer.create([
      { name: 'a', age: 1 },
      { name: 'b', age: 2 },
    ]);
    expect(await Customer.find('{"where":{"age":2}}')).toHaveLength(1);
    await expect(Customer.find({ limit: 'abc' })).rejects.toMatchObject({
      statusCode: 400,
      code: 'INVALID_FILTER',
    });
    await expect(Customer.find('{bad json')).rejects.toMatchObject({
      statusCode: 400,
      code: 'INVALID_FILTER',
    });
    await expect(Customer.find({ include: 'orders' })).rejects.toMatchObject({ statusCode: 400 });
  });

  it('updates all matching rows, destroys by where and by id', async () => {
    const { Customer } = setup();
    await Customer.create([
      { name: 'a', age: 1 },
      { name: 'b', age: 2 },
      { name: 'c', age: 2 },
    ]);
    expect(await Customer.updateAll({ age: 2 }, { vip: true })).toEqual({ count: 2 });
    expect(await Customer.update({ age: 99 }, { vip: true })).toEqual({ count: 0 });
    expect(await Customer.count({ vip: true })).toBe(2);
    await expect(Customer.updateAll({}, { age: 'old' })).rejects.toMatchObject({ statusCode: 422 });
    expect(await Customer.destroyAll({ vip: true })).toEqual({ count: 2 });
    expect(await Customer.destroyById(1)).toEqual({ count: 1 });
    expect(await Customer.deleteById(1)).toEqual({ count: 0 });
    expect(await Customer.count()).toBe(0);
  });

  it('upserts: patch existing, create new; under forceId a client id names an existing row or is 404', async () => {
    const { Customer } = setup();
    await Customer.create({ name: 'a', age: 1, email: 'a@x' });
    const patched = await Customer.patchOrCreate({ id: 1, age: 5 });
    expect(patched.toJSON()).toEqual({ name: 'a', email: 'a@x', age: 5, vip: false, id: 1 });
    const created = await Customer.upsert({ name: 'new' });
    expect(created.id).toBe(2);
    // As LB3: under forceId the id is looked up, never used to create.
    await expect(Customer.upsert({ id: 50, name: 'z' })).rejects.toMatchObject({
      statusCode: 404,
      code: 'MODEL_NOT_FOUND',
    });
    await expect(Customer.replaceOrCreate({ id: 50, name: 'z' })).rejects.toMatchObject({
      statusCode: 404,
      code: 'MODEL_NOT_FOUND',
    });
    expect(await Customer.count()).toBe(2);
    const replaced = await Customer.replaceOrCreate({ id: 1, name: 'R' });
    expect(replaced.toJSON()).toEqual({ name: 'R', vip: false, id: 1 });
    expect((await Customer.findById(1)).toJSON()).toEqual({ name: 'R', vip: false, id: 1 });
  });

  it('upsertWithWhere patches the single match, creates when none, refuses several', async () => {
    const { Customer } = setup();
    await Customer.create([
      { name: 'a', age: 1 },
      { name: 'b', age: 1 },
    ]);
    const up = await Customer.upsertWithWhere({ name: 'a' }, { name: 'a', age: 10 });
    expect(up.toJSON()).toMatchObject({ name: 'a', age: 10, id: 1 });
    // As LB3: the given data is validated on its own, so it must carry the required properties.
    await expect(Customer.upsertWithWhere({ name: 'a' }, { age: 11 })).rejects.toMatchObject({
      statusCode: 422,
      details: { codes: { name: ['presence'] } },
    });
    const made = await Customer.patchOrCreateWithWhere({ name: 'c' }, { name: 'c', age: 3 });
    expect(made.id).toBe(3);
    await Customer.create({ name: 'd', age: 1 });
    await expect(Customer.upsertWithWhere({ age: 1 }, { name: 'x', age: 2 })).rejects.toMatchObject({
      statusCode: 400,
      code: 'MULTIPLE_INSTANCES_FOUND',
    });
  });

  it('replaceById removes absent properties and 404s on a missing id', async () => {
    const { Customer } = setup();
    await Customer.create({ name: 'a', age: 1, email: 'e' });
    const r = await Customer.replaceById(1, { name: 'b' });
    expect(r.toJSON()).toEqual({ name: 'b', vip: false, id: 1 });
    await expect(Customer.replaceById(7, { name: 'x' })).rejects.toMatchObject({ statusCode: 404 });
  });

  it('instance methods: save, updateAttribute(s), patchAttributes, replaceAttributes, reload, destroy', async () => {
    const { Customer } = setup();
    const c = await Customer.create({ name: 'a', age: 1 });
    c.age = 2;
    await c.save();
    expect((await Customer.findById(1)).age).toBe(2);
    await c.updateAttribute('age', 3);
    await c.patchAttributes({ email: 'x@y' });
    expect((await c.reload()).toJSON()).toEqual({ name: 'a', email: 'x@y', age: 3, vip: false, id: 1 });
    await expect(c.updateAttributes({ id: 5 })).rejects.toMatchObject({ statusCode: 400 });
    await expect(c.updateAttributes({ name: '' })).rejects.toMatchObject({ statusCode: 422 });
    expect((await Customer.findById(1)).name).toBe('a');
    await c.replaceAttributes({ name: 'z' });
    expect((await Customer.findById(1)).toJSON()).toEqual({ name: 'z', vip: false, id: 1 });
    const fresh = new Customer({ name: 'n' });
    expect(fresh.isNewRecord()).toBe(true);
    await fresh.save();
    expect(fresh.id).toBe(2);
    expect(await fresh.destroy()).toEqual({ count: 1 });
    expect(fresh.getId()).toBe(2);
    expect(await Customer.count()).toBe(1);
  });

  it('hides hidden properties from JSON but not from server-side queries', async () => {
    const { Customer } = setup();
    await Customer.create({ name: 'a', password: 'secret' });
    const c = await Customer.findOne({ where: { password: 'secret' } });
    expect(c.password).toBe('secret');
    expect(c.toJSON().password).toBeUndefined();
  });

  it('named scopes and the default scope', async () => {
    const { ds, Customer } = setup();
    await Customer.create([{ name: 'a', vip: true }, { name: 'b' }]);
    expect((await Customer.vips()).map((c: any) => c.name)).toEqual(['a']);
    expect(await Customer.vips.count()).toBe(1);
    const made = await Customer.vips.create({ name: 'c' });
    expect(made.vip).toBe(true);
    const Scoped: any = ds.createModel(
      'Scoped',
      { kind: 'string', n: 'number' },
      { scope: { where: { kind: 'x' }, order: 'n DESC' } },
    );
    // As LB3: a create through the default scope takes the scope's equalities, over the data.
    const made2 = await Scoped.create([{ n: 1 }, { kind: 'y', n: 2 }, { n: 3 }]);
    expect(made2.map((s: any) => s.kind)).toEqual(['x', 'x', 'x']);
    expect((await Scoped.find()).map((s: any) => s.n)).toEqual([3, 2, 1]);
    expect(await Scoped.count()).toBe(3);
    expect((await Scoped.find({ order: 'n ASC' })).map((s: any) => s.n)).toEqual([1, 2, 3]);
  });

  it('reports an unattached model with LB3 message', async () => {
    const builder = createModelBuilder();
    const M: any = builder.define('Lonely', {}, {}, builder.getModel('PersistedModel'));
    await expect(M.find()).rejects.toThrow(/has not been correctly attached to a DataSource/);
  });
});
