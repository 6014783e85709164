import { DataSource } from '../../../src/juggler/datasource';
import { ModelBuilder } from '../../../src/juggler/model-builder';
import { createModelBuilder } from '../../../src/juggler/core-models';
import { GeoPoint } from '../../../src/juggler/geo-point';

function memory(): DataSource {
  return new DataSource('db', { connector: 'memory' }, createModelBuilder());
}

describe('model definitions', () => {
  it('accepts the shorthand and full property forms and injects an id last', () => {
    const ds = memory();
    const Customer = ds.createModel('Customer', { name: 'string', age: { type: 'number', required: true } });
    expect(Customer.definition.propertyNames).toEqual(['name', 'age', 'id']);
    expect(Customer.definition.properties.age.required).toBe(true);
    expect(Customer.definition.properties.id.generated).toBe(true);
    expect(Customer.definition.forceId).toBe(true);
    expect(Customer.definition.pluralName).toBe('Customers');
  });

  it('keeps a declared id and does not inject one', () => {
    const ds = memory();
    const Product = ds.createModel('Product', { sku: { type: 'string', id: true }, title: 'string' });
    expect(Product.definition.idName).toBe('sku');
    expect(Product.definition.propertyNames).toEqual(['sku', 'title']);
    expect(Product.definition.forceId).toBe(false);
  });

  it('honours idInjection: false', () => {
    const Note = memory().createModel('Note', { text: 'string' }, { idInjection: false });
    expect(Note.definition.idName).toBeUndefined();
  });

  it('uses LB3 plurals and the plural setting', () => {
    const ds = memory();
    expect(ds.createModel('Person', {}).definition.pluralName).toBe('People');
    expect(ds.createModel('Category', {}).definition.pluralName).toBe('Categories');
    expect(ds.createModel('Thing', {}, { plural: 'Stuff' }).definition.pluralName).toBe('Stuff');
  });

  it('merges properties and settings down the base chain, accumulating hidden', () => {
    const ds = memory();
    const Base = ds.createModel(
      'Account',
      { email: 'string', password: 'string' },
      { hidden: ['password'], strict: true, custom: { a: 1 } },
    );
    const Admin = ds.createModel(
      'Admin',
      { level: 'number', email: { type: 'string', required: true } },
      { base: 'Account', hidden: ['level'], custom: { b: 2 } },
    );
    expect(Object.getPrototypeOf(Admin)).toBe(Base);
    expect(Admin.definition.propertyNames).toEqual(['email', 'password', 'level', 'id']);
    expect(Admin.definition.properties.email.required).toBe(true);
    expect([...Admin.definition.hidden].sort()).toEqual(['level', 'password']);
    expect(Admin.settings.custom).toEqual({ a: 1, b: 2 });
    expect(Admin.definition.strict).toBe(true);
    expect(Base.definition.hidden.has('level')).toBe(false);
  });

  it('refuses an unknown base with a message naming it', () => {
    const ds = memory();
    expect(() => ds.createModel('A', {}, { base: 'Nope' })).toThrow(/unknown model `Nope`/);
  });

  it('takes a type naming a model defined later (a forward reference), as LB3', async () => {
    const ds = memory();
    const Order = ds.createModel('FwdOrder', { address: { type: 'FwdAddress' }, lines: ['FwdLine'] });
    // Until the model comes, the property holds what it is given.
    expect(Order.definition.properties.address.kind.name).toBe('Any');
    ds.createModel('FwdAddress', { zip: 'number' }, { idInjection: false });
    ds.createModel('FwdLine', { qty: 'number' }, { idInjection: false });
    const order: any = await Order.create({ address: { zip: '12' }, lines: [{ qty: '3' }] });
    expect(order.address.constructor.modelName).toBe('FwdAddress');
    expect(order.toJSON()).toMatchObject({ address: { zip: 12 }, lines: [{ qty: 3 }] });
    // A subclass defined before the target resolves too.
    const Early = ds.createModel('FwdEarly', { spot: 'FwdSpot' });
    const Sub = ds.createModel('FwdSub', {}, { base: 'FwdEarly' });
    ds.createModel('FwdSpot', { n: 'number' }, { idInjection: false });
    expect(((await Sub.create({ spot: { n: '1' } })) as any).spot.n).toBe(1);
    expect(((await Early.create({ spot: { n: '2' } })) as any).spot.n).toBe(2);
  });

  it('keeps a type no model ever takes as free-form (LB3 placeholder), inside nested objects too', async () => {
    const ds = memory();
    const Rules = ds.createModel('FwdRules', { acls: [{ principalType: 'USER', accessType: '*' }] });
    const saved: any = await Rules.create({ acls: [{ principalType: 'ROLE', accessType: 'READ' }] });
    expect(saved.toJSON().acls).toEqual([{ principalType: 'ROLE', accessType: 'READ' }]);
    expect(() => ds.createModel('FwdEmpty', { x: { type: '' } })).toThrow(/FwdEmpty\.x: unknown type ""/);
  });
});

