import request from 'supertest';
import loopback from '../../../src';
import { ANSWERS_BY_PROMISE, callForPlainAnswer } from '../../../src/util/callback';

/**
 * The REST invocation calls loopline's own data-access methods without a callback (they answer by
 * promise alone, src/util/callback.ts ANSWERS_BY_PROMISE); a method an app put in their place is
 * called with a callback, as LB3 calls it, and may answer through either.
 */
function build() {
  const app: any = loopback({ localRegistry: true });
  app.dataSource('db', { connector: 'memory' });
  const Item = app.registry.createModel(
    'Item',
    { name: { type: 'string', required: true } },
    {
      base: 'PersistedModel',
    },
  );
  app.model(Item, { dataSource: 'db' });
  app.use('/api', loopback.rest());
  return { app, Item };
}

describe('loopline’s own methods answer REST calls by promise', () => {
  it('marks the data-access methods and their aliases, and nothing an app defines', () => {
    const { Item } = build();
    for (const fn of [Item.create, Item.find, Item.findById, Item.count, Item.updateAll, Item.upsert])
      expect(fn[ANSWERS_BY_PROMISE]).toBe(true);
    expect(Item.patchOrCreate[ANSWERS_BY_PROMISE]).toBe(true);
    expect(Item.prototype.patchAttributes[ANSWERS_BY_PROMISE]).toBe(true);
    expect(Item.prototype.updateAttributes[ANSWERS_BY_PROMISE]).toBe(true);
    // findOrCreate spreads [instance, created] to its callback: not marked
    expect(Item.findOrCreate[ANSWERS_BY_PROMISE]).toBeUndefined();
    expect(Item.createChangeStream[ANSWERS_BY_PROMISE]).toBeUndefined();
    // patchAttributes is its own function (as in LB3), not a call of updateAttributes
    expect(Item.prototype.patchAttributes).not.toBe(Item.prototype.updateAttributes);
  });

  it('answers CRUD over REST with the same bodies and statuses', async () => {
    const { app } = build();
    const created = await request(app).post('/api/Items').send({ name: 'a' });
    expect([created.status, created.body]).toEqual([200, { name: 'a', id: 1 }]);
    const patched = await request(app).patch('/api/Items/1').send({ name: 'b' });
    expect([patched.status, patched.body]).toEqual([200, { name: 'b', id: 1 }]);
    expect((await request(app).get('/api/Items/1')).body).toEqual({ name: 'b', id: 1 });
    expect((await request(app).get('/api/Items/count')).body).toEqual({ count: 1 });
    const invalid = await request(app).post('/api/Items').send({});
    expect(invalid.status).toBe(422);
    expect(invalid.body.error.code).toBe('VALIDATION_FAILED');
    const missing = await request(app).get('/api/Items/99');
    expect(missing.status).toBe(404);
    expect((await request(app).get('/api/Items')).body).toEqual([{ name: 'b', id: 1 }]);
  });

  it('calls a method an app put in their place with a callback, and takes its answer', async () => {
    const { app, Item } = build();
    await Item.create({ name: 'stored' });
    const seen: unknown[] = [];
    // callback-only, as many LB3 apps write them: returns nothing
    Item.findById = function (
      id: unknown,
      filter: unknown,
      options: unknown,
      cb: (e: unknown, r?: unknown) => void,
    ) {
      seen.push(typeof cb);
      setImmediate(() => cb(null, new Item({ name: `override ${String(id)}`, id: Number(id) })));
    };
    Item.prototype.patchAttributes = function (this: any, data: any, options: unknown, cb: any) {
      seen.push(typeof cb);
      cb(null, { name: `patched ${String(data.name)}`, id: this.id });
    };
    const found = await request(app).get('/api/Items/7');
    expect([found.status, found.body]).toEqual([200, { name: 'override 7', id: 7 }]);
    const patched = await request(app).patch('/api/Items/1').send({ name: 'x' });
    expect([patched.status, patched.body]).toEqual([200, { name: 'patched x', id: 1 }]);
    // findById (the GET, and the PATCH's instance lookup) and patchAttributes each got a callback
    expect(seen).toEqual(['function', 'function', 'function']);
  });

  it('hands REST a plain promise, and app code (an observer the method calls at once included) still a Bluebird one', async () => {
    const { app, Item } = build();
    await Item.create({ name: 'stored' });
    const kinds: string[] = [];
    // An observer that asks the model at once, before the method's first await.
    let asking = false;
    Item.observe('access', (ctx: unknown, next: () => void) => {
      if (asking) return next(); // the observer's own count
      asking = true;
      const inner = Item.count();
      kinds.push(typeof (inner as { spread?: unknown }).spread);
      inner.then(() => next(), next);
    });
    const listed = await request(app).get('/api/Items');
    expect([listed.status, listed.body]).toEqual([200, [{ name: 'stored', id: 1 }]]);
    expect(kinds).toEqual(['function']);
    // What app code calls is Bluebird's, as LB3's promises were; the REST invocation's call, plain.
    expect(typeof (Item.find() as { spread?: unknown }).spread).toBe('function');
    const plain = callForPlainAnswer(() => Item.find());
    expect(typeof (plain as { spread?: unknown }).spread).toBe('undefined');
    expect(await plain).toHaveLength(1);
    // Asked for once: the next call is the app's again.
    expect(typeof (Item.count() as { asCallback?: unknown }).asCallback).toBe('function');
  });
});
