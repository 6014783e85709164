import { DataSource } from '../../../src/juggler/datasource';
import { createModelBuilder } from '../../../src/juggler/core-models';

/**
 * Every relation type through the Node API, on the memory store: key defaults as LB3 names them,
 * the accessor methods, hooks firing on the target model, and include (batched, per-parent
 * limits, nested, fields that leave the join key out).
 */

function setup() {
  const ds = new DataSource('db', { connector: 'memory' }, createModelBuilder());
  const define = (
    name: string,
    properties: Record<string, unknown>,
    settings: Record<string, unknown> = {},
  ): any => ds.createModel(name, properties as any, settings as any);
  return { ds, define };
}

/** Counts the store queries (connector.find calls) made while `fn` runs. */
async function countQueries(ds: DataSource, fn: () => Promise<unknown>): Promise<number> {
  const connector = ds.connector as any;
  const original = connector.find;
  let n = 0;
  connector.find = function (...args: unknown[]) {
    n++;
    return original.apply(this, args);
  };
  try {
    await fn();
  } finally {
    connector.find = original;
  }
  return n;
}

const json = (v: unknown) => JSON.parse(JSON.stringify(v));

describe('hasMany and belongsTo', () => {
  function shop() {
    const { ds, define } = setup();
    const Customer = define(
      'Customer',
      { name: 'string', secret: 'string' },
      { hidden: ['secret'], relations: { orders: { type: 'hasMany', model: 'Order' } } },
    );
    const Order = define(
      'Order',
      { total: 'number', note: 'string' },
      { protected: ['note'], relations: { customer: { type: 'belongsTo', model: 'Customer' } } },
    );
    return { ds, Customer, Order };
  }

  it('adds the foreign key to the model that holds it, named as LB3 names it', () => {
    const { Customer, Order } = shop();
    expect(Order.definition.properties.customerId.type.name).toBe('Number');
    expect(Customer.relations.orders.toJSON()).toEqual({
      name: 'orders',
      type: 'hasMany',
      modelFrom: 'Customer',
      keyFrom: 'id',
      modelTo: 'Order',
      keyTo: 'customerId',
      multiple: true,
    });
    expect(Order.relations.customer.toJSON()).toMatchObject({
      type: 'belongsTo',
      keyFrom: 'customerId',
      keyTo: 'id',
      multiple: false,
    });
  });

  it('creates, finds, counts, updates and destroys through the relation', async () => {
    const { Customer, Order } = shop();
    const ann = await Customer.create({ name: 'Ann' });
    const bob = await Customer.create({ name: 'Bob' });
    await ann.orders.create([{ total: 5 }, { total: 9 }]);
    await bob.orders.create({ total: 1 });
    expect(json(await ann.orders({ order: 'total DESC' }))).toEqual([
      { total: 9, customerId: 1, id: 2 },
      { total: 5, customerId: 1, id: 1 },
    ]);
    expect(await ann.orders.count()).toBe(2);
    expect(await ann.orders.count({ total: { gt: 6 } })).toBe(1);
    expect(json(await ann.orders.findById(2))).toEqual({ total: 9, customerId: 1, id: 2 });
    await expect(ann.orders.findById(3)).rejects.toMatchObject({
      statusCode: 404,
      message: 'No instance with id 3 found for Order',
    });
    expect(await ann.orders.exists(1)).toBe(true);
    expect(await ann.orders.exists(3)).toBe(false);
    expect(json(await ann.orders.updateById(1, { total: 6, customerId: 2 }))).toEqual({
      total: 6,
      customerId: 1,
      id: 1,
    });
    await ann.orders.destroyById(2);
    expect(await Order.count()).toBe(2);
    expect(await ann.orders.destroyAll()).toEqual({ count: 1 });
    expect(json(await Order.find())).toEqual([{ total: 1, customerId: 2, id: 3 }]);
    expect(ann.orders.build({ total: 3 }).toJSON()).toEqual({ total: 3, customerId: 1 });
  });

  it('belongsTo fetches the parent, and callbacks work beside promises', async () => {
    const { Customer, Order } = shop();
    const ann = await Customer.create({ name: 'Ann', secret: 's' });
    const order = await Order.create({ total: 3, customerId: ann.id });
    expect(json(await order.customer())).toEqual({ name: 'Ann', id: 1 });
    const viaCallback = await new Promise((resolve, reject) =>
      order.customer((err: Error | null, c: unknown) => (err ? reject(err) : resolve(c))),
    );
    expect(json(viaCallback)).toEqual({ name: 'Ann', id: 1 });
    const orphan = await Order.create({ total: 1 });
    expect(await orphan.customer()).toBeNull();
  });

  it('fires the target model’s operation hooks for relation writes', async () => {
    const { Customer, Order } = shop();
    const seen: string[] = [];
    Order.observe('before save', async (ctx: any) => {
      seen.push(`before save ${JSON.stringify(ctx.instance ? ctx.instance.toObject() : ctx.data)}`);
    });
    const ann = await Customer.create({ name: 'Ann' });
    await ann.orders.create({ total: 2 });
    expect(seen).toEqual(['before save {"total":2,"customerId":1}']);
  });

  it('includes both ways, with hidden and protected properties kept out of the included data', async () => {
    const { Customer, Order } = shop();
    const ann = await Customer.create({ name: 'Ann', secret: 'x' });
    await ann.orders.create([
      { total: 1, note: 'n1' },
      { total: 2, note: 'n2' },
    ]);
    const [withOrders] = await Customer.find({ include: 'orders' });
    expect(json(withOrders)).toEqual({
      name: 'Ann',
      id: 1,
      orders: [
        { total: 1, customerId: 1, id: 1 },
        { total: 2, customerId: 1, id: 2 },
      ],
    });
    // The cached relation answers a call without arguments.
    expect(withOrders.orders().map((o: any) => o.total)).toEqual([1, 2]);
    const orders = await Order.find({ include: 'customer', order: 'id ASC' });
    expect(json(orders[0])).toEqual({
      total: 1,
      note: 'n1',
      customerId: 1,
      id: 1,
      customer: { name: 'Ann', id: 1 },
    });
  });

  it('joins on keys the fields leave out, then drops them from the parents', async () => {
    const { Customer } = shop();
    const ann = await Customer.create({ name: 'Ann' });
    await ann.orders.create({ total: 4 });
    const found = await Customer.find({
      fields: ['name'],
      include: { relation: 'orders', scope: { fields: ['total'] } },
    });
    // LB3 keeps the target's join key in included rows.
    expect(json(found)).toEqual([{ name: 'Ann', orders: [{ total: 4, customerId: 1 }] }]);
  });

  it('applies the include scope: where, order, and limit per parent', async () => {
    const { Customer } = shop();
    for (const name of ['a', 'b']) {
      const c = await Customer.create({ name });
      await c.orders.create([{ total: 1 }, { total: 2 }, { total: 3 }]);
    }
    const found = await Customer.find({
      include: {
        relation: 'orders',
        scope: { where: { total: { gt: 1 } }, order: 'total DESC', limit: 1, fields: ['total'] },
      },
    });
    expect(json(found).map((c: any) => c.orders)).toEqual([
      [{ total: 3, customerId: 1 }],
      [{ total: 3, customerId: 2 }],
    ]);
  });

  it('refuses an unknown relation in include with 400 INVALID_FILTER', async () => {
    const { Customer } = shop();
    await Customer.create({ name: 'Ann' });
    await expect(Customer.find({ include: 'nope' })).rejects.toMatchObject({
      statusCode: 400,
      code: 'INVALID_FILTER',
      message: 'Relation "nope" is not defined for Customer model',
    });
  });
});