describe('instances', () => {
  const ds = memory();
  const Address = ds.modelBuilder.define(
    'Address',
    { street: 'string', zip: 'number' },
    { idInjection: false },
  );
  const Customer = ds.createModel(
    'Customer',
    {
      name: 'string',
      age: 'number',
      dob: 'date',
      tags: ['string'],
      active: { type: 'boolean', default: true },
      secret: { type: 'string', hidden: true },
      address: 'Address',
      geo: 'GeoPoint',
      meta: { color: 'string' },
      created: { type: 'date', defaultFn: 'now' },
      code: { type: 'string', defaultFn: 'uuidv4' },
    },
    { strict: true },
  );

  it('defines accessors once on the prototype, never on the instance', () => {
    const c: any = new Customer({ name: 'Ann' });
    expect(Object.getOwnPropertyDescriptor(Customer.prototype, 'name')?.get).toBeInstanceOf(Function);
    expect(Object.keys(c)).not.toContain('name');
    expect(c.name).toBe('Ann');
    c.age = '41';
    expect(c.age).toBe(41);
  });

  it('coerces values to their property types', () => {
    const c: any = new Customer({
      age: '42',
      dob: '2000-01-01',
      tags: [1, 'a'],
      active: 'false',
      geo: '10,20',
      address: { street: 'x', zip: '7' },
    });
    expect(c.age).toBe(42);
    expect(c.dob).toBeInstanceOf(Date);
    expect(c.tags).toEqual(['1', 'a']);
    expect(c.active).toBe(false);
    expect(c.geo).toBeInstanceOf(GeoPoint);
    expect(c.address).toBeInstanceOf(Address);
    expect(c.address.zip).toBe(7);
    expect(c.__invalidProperties).toBeUndefined();
  });

  it('records values that cannot be coerced instead of inventing NaN or null', () => {
    const c: any = new Customer({ age: 'abc', dob: 'never' });
    expect(c.__invalidProperties).toEqual({ age: 'abc', dob: 'never' });
  });

  it('applies default and defaultFn to new instances', () => {
    const c: any = new Customer({});
    expect(c.active).toBe(true);
    expect(c.created).toBeInstanceOf(Date);
    expect(c.code).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serialises to JSON without hidden properties, dates as UTC ISO strings', () => {
    const c: any = new Customer({
      name: 'Ann',
      secret: 's3',
      dob: new Date(Date.UTC(2000, 0, 1)),
      geo: { lat: 1, lng: 2 },
      meta: { color: 'red' },
    });
    const json = JSON.parse(JSON.stringify(c));
    expect(json.secret).toBeUndefined();
    expect(json.dob).toBe('2000-01-01T00:00:00.000Z');
    expect(json.geo).toEqual({ lat: 1, lng: 2 });
    expect(json.meta).toEqual({ color: 'red' });
    expect(c.toObject().secret).toBe('s3');
  });

  it('records unknown properties on a strict model, keeps them when not strict, drops them on filter', () => {
    expect((new Customer({ nope: 1 }) as any).__unknownProperties).toEqual(['nope']);
    const Loose = ds.createModel('Loose', { a: 'string' }, { strict: false });
    const l: any = new Loose({ a: 'x', extra: 5 });
    expect(l.extra).toBe(5);
    expect(l.toJSON()).toEqual({ a: 'x', extra: 5 });
    const Filtered = ds.createModel('Filtered', { a: 'string' }, { strict: 'filter' });
    const f: any = new Filtered({ a: 'x', extra: 5 });
    expect(f.toJSON()).toEqual({ a: 'x' });
    expect(f.__unknownProperties).toBeUndefined();
  });

  it('ignores __proto__ and constructor keys in data', () => {
    const c: any = new Customer(JSON.parse('{"__proto__": {"polluted": true}, "name": "x"}'));
    expect(({} as any).polluted).toBeUndefined();
    expect(c.polluted).toBeUndefined();
    expect(c.name).toBe('x');
  });

  it('shares one shape: instances have the same own keys', () => {
    const a = new Customer({ name: 'a' });
    const b = new Customer({ age: 3 });
    expect(Object.keys(a)).toEqual(Object.keys(b));
  });
});

