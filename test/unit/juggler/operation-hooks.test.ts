import { DataSource } from '../../../src/juggler/datasource';
import { createModelBuilder } from '../../../src/juggler/core-models';

/**
 * Hook order and context keys per DAO method, as observed on LB3 (loopback@3.28 with the memory
 * connector) — the expected lists below are that output.
 */
function setup() {
  const ds = new DataSource('db', { connector: 'memory' }, createModelBuilder());
  const Customer: any = ds.createModel('Customer', {
    name: { type: 'string', required: true },
    age: 'number',
  });
  const log: string[] = [];
  for (const op of [
    'access',
    'before save',
    'persist',
    'loaded',
    'after save',
    'before delete',
    'after delete',
  ]) {
    Customer.observe(op, async (ctx: any) => {
      log.push(`${op}: ${Object.keys(ctx).sort().join(',')}`);
    });
  }
  return { Customer, log };
}

const K = (keys: string) => keys.split(',').sort().join(',');

describe('operation hooks', () => {
  it('create: before save, persist, loaded, after save', async () => {
    const { Customer, log } = setup();
    const c = await Customer.create({ name: 'John' });
    expect(c.id).toBe(1);
    expect(log).toEqual([
      `before save: ${K('Model,instance,isNewInstance,hookState,options')}`,
      `persist: ${K('Model,data,isNewInstance,currentInstance,hookState,options')}`,
      `loaded: ${K('Model,data,isNewInstance,hookState,options')}`,
      `after save: ${K('Model,instance,isNewInstance,hookState,options')}`,
    ]);
  });

  it('find: access, then loaded per row', async () => {
    const { Customer, log } = setup();
    await Customer.create([{ name: 'a' }, { name: 'b' }]);
    log.length = 0;
    await Customer.find({ where: { name: 'a' } });
    expect(log).toEqual([
      `access: ${K('Model,query,hookState,options')}`,
      `loaded: ${K('Model,data,isNewInstance,hookState,options')}`,
    ]);
  });

  it('upsert of an existing id: access, loaded, before save (where, data, currentInstance), persist, loaded, after save', async () => {
    const { Customer, log } = setup();
    await Customer.create({ name: 'a' });
    log.length = 0;
    const r = await Customer.upsert({ id: 1, age: 5 });
    expect(r.toJSON()).toEqual({ name: 'a', age: 5, id: 1 });
    expect(log).toEqual([
      `access: ${K('Model,query,hookState,options')}`,
      `loaded: ${K('Model,data,isNewInstance,hookState,options')}`,
      `before save: ${K('Model,where,data,currentInstance,hookState,options')}`,
      `persist: ${K('Model,where,data,currentInstance,isNewInstance,hookState,options')}`,
      `loaded: ${K('Model,data,isNewInstance,hookState,options')}`,
      `after save: ${K('Model,instance,isNewInstance,hookState,options')}`,
    ]);
  });

  it('updateAll: access, before save, persist, after save with info', async () => {
    const { Customer, log } = setup();
    await Customer.create({ name: 'a' });
    log.length = 0;
    expect(await Customer.updateAll({ name: 'a' }, { age: 7 })).toEqual({ count: 1 });
    expect(log).toEqual([
      `access: ${K('Model,query,hookState,options')}`,
      `before save: ${K('Model,where,data,hookState,options')}`,
      `persist: ${K('Model,where,data,hookState,options')}`,
      `after save: ${K('Model,where,data,info,hookState,options')}`,
    ]);
  });

  it('instance save and replaceById', async () => {
    const { Customer, log } = setup();
    const c = await Customer.create({ name: 'a' });
    log.length = 0;
    c.age = 9;
    await c.save();
    expect(log).toEqual([
      `before save: ${K('Model,instance,hookState,options')}`,
      `persist: ${K('Model,data,where,currentInstance,hookState,options')}`,
      `loaded: ${K('Model,data,isNewInstance,hookState,options')}`,
      `after save: ${K('Model,instance,isNewInstance,hookState,options')}`,
    ]);
    log.length = 0;
    const r = await Customer.replaceById(1, { name: 'R' });
    expect(r.toJSON()).toEqual({ name: 'R', id: 1 });
    expect(log).toEqual([
      `before save: ${K('Model,instance,isNewInstance,hookState,options')}`,
      `persist: ${K('Model,where,data,isNewInstance,currentInstance,hookState,options')}`,
      `loaded: ${K('Model,data,isNewInstance,hookState,options')}`,
      `after save: ${K('Model,instance,isNewInstance,hookState,options')}`,
    ]);
  });

  it('destroyById and instance destroy', async () => {
    const { Customer, log } = setup();
    const [a] = await Customer.create([{ name: 'a' }, { name: 'b' }]);
    log.length = 0;
    expect(await Customer.destroyById(2)).toEqual({ count: 1 });
    expect(log).toEqual([
      `access: ${K('Model,query,hookState,options')}`,
      `before delete: ${K('Model,where,hookState,options')}`,
      `after delete: ${K('Model,where,info,hookState,options')}`,
    ]);
    log.length = 0;
    await a.destroy();
    expect(log).toEqual([
      `access: ${K('Model,query,hookState,options')}`,
      `before delete: ${K('Model,where,instance,hookState,options')}`,
      `after delete: ${K('Model,where,instance,info,hookState,options')}`,
    ]);
    expect(await Customer.count()).toBe(0);
  });

  it('a hook that fails aborts the operation and nothing is written', async () => {
    const { Customer } = setup();
    Customer.observe('persist', (_ctx: any, next: (e?: Error) => void) => next(new Error('nope')));
    await expect(Customer.create({ name: 'x' })).rejects.toThrow('nope');
    Customer.clearObservers('persist');
    Customer.observe('before save', async () => {
      throw new Error('refused');
    });
    await expect(Customer.updateAll({}, { age: 1 })).rejects.toThrow('refused');
    expect(await Customer.count()).toBe(0);
  });

  it('an array create runs every before save first: a refused item leaves the store untouched', async () => {
    const { Customer, log } = setup();
    Customer.observe('before save', async (ctx: any) => {
      if (ctx.instance.name === 'bad') throw new Error('refused');
    });
    await expect(Customer.create([{ name: 'ok' }, { name: 'bad' }])).rejects.toThrow('refused');
    expect(await Customer.count()).toBe(0);
    log.length = 0;
    const made = await Customer.create([{ name: 'a' }, { name: 'b' }]);
    expect(made.map((c: any) => [c.id, c.name])).toEqual([
      [1, 'a'],
      [2, 'b'],
    ]);
    expect(log.map((l) => l.split(':')[0])).toEqual([
      'before save',
      'before save',
      'persist',
      'loaded',
      'after save',
      'persist',
      'loaded',
      'after save',
    ]);
  });

  it('hooks may rewrite the query and the data', async () => {
    const { Customer } = setup();
    Customer.observe('before save', async (ctx: any) => {
      if (ctx.instance) ctx.instance.age = 99;
    });
    Customer.observe('access', async (ctx: any) => {
      ctx.query.where = { age: 99 };
    });
    await Customer.create({ name: 'x' });
    const found = await Customer.find({ where: { age: 1 } });
    expect(found.map((c: any) => c.age)).toEqual([99]);
  });

  it('hooks on a base model fire for models extending it, base first', async () => {
    const builder = createModelBuilder();
    const ds = new DataSource('db', { connector: 'memory' }, builder);
    const Base: any = ds.createModel('Base', { name: 'string' });
    const order: string[] = [];
    const Child: any = ds.createModel('Child', {}, { base: 'Base' });
    Child.observe('before save', async () => order.push('child'));
    Base.observe('before save', async () => order.push('base'));
    await Child.create({ name: 'x' });
    expect(order).toEqual(['base', 'child']);
    order.length = 0;
    await Base.create({ name: 'y' });
    expect(order).toEqual(['base']);
  });

  it('fires each hook exactly when observed: added after writes ran unobserved, removed again, on a base model later', async () => {
    // Writes without observers skip the hooks (the answer is kept per model); a change to any
    // model's observers must be seen by the next write, with the same context as always.
    const builder = createModelBuilder();
    const ds = new DataSource('db', { connector: 'memory' }, builder);
    const Base: any = ds.createModel('Base', { name: { type: 'string', required: true } });
    const Child: any = ds.createModel('Child', { age: 'number' }, { base: 'Base' });
    const log: string[] = [];
    const record = (op: string) => async (ctx: any) => {
      log.push(`${op}: ${Object.keys(ctx).sort().join(',')}`);
    };
    const first = await Child.create({ name: 'a' });
    await first.patchAttributes({ age: 1 });
    expect(log).toEqual([]);
    const hooks = ['before save', 'persist', 'loaded', 'after save'].map((op) => [op, record(op)] as const);
    for (const [op, fn] of hooks) Child.observe(op, fn);
    const second = await Child.create({ name: 'b' });
    expect(log).toEqual([
      `before save: ${K('Model,instance,isNewInstance,hookState,options')}`,
      `persist: ${K('Model,data,isNewInstance,currentInstance,hookState,options')}`,
      `loaded: ${K('Model,data,isNewInstance,hookState,options')}`,
      `after save: ${K('Model,instance,isNewInstance,hookState,options')}`,
    ]);
    log.length = 0;
    await second.patchAttributes({ age: 2 });
    expect(log).toEqual([
      `before save: ${K('Model,where,data,currentInstance,hookState,options')}`,
      `persist: ${K('Model,where,data,currentInstance,isNewInstance,hookState,options')}`,
      `loaded: ${K('Model,data,isNewInstance,hookState,options')}`,
      `after save: ${K('Model,instance,isNewInstance,hookState,options')}`,
    ]);
    log.length = 0;
    for (const [op, fn] of hooks) Child.removeObserver(op, fn);
    await Child.create({ name: 'c' });
    await second.patchAttributes({ age: 3 });
    expect(log).toEqual([]);
    Base.observe('persist', async (ctx: any) => {
      ctx.data.name = ctx.data.name.toUpperCase();
    });
    const upper = await Child.create({ name: 'd' });
    expect(upper.name).toBe('D');
    expect((await Child.findById(upper.id)).name).toBe('D');
    Base.clearObservers('persist');
    expect((await Child.create({ name: 'e' })).name).toBe('e');
    expect((await Child.find()).map((c: any) => [c.name, c.age])).toEqual([
      ['a', 1],
      ['b', 3],
      ['c', undefined],
      ['D', undefined],
      ['e', undefined],
    ]);
  });

  it('a failing after save reaches the caller of a create, with the row written', async () => {
    const { Customer } = setup();
    Customer.observe('after save', async () => {
      throw new Error('after save failed');
    });
    await expect(Customer.create({ name: 'x' })).rejects.toThrow('after save failed');
    expect(await Customer.count()).toBe(1);
  });
});