describe('include is batched: one query per relation per level', () => {
  it('does a 3-level include over 1,000 parents in one query per level (chunked at inqLimit)', async () => {
    const { ds, define } = setup();
    const Author = define(
      'Author',
      { name: 'string' },
      { relations: { books: { type: 'hasMany', model: 'Book' } } },
    );
    const Book = define(
      'Book',
      { title: 'string' },
      {
        relations: {
          chapters: { type: 'hasMany', model: 'Chapter' },
          author: { type: 'belongsTo', model: 'Author' },
        },
      },
    );
    const Chapter = define(
      'Chapter',
      { n: 'number' },
      { relations: { pages: { type: 'hasMany', model: 'Page' } } },
    );
    const Page = define('Page', { text: 'string' });
    const authors = await Author.create(Array.from({ length: 1000 }, (_, i) => ({ name: `a${i}` })));
    const books = await Book.create(authors.map((a: any) => ({ title: `b${a.id}`, authorId: a.id })));
    const chapters = await Chapter.create(books.map((b: any) => ({ n: 1, bookId: b.id })));
    await Page.create(chapters.map((c: any) => ({ text: `p${c.id}`, chapterId: c.id })));

    let result: any[] = [];
    const queries = await countQueries(ds, async () => {
      result = await Author.find({ include: { books: { chapters: 'pages' } } });
    });
    // Authors, then books, chapters and pages: one query each (the 1,000 keys fit in inq chunks of 256,
    // so each level is ceil(1000 / 256) = 4 chunked queries at most).
    expect(queries).toBeLessThanOrEqual(1 + 3 * Math.ceil(1000 / 256));
    expect(result).toHaveLength(1000);
    expect(json(result[999])).toEqual({
      name: 'a999',
      id: 1000,
      books: [
        {
          title: 'b1000',
          authorId: 1000,
          id: 1000,
          chapters: [{ n: 1, bookId: 1000, id: 1000, pages: [{ text: 'p1000', chapterId: 1000, id: 1000 }] }],
        },
      ],
    });
  });

  it('uses exactly one query per level when the keys fit one inq', async () => {
    const { ds, define } = setup();
    ds.settings.inqLimit = 5000;
    const Author = define(
      'Author',
      { name: 'string' },
      { relations: { books: { type: 'hasMany', model: 'Book' } } },
    );
    const Book = define(
      'Book',
      { title: 'string' },
      { relations: { chapters: { type: 'hasMany', model: 'Chapter' } } },
    );
    const Chapter = define('Chapter', { n: 'number' });
    const authors = await Author.create(Array.from({ length: 1000 }, (_, i) => ({ name: `a${i}` })));
    const books = await Book.create(authors.map((a: any) => ({ title: 't', authorId: a.id })));
    await Chapter.create(books.map((b: any) => ({ n: 1, bookId: b.id })));
    expect(await countQueries(ds, () => Author.find({ include: { books: 'chapters' } }))).toBe(3);
  });
});

