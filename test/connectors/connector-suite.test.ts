import { DataSource } from '../../src/juggler/datasource';
import { createModelBuilder } from '../../src/juggler/core-models';
import { describeStore, STORES } from './stores';

/**
 * ONE suite, run unchanged against every store: memory, PostgreSQL and MariaDB. No mocks: real
 * servers, real tables (recreated by automigrate before the suite).
 */

const json = (v: unknown) => JSON.parse(JSON.stringify(v));
/** SQL stores answer every column (null when unset, as LB3's SQL connectors); memory only what was set. */
const present = (v: unknown) => JSON.parse(JSON.stringify(v), (_k, x) => (x === null ? undefined : x));

for (const store of STORES) {
  describeStore(store, () => {
    let ds: DataSource;
    let Item: any;
    let Owner: any;
    let Pet: any;
    let Tag: any;
    let Tagging: any;

    beforeAll(async () => {
      ds = new DataSource('db', store.settings, createModelBuilder());
      Owner = ds.createModel('CtOwner', { name: { type: 'string', required: true } }, { relations: { pets: { type: 'hasMany', model: 'CtPet', foreignKey: 'ownerId' }, tags: { type: 'hasMany', model: 'CtTag', through: 'CtTagging', foreignKey: 'ownerId', keyThrough: 'tagId' } } } as any);
      Pet = ds.createModel('CtPet', { name: 'string', ownerId: 'number' }, { relations: { owner: { type: 'belongsTo', model: 'CtOwner', foreignKey: 'ownerId' } } } as any);
      Tag = ds.createModel('CtTag', { label: 'string' });
      Tagging = ds.createModel('CtTagging', { ownerId: 'number', tagId: 'number' });
      Item = ds.createModel(
        'CtItem',
        {
          id: { type: 'number', id: true, generated: false },
          name: { type: 'string' },
          qty: { type: 'number' },
          price: { type: 'number' },
          active: { type: 'boolean' },
          at: { type: 'date' },
          meta: { type: 'object' },
          tags: { type: ['string'] },
        },
        { forceId: false } as any,
      );
      await ds.automigrate(['CtOwner', 'CtPet', 'CtTag', 'CtTagging', 'CtItem']);
    });

    afterAll(async () => {
      await ds?.disconnect();
    });

    beforeEach(async () => {
      await Item.destroyAll();
      await Item.create([
        { id: 1, name: 'apple', qty: 5, price: 1.25, active: true, at: new Date('2020-01-01T00:00:00.000Z'), meta: { color: 'red', size: 2 }, tags: ['fruit', 'red'] },
        { id: 2, name: 'Banana', qty: 0, price: 0.5, active: false, at: new Date('2021-06-15T12:30:00.000Z'), meta: { color: 'yellow', size: 3 }, tags: ['fruit'] },
        { id: 3, name: 'cherry pie', qty: 12, price: 7.75, active: true, at: new Date('2022-12-31T23:59:59.999Z'), meta: { color: 'red', size: 10 } },
        { id: 4, name: null, qty: null, price: 3, active: null },
      ]);
    });

    const names = async (where: object, extra: object = {}) => (await Item.find({ where, order: 'id ASC', ...extra })).map((i: any) => i.id);

    it('round-trips every type', async () => {
      expect(json(await Item.findById(1))).toEqual({ id: 1, name: 'apple', qty: 5, price: 1.25, active: true, at: '2020-01-01T00:00:00.000Z', meta: { color: 'red', size: 2 }, tags: ['fruit', 'red'] });
      const four = await Item.findById(4);
      expect(present(four)).toEqual({ id: 4, price: 3 });
      expect([four.name, four.qty, four.active]).toEqual([null, null, null]);
      expect((await Item.findById(3)).at).toBeInstanceOf(Date);
      expect((await Item.findById(2)).active).toBe(false);
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
      expect(await names({ or: [{ name: 'apple' }, { and: [{ active: true }, { qty: { gt: 10 } }] }] })).toEqual([1, 3]);
      expect(await names({ active: true, price: { gt: 2 } })).toEqual([3]);
      expect(await names({ at: { gt: '2021-01-01T00:00:00.000Z' } })).toEqual([2, 3]);
      expect(await names({ 'meta.color': 'red' })).toEqual([1, 3]);
    });

    it('orders, pages and projects', async () => {
      expect((await Item.find({ order: 'price DESC', limit: 2 })).map((i: any) => i.id)).toEqual([3, 4]);
      expect((await Item.find({ order: ['active DESC', 'id DESC'], where: { active: { neq: null } } })).map((i: any) => i.id)).toEqual([3, 1, 2]);
      expect((await Item.find({ order: 'id ASC', skip: 1, limit: 2 })).map((i: any) => i.id)).toEqual([2, 3]);
      expect((await Item.find({ order: 'id ASC', offset: 3 })).map((i: any) => i.id)).toEqual([4]);
      expect(present(await Item.find({ fields: ['name'], where: { id: { lt: 3 } }, order: 'id ASC' }))).toEqual([{ name: 'apple' }, { name: 'Banana' }]);
      expect(json(await Item.findOne({ where: { qty: { gt: 1 } }, order: 'qty DESC' })).id).toBe(3);
      expect(await Item.count()).toBe(4);
      expect(await Item.count({ active: true })).toBe(2);
    });

    it('writes: update, upsert, replace, findOrCreate, destroy, with counts', async () => {
      expect(await Item.updateAll({ active: true }, { qty: 100 })).toEqual({ count: 2 });
      expect(await names({ qty: 100 })).toEqual([1, 3]);
      const up = await Item.upsert({ id: 2, name: 'banana' });
      expect(json(up)).toMatchObject({ id: 2, name: 'banana', qty: 0 });
      const created = await Item.upsert({ id: 10, name: 'new' });
      expect(created.id).toBe(10);
      const replaced = await Item.replaceById(1, { name: 'only name' });
      expect(present(replaced)).toEqual({ id: 1, name: 'only name' });
      const [found, wasCreated] = await Item.findOrCreate({ where: { name: 'new' } }, { id: 11, name: 'new' });
      expect([found.id, wasCreated]).toEqual([10, false]);
      const inst = await Item.findById(3);
      await inst.patchAttributes({ price: 8 });
      expect((await Item.findById(3)).price).toBe(8);
      expect(await Item.destroyById(3)).toEqual({ count: 1 });
      expect(await Item.destroyAll({ id: { gt: 9 } })).toEqual({ count: 1 });
      expect(await Item.count()).toBe(3);
    });

    it('refuses a duplicate id with 409 DUPLICATE_ID and keeps the row', async () => {
      await expect(Item.create({ id: 1, name: 'again' })).rejects.toMatchObject({ statusCode: 409, code: 'DUPLICATE_ID' });
      expect((await Item.findById(1)).name).toBe('apple');
    });

    it('stores and matches SQL metacharacters literally, in values and in every filter position', async () => {
      const hostile = ["'; DROP TABLE \"CtItem\"; --", 'a" OR "1"="1', 'back\\slash', '100% _sure_', 'ünïcødé ✓ 𝄞', '`tick`'];
      await Item.create(hostile.map((name, i) => ({ id: 100 + i, name, meta: { note: name } })));
      for (const [i, name] of hostile.entries()) {
        expect(await names({ name })).toEqual([100 + i]);
        expect(await names({ name: { inq: [name] } })).toEqual([100 + i]);
        expect(await names({ 'meta.note': name })).toEqual([100 + i]);
        expect(json(await Item.findById(100 + i)).name).toBe(name);
      }
      expect(await names({ name: { like: '100\\% %' } })).toEqual([103]);
      expect(await Item.count()).toBe(4 + hostile.length);
    });

    it('never sends unknown property names to the store', async () => {
      expect(await Item.find({ where: { 'nope; DROP TABLE x': 1 } })).toEqual([]);
      await expect(Item.find({ order: 'name; DROP TABLE x' })).rejects.toMatchObject({ statusCode: 400 });
      expect(await Item.count()).toBe(4);
    });

    it('includes hasMany, belongsTo and hasMany-through', async () => {
      await Tagging.destroyAll();
      await Pet.destroyAll();
      await Owner.destroyAll();
      await Tag.destroyAll();
      const ann = await Owner.create({ name: 'Ann' });
      const bob = await Owner.create({ name: 'Bob' });
      await ann.pets.create([{ name: 'Rex' }, { name: 'Tom' }]);
      await bob.pets.create({ name: 'Kit' });
      const [t1, t2] = await Tag.create([{ label: 'x' }, { label: 'y' }]);
      await ann.tags.add(t1);
      await ann.tags.add(t2);
      await bob.tags.add(t2);
      const owners = await Owner.find({ include: ['pets', 'tags'], order: 'name ASC' });
      expect(json(owners).map((o: any) => [o.name, o.pets.map((p: any) => p.name), o.tags.map((t: any) => t.label)])).toEqual([
        ['Ann', ['Rex', 'Tom'], ['x', 'y']],
        ['Bob', ['Kit'], ['y']],
      ]);
      const pets = await Pet.find({ include: 'owner', order: 'name ASC' });
      expect(json(pets).map((p: any) => [p.name, p.owner.name])).toEqual([
        ['Kit', 'Bob'],
        ['Rex', 'Ann'],
        ['Tom', 'Ann'],
      ]);
    });

    if (store.name !== 'memory') {
      it('commits and rolls back transactions', async () => {
        const tx = await Item.beginTransaction({ isolationLevel: 'READ COMMITTED' });
        await Item.create({ id: 50, name: 'in tx' }, { transaction: tx });
        expect(await Item.count({ id: 50 })).toBe(0);
        expect(await Item.count({ id: 50 }, { transaction: tx })).toBe(1);
        await tx.commit();
        expect(await Item.count({ id: 50 })).toBe(1);
        const tx2 = await Item.beginTransaction({});
        await Item.updateAll({ id: 50 }, { name: 'changed' }, { transaction: tx2 });
        await tx2.rollback();
        expect((await Item.findById(50)).name).toBe('in tx');
        await expect(Item.create({ id: 51 }, { transaction: tx2 })).rejects.toMatchObject({ code: 'TRANSACTION_FINISHED' });
      });

      it('rolls a transaction back when its timeout passes', async () => {
        const tx = await Item.beginTransaction({ timeout: 50 });
        await Item.create({ id: 60, name: 'late' }, { transaction: tx });
        await new Promise((r) => setTimeout(r, 150));
        expect(tx.finished).toBe(true);
        expect(await Item.count({ id: 60 })).toBe(0);
      });

      it('autoupdate adds a column and keeps the rows', async () => {
        Item.defineProperty('extra', { type: 'string' });
        expect(await (ds.connector as any).isActual([Item.definition])).toBe(false);
        await ds.autoupdate(['CtItem']);
        expect(await (ds.connector as any).isActual([Item.definition])).toBe(true);
        expect(await Item.count()).toBe(4);
        await Item.updateAll({ id: 1 }, { extra: 'yes' });
        expect((await Item.findById(1)).extra).toBe('yes');
      });
    } else {
      it('has no transactions, and says so', async () => {
        await expect(Item.beginTransaction({})).rejects.toMatchObject({ statusCode: 400, code: 'TRANSACTIONS_UNSUPPORTED' });
      });
    }
  });
}