describe('mixins', () => {
  it('applies registered mixins with their options at definition time', () => {
    const builder = createModelBuilder();
    builder.mixins.define('Stamp', (Model: any, options: any) => {
      Model.defineStamp = options.field;
    });
    const ds = new DataSource('db', { connector: 'memory' }, builder);
    const M: any = ds.createModel('M', {}, { mixins: { Stamp: { field: 'at' } } });
    expect(M.defineStamp).toBe('at');
    expect(() => ds.createModel('N', {}, { mixins: { Nope: true } })).toThrow(/unknown mixin "Nope"/);
  });

  it('is a ModelBuilder', () => {
    expect(createModelBuilder()).toBeInstanceOf(ModelBuilder);
  });
});

describe('extend and defineProperty', () => {
  it('extends a model from code and adds properties later', async () => {
    const ds = memory();
    const Base: any = ds.createModel('Animal', { name: 'string' });
    const Dog: any = Base.extend('Dog', { barks: 'boolean' });
    expect(Dog.definition.propertyNames).toEqual(['name', 'barks', 'id']);
    expect(Object.getPrototypeOf(Dog)).toBe(Base);
    Base.defineProperty('legs', { type: 'number', default: 4 });
    expect(Base.definition.properties.legs.default).toBe(4);
    const a = await Base.create({ name: 'x' });
    expect(a.legs).toBe(4);
  });
});