describe('hasMany through and hasAndBelongsToMany', () => {
  function clinic() {
    const { ds, define } = setup();
    const Physician = define(
      'Physician',
      { name: 'string' },
      { relations: { patients: { type: 'hasMany', model: 'Patient', through: 'Appointment' } } },
    );
    const Patient = define('Patient', { name: 'string' });
    const Appointment = define(
      'Appointment',
      { at: 'date' },
      {
        relations: {
          physician: { type: 'belongsTo', model: 'Physician' },
          patient: { type: 'belongsTo', model: 'Patient' },
        },
      },
    );
    return { ds, Physician, Patient, Appointment };
  }

  it('creates the target and the link, adds and removes links, finds through them', async () => {
    const { Physician, Patient, Appointment } = clinic();
    const doc = await Physician.create({ name: 'Dr A' });
    const p1 = await doc.patients.create({ name: 'P1' });
    const p2 = await Patient.create({ name: 'P2' });
    await doc.patients.add(p2, { at: new Date('2020-01-01T00:00:00Z') });
    expect(json(await Appointment.find())).toEqual([
      { physicianId: 1, patientId: 1, id: 1 },
      { at: '2020-01-01T00:00:00.000Z', physicianId: 1, patientId: 2, id: 2 },
    ]);
    expect(json(await doc.patients()).map((p: any) => p.name)).toEqual(['P1', 'P2']);
    expect(await doc.patients.count()).toBe(2);
    expect(await doc.patients.exists(p2.id)).toBe(true);
    await doc.patients.remove(p1.id);
    expect(json(await doc.patients()).map((p: any) => p.name)).toEqual(['P2']);
    expect(await Patient.count()).toBe(2);
    await expect(doc.patients.findById(p1.id)).rejects.toMatchObject({ statusCode: 404 });
  });

  it('includes through two queries (links, then targets)', async () => {
    const { ds, Physician, Patient } = clinic();
    const docs = await Physician.create([{ name: 'A' }, { name: 'B' }]);
    const pats = await Patient.create([{ name: 'x' }, { name: 'y' }]);
    await docs[0].patients.add(pats[0]);
    await docs[0].patients.add(pats[1]);
    await docs[1].patients.add(pats[1]);
    let found: any[] = [];
    const queries = await countQueries(ds, async () => {
      found = await Physician.find({ include: 'patients' });
    });
    expect(queries).toBe(3);
    expect(json(found).map((d: any) => [d.name, d.patients.map((p: any) => p.name)])).toEqual([
      ['A', ['x', 'y']],
      ['B', ['y']],
    ]);
  });

  it('hasAndBelongsToMany makes its join model when none is given', async () => {
    const { define } = setup();
    const Post = define(
      'Post',
      { title: 'string' },
      { relations: { tags: { type: 'hasAndBelongsToMany', model: 'Tag' } } },
    );
    define('Tag', { name: 'string' });
    const post = await Post.create({ title: 'hello' });
    await post.tags.create({ name: 'news' });
    expect(json(await post.tags())).toEqual([{ name: 'news', id: 1 }]);
    expect(Post.relations.tags.modelThrough.modelName).toBe('PostTag');
    expect(json(await Post.relations.tags.modelThrough.find())).toEqual([{ postId: 1, tagId: 1, id: 1 }]);
  });

  it("hasAndBelongsToMany: a join model made before its owner is attached goes to the owner's data source (as boot attaches)", async () => {
    const builder = createModelBuilder();
    const ds = new DataSource('db', { connector: 'memory' }, builder);
    const Post: any = builder.define(
      'Post',
      { title: 'string' },
      { relations: { tags: { type: 'hasAndBelongsToMany', model: 'Tag' } } },
      'PersistedModel',
    );
    const Tag: any = builder.define('Tag', { name: 'string' }, {}, 'PersistedModel');
    ds.attach(Post);
    ds.attach(Tag);
    const post = await Post.create({ title: 'hello' });
    await post.tags.create({ name: 'news' });
    expect(json(await post.tags())).toEqual([{ name: 'news', id: 1 }]);
    expect(Post.relations.tags.modelThrough.dataSource).toBe(ds);
    // A second app in the process defines the models again on its own data source: its own join model.
    const ds2 = new DataSource('db2', { connector: 'memory' }, builder);
    const Post2: any = builder.define(
      'Post',
      { title: 'string' },
      { relations: { tags: { type: 'hasAndBelongsToMany', model: 'Tag' } } },
      'PersistedModel',
    );
    const Tag2: any = builder.define('Tag', { name: 'string' }, {}, 'PersistedModel');
    ds2.attach(Post2);
    ds2.attach(Tag2);
    await (await Post2.create({ title: 'two' })).tags.create({ name: 'other' });
    expect(Post2.relations.tags.modelThrough.dataSource).toBe(ds2);
    expect(Post2.relations.tags.modelThrough).not.toBe(Post.relations.tags.modelThrough);
    expect(await Post.relations.tags.modelThrough.count()).toBe(1);
  });
});

describe('hasOne, referencesMany, polymorphic and embedded relations', () => {
  it('hasOne: create once, get, update, destroy', async () => {
    const { define } = setup();
    const User = define(
      'User',
      { name: 'string' },
      { relations: { profile: { type: 'hasOne', model: 'Profile' } } },
    );
    define('Profile', { bio: 'string' });
    const u = await User.create({ name: 'u' });
    expect(await u.profile()).toBeNull();
    await u.profile.create({ bio: 'hi' });
    await expect(u.profile.create({ bio: 'again' })).rejects.toMatchObject({
      statusCode: 409,
      code: 'DUPLICATE_RELATED',
    });
    expect(json(await u.profile.update({ bio: 'bye' }))).toEqual({ bio: 'bye', userId: 1, id: 1 });
    expect(json(await User.findById(1, { include: 'profile' }))).toEqual({
      name: 'u',
      id: 1,
      profile: { bio: 'bye', userId: 1, id: 1 },
    });
    await u.profile.destroy();
    expect(await u.profile.get()).toBeNull();
  });

  it('referencesMany keeps an array of ids on the owner, in order', async () => {
    const { define } = setup();
    const Cart = define(
      'Cart',
      { label: 'string' },
      { relations: { products: { type: 'referencesMany', model: 'Product' } } },
    );
    const Product = define('Product', { name: 'string' });
    const [a, b] = await Product.create([{ name: 'a' }, { name: 'b' }]);
    const cart = await Cart.create({ label: 'c', productIds: [b.id, a.id] });
    expect(Cart.definition.properties.productIds).toBeDefined();
    expect(json(await cart.products()).map((p: any) => p.name)).toEqual(['b', 'a']);
    await cart.products.remove(b.id);
    expect(json(await Cart.findById(cart.id))).toEqual({ label: 'c', productIds: [1], id: 1 });
    await cart.products.create({ name: 'c' });
    expect(json(await Cart.findById(1, { include: 'products' })).products.map((p: any) => p.name)).toEqual([
      'a',
      'c',
    ]);
  });

  it('polymorphic: hasMany with a discriminator and belongsTo resolving the model per row', async () => {
    const { define } = setup();
    const Author = define(
      'Author',
      { name: 'string' },
      { relations: { pictures: { type: 'hasMany', model: 'Picture', polymorphic: 'imageable' } } },
    );
    const Reader = define(
      'Reader',
      { name: 'string' },
      { relations: { pictures: { type: 'hasMany', model: 'Picture', polymorphic: 'imageable' } } },
    );
    const Picture = define(
      'Picture',
      { url: 'string' },
      { relations: { imageable: { type: 'belongsTo', polymorphic: true } } },
    );
    const author = await Author.create({ name: 'A' });
    const reader = await Reader.create({ name: 'R' });
    await author.pictures.create({ url: 'a.png' });
    await reader.pictures.create({ url: 'r.png' });
    expect(json(await author.pictures())).toEqual([
      { url: 'a.png', imageableId: 1, imageableType: 'Author', id: 1 },
    ]);
    const pics = await Picture.find({ include: 'imageable', order: 'id ASC' });
    expect(json(pics).map((p: any) => p.imageable)).toEqual([
      { name: 'A', id: 1 },
      { name: 'R', id: 1 },
    ]);
    expect(json(await pics[1].imageable())).toEqual({ name: 'R', id: 1 });
  });

  it('polymorphic keys from server code: one value each, a discriminator among the inverse relations or the "models" list', async () => {
    const { define } = setup();
    const Picture = define(
      'Picture',
      { url: 'string' },
      { relations: { imageable: { type: 'belongsTo', polymorphic: true } } },
    );
    define(
      'Author',
      { name: 'string' },
      { relations: { pictures: { type: 'hasMany', model: 'Picture', polymorphic: 'imageable' } } },
    );
    const Badge = define(
      'Badge',
      { label: 'string' },
      { relations: { holder: { type: 'belongsTo', polymorphic: true, models: ['Author'] } } },
    );
    const refused = { statusCode: 400, code: 'INVALID_VALUE' };
    await expect(
      Picture.create({ imageableType: 'Author', imageableId: { neq: null } }),
    ).rejects.toMatchObject({ ...refused, message: expect.stringContaining('Picture.imageableId') });
    await expect(
      Picture.create({ imageableType: 'Author', imageableId: { neq: null } }, { validate: false }),
    ).rejects.toMatchObject(refused);
    await expect(Picture.create({ imageableType: 'Picture', imageableId: 1 })).rejects.toMatchObject({
      ...refused,
      message: expect.stringContaining('one of Author; got "Picture"'),
    });
    await expect(Badge.create({ holderType: 'Picture', holderId: 1 })).rejects.toMatchObject({
      ...refused,
      message: expect.stringContaining('one of Author'),
    });
    await expect(Picture.updateAll({}, { imageableId: [1] })).rejects.toMatchObject(refused);
    // A hook writing an operator object is refused too, before the store sees it.
    const pic = await Picture.create({ url: 'a.png', imageableType: 'Author', imageableId: 1 });
    pic.imageableId = { gt: 0 };
    await expect(pic.save()).rejects.toMatchObject(refused);
    expect(json(await Picture.find())).toEqual([
      { url: 'a.png', imageableId: 1, imageableType: 'Author', id: 1 },
    ]);
    expect(() =>
      define('Bad', {}, { relations: { x: { type: 'belongsTo', polymorphic: true, models: 'Author' } } }),
    ).toThrow(/"models"/);
  });

  it('embedsOne and embedsMany store in the owner and validate the embedded model', async () => {
    const { define } = setup();
    define('Address', { street: { type: 'string', required: true } }, { idInjection: false });
    define(
      'Email',
      { id: 'number', label: 'string', address: { type: 'string', required: true } },
      { idInjection: false },
    );
    const Person = define(
      'Person',
      { name: 'string' },
      {
        relations: {
          address: { type: 'embedsOne', model: 'Address', property: 'billingAddress' },
          emails: { type: 'embedsMany', model: 'Email', property: 'emailList' },
        },
      },
    );
    const p = await Person.create({ name: 'P' });
    await p.address.create({ street: 'Main 1' });
    await expect(p.address.update({ street: '' })).rejects.toMatchObject({ statusCode: 422 });
    const e1 = await p.emails.create({ label: 'work', address: 'w@x.io' });
    await p.emails.create({ label: 'home', address: 'h@x.io' });
    expect(e1.id).toBe(1);
    await expect(p.emails.create({ label: 'bad' })).rejects.toMatchObject({ statusCode: 422 });
    await p.emails.updateById(1, { label: 'office' });
    await p.emails.destroyById(2);
    expect(json(await Person.findById(p.id))).toEqual({
      name: 'P',
      id: 1,
      billingAddress: { street: 'Main 1' },
      emailList: [{ id: 1, label: 'office', address: 'w@x.io' }],
    });
    expect(p.emails.at(0).label).toBe('office');
    expect(p.address.value().street).toBe('Main 1');
  });
  it('embedded ids as LB3 assigns them: only a store that generates ids (transient) gives an embedsOne item one', async () => {
    const { ds, define } = setup();
    define('Poster', { url: 'string' });
    const Group = define(
      'Group',
      { name: 'string' },
      { relations: { cover: { type: 'embedsOne', model: 'Poster', property: 'poster' } } },
    );
    const g = await Group.create({ name: 'G' });
    await g.cover.create({ url: 'http://image.url' });
    expect(json((await Group.findById(g.id)).poster)).toEqual({ url: 'http://image.url' });

    const transient = new DataSource('t', { connector: 'transient' }, ds.modelBuilder);
    transient.createModel('Stamp', { label: 'string' } as any, {} as any);
    const Letter = define(
      'Letter',
      { name: 'string' },
      { relations: { stamp: { type: 'embedsOne', model: 'Stamp', property: 'stampData' } } },
    );
    const l = await Letter.create({ name: 'L' });
    await l.stamp.create({ label: 'rare' });
    expect((await Letter.findById(l.id)).stampData.id).toMatch(/^[0-9a-f]{24}$/);
  });
});