describe('the compiled JSON writer', () => {
  it('writes exactly what JSON.stringify(inst.toJSON()) writes, for every kind of value', async () => {
    const { DataSource } = await import('../../../src/juggler/datasource');
    const { createModelBuilder } = await import('../../../src/juggler/core-models');
    const { toJSONText } = await import('../../../src/util/json-text');
    const ds = new DataSource('db', { connector: 'memory' }, createModelBuilder());
    ds.createModel('Tag', { label: 'string', code: 'string' }, { protected: ['code'] } as any);
    const Item: any = ds.createModel(
      'Item',
      {
        name: 'string',
        n: 'number',
        ok: 'boolean',
        at: 'date',
        meta: 'object',
        list: ['number'],
        blob: 'buffer',
        secret: 'string',
        loc: 'GeoPoint',
        weird: 'any',
      },
      { hidden: ['secret'], strict: false, relations: { tags: { type: 'hasMany', model: 'Tag' } } } as any,
    );
    const item = await Item.create({
      name: 'quote " back\\slash \u2028 é',
      n: 1.5,
      ok: false,
      at: new Date('2020-01-02T03:04:05.006Z'),
      meta: { a: [1, { b: null }], d: new Date(0) },
      list: [1, 2, 3],
      blob: Buffer.from('hi'),
      secret: 's',
      loc: { lat: 1, lng: 2 },
      weird: NaN,
      extra: 'kept',
    });
    await item.tags.create([
      { label: 'x', code: 'c1' },
      { label: 'y', code: 'c2' },
    ]);
    const [loaded] = await Item.find({ include: 'tags' });
    for (const inst of [item, loaded, ...loaded.tags()])
      expect(toJSONText(inst)).toBe(JSON.stringify(inst.toJSON()));
    expect(toJSONText([loaded, null, { plain: 1 }])).toBe(JSON.stringify([loaded, null, { plain: 1 }]));
    expect(JSON.parse(toJSONText(loaded)).tags).toEqual([
      { label: 'x', itemId: 1, id: 1 },
      { label: 'y', itemId: 1, id: 2 },
    ]);
  });

  it('writes properties with any name, values of the wrong type, and hidden or protected ones as toJSON does', async () => {
    const { DataSource } = await import('../../../src/juggler/datasource');
    const { createModelBuilder } = await import('../../../src/juggler/core-models');
    const { toJSONText } = await import('../../../src/util/json-text');
    const ds = new DataSource('db', { connector: 'memory' }, createModelBuilder());
    const names = [
      'plain',
      'a"quote',
      'back\\slash',
      'line\u2028sep',
      "it's",
      '${x}',
      '`tick`',
      '\u0001ctl',
      'é',
    ];
    const props: Record<string, string> = {};
    names.forEach((n, i) => (props[n] = ['string', 'number', 'boolean'][i % 3]));
    const Odd: any = ds.createModel('Odd', { ...props, hid: 'string', prot: 'number' }, {
      hidden: ['hid'],
      protected: ['prot'],
      strict: false,
    } as any);
    const values: Record<string, unknown> = { hid: 'h', prot: 7, more: 'undeclared' };
    names.forEach((n, i) => (values[n] = [`v"${i}`, i + 0.5, i % 2 === 0][i % 3]));
    const inst = await Odd.create(values);
    const [loaded] = await Odd.find();
    for (const x of [inst, loaded]) {
      expect(toJSONText(x)).toBe(JSON.stringify(x.toJSON()));
      expect(JSON.parse(toJSONText(x))).not.toHaveProperty('hid');
    }
    // a value the type would not hold (assigned after creation, as a hook might) is written as is
    loaded.__data.plain = 42;
    loaded.__data['a"quote'] = 'not a number';
    loaded.__data['back\\slash'] = null;
    loaded.__data['\u0001ctl'] = Infinity;
    loaded.__data['line\u2028sep'] = 'x';
    expect(toJSONText(loaded)).toBe(JSON.stringify(loaded.toJSON()));
    // protected properties go only when the instance is not nested in another's output
    const Holder: any = ds.createModel('Holder', { label: 'string' }, {
      relations: { odds: { type: 'hasMany', model: 'Odd' } },
    } as any);
    const holder = await Holder.create({ label: 'h' });
    await holder.odds.create({ plain: 'p', prot: 1 });
    const [withOdds] = await Holder.find({ include: 'odds' });
    expect(toJSONText(withOdds)).toBe(JSON.stringify(withOdds.toJSON()));
    expect(JSON.parse(toJSONText(withOdds)).odds[0]).not.toHaveProperty('prot');
  });

  it('writes undeclared keys holding dates, lists of dates and instances, as toJSON does', async () => {
    const { DataSource } = await import('../../../src/juggler/datasource');
    const { createModelBuilder } = await import('../../../src/juggler/core-models');
    const { toJSONText } = await import('../../../src/util/json-text');
    const ds = new DataSource('db', { connector: 'memory' }, createModelBuilder());
    const Free: any = ds.createModel('Free', { name: 'string' }, { strict: false, hidden: ['pin'] } as any);
    const inst = await Free.create({
      name: 'f',
      when: new Date('2021-02-03T04:05:06.007Z'),
      bad: new Date(NaN),
      days: [new Date(0), null, new Date(86400000)],
      pin: 1234,
    });
    inst.__data.other = new Free({ name: 'inner', at: new Date(1) });
    const [loaded] = await Free.find();
    for (const x of [inst, loaded]) {
      const text = toJSONText(x);
      expect(text).toBe(JSON.stringify(x.toJSON()));
      expect(text).not.toContain('1234');
    }
    expect(JSON.parse(toJSONText(loaded))).toEqual({
      name: 'f',
      when: '2021-02-03T04:05:06.007Z',
      bad: null,
      days: ['1970-01-01T00:00:00.000Z', null, '1970-01-02T00:00:00.000Z'],
      id: loaded.id,
    });
  });

  it('writes undeclared keys wherever they sit among the defined ones, in any order', async () => {
    const { DataSource } = await import('../../../src/juggler/datasource');
    const { createModelBuilder } = await import('../../../src/juggler/core-models');
    const { toJSONText } = await import('../../../src/util/json-text');
    const ds = new DataSource('db', { connector: 'memory' }, createModelBuilder());
    const Mixed: any = ds.createModel('Mixed', { a: 'string', b: 'number', c: 'string' }, {
      strict: false,
      hidden: ['secret'],
    } as any);
    const inst = await Mixed.create({ a: 'x', b: 1, c: 'z' });
    // as a hook or a connector might leave it: undeclared keys first, between and last, defined
    // keys out of the definition's order, a hidden undeclared key among them
    inst.__data = { extra0: 0, c: 'z', a: 'x', secret: 's', extra1: [1], b: 1, id: inst.id, extra2: 'e' };
    const text = toJSONText(inst);
    expect(text).toBe(JSON.stringify(inst.toJSON()));
    expect(JSON.parse(text)).toEqual({
      a: 'x',
      b: 1,
      c: 'z',
      id: inst.id,
      extra0: 0,
      extra1: [1],
      extra2: 'e',
    });
  });

  it('leaves a model with its own toJSON to that toJSON', async () => {
    const { DataSource } = await import('../../../src/juggler/datasource');
    const { createModelBuilder } = await import('../../../src/juggler/core-models');
    const { toJSONText } = await import('../../../src/util/json-text');
    const ds = new DataSource('db', { connector: 'memory' }, createModelBuilder());
    const Custom: any = ds.createModel('Custom', { name: 'string' });
    Custom.prototype.toJSON = function () {
      return { shout: String(this.name).toUpperCase() };
    };
    expect(toJSONText(await Custom.create({ name: 'a' }))).toBe('{"shout":"A"}');
  });
});
