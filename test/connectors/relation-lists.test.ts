import { DataSource } from '../../src/juggler/datasource';
import { createModelBuilder } from '../../src/juggler/core-models';
import { describeStore, STORES } from './stores';

/**
 * Relations whose data is a list on the owner's row, on every store: referencesMany id lists
 * edited by separately loaded copies of one owner at once (two REST calls), embedsMany items of a
 * Model-based item model (numbered ids, create, build + save of the owner), items on the transient
 * store, and an empty `foreignKey` that means the default key — the defects LB3 apps met.
 */

const json = (v: unknown) => JSON.parse(JSON.stringify(v));
const PARALLEL = 8;

for (const store of STORES) {
  describeStore(store, () => {
    let ds: DataSource;
    let Product: any;
    let Cart: any;
    let Person: any;
    let Customer: any;
    let Order: any;

    beforeAll(async () => {
      ds = new DataSource('db', store.settings, createModelBuilder());
      const transient = new DataSource('t', { connector: 'transient' }, ds.modelBuilder);
      Product = ds.createModel('RlProduct', { name: 'string' });
      Cart = ds.createModel('RlCart', { label: 'string' }, {
        relations: { products: { type: 'referencesMany', model: 'RlProduct', foreignKey: 'productIds' } },
      } as any);
      ds.modelBuilder.define('RlEmail', { label: 'string' } as any, {} as any, 'Model');
      transient.attach(ds.modelBuilder.define('RlStamp', { label: 'string' } as any, {} as any, 'Model'));
      Person = ds.createModel('RlPerson', { name: 'string' }, {
        relations: {
          emails: { type: 'embedsMany', model: 'RlEmail', property: 'emailList' },
          stamps: { type: 'embedsMany', model: 'RlStamp', property: 'stampList' },
        },
      } as any);
      Customer = ds.createModel('RlCustomer', { name: 'string' }, {
        relations: { orders: { type: 'hasMany', model: 'RlOrder', foreignKey: '' } },
      } as any);
      Order = ds.createModel('RlOrder', { total: 'number' }, {
        relations: { customer: { type: 'belongsTo', model: 'RlCustomer', foreignKey: '' } },
      } as any);
      await ds.automigrate(['RlProduct', 'RlCart', 'RlPerson', 'RlCustomer', 'RlOrder']);
    });

    afterAll(async () => {
      await ds?.disconnect();
    });

    it(`referencesMany: ${PARALLEL} adds at once through separately loaded copies of the owner all land`, async () => {
      const products = await Product.create(Array.from({ length: PARALLEL }, (_, i) => ({ name: `p${i}` })));
      const cart = await Cart.create({ label: 'c' });
      const copies = await Promise.all(products.map(() => Cart.findById(cart.id)));
      const added = await Promise.all(
        copies.map((copy: any, i: number) => copy.products.add(products[i].id)),
      );
      expect(added.map((p: any) => p.name)).toEqual(products.map((p: any) => p.name));
      const stored = (await Cart.findById(cart.id)).productIds;
      expect([...stored].sort((a: number, b: number) => a - b)).toEqual(
        products.map((p: any) => p.id).sort((a: number, b: number) => a - b),
      );
    });

    it('referencesMany: removes at once through separate copies each take their own id out, keeping the rest in order', async () => {
      const products = await Product.create([{ name: 'a' }, { name: 'b' }, { name: 'c' }, { name: 'd' }]);
      const ids = products.map((p: any) => p.id);
      const cart = await Cart.create({ label: 'r', productIds: ids });
      const [one, two] = await Promise.all([Cart.findById(cart.id), Cart.findById(cart.id)]);
      await Promise.all([one.products.remove(ids[1]), two.products.remove(ids[2])]);
      expect((await Cart.findById(cart.id)).productIds).toEqual([ids[0], ids[3]]);
      // An add on a copy loaded before another copy's add keeps that add too.
      const [stale, other] = await Promise.all([Cart.findById(cart.id), Cart.findById(cart.id)]);
      await other.products.add(ids[1]);
      await stale.products.add(ids[2]);
      expect((await Cart.findById(cart.id)).productIds).toEqual([ids[0], ids[3], ids[1], ids[2]]);
    });

    it('embedsMany of a Model-based item model: items are numbered, created, updated and removed by id', async () => {
      const person = await Person.create({ name: 'p' });
      const first = await person.emails.create({ label: 'work' });
      const second = await person.emails.create({ label: 'home' });
      expect([first.id, second.id]).toEqual([1, 2]);
      await person.emails.updateById(2, { label: 'office' });
      await person.emails.create({ label: 'old' });
      await person.emails.destroyById(1);
      expect(json((await Person.findById(person.id)).emailList)).toEqual([
        { label: 'office', id: 2 },
        { label: 'old', id: 3 },
      ]);
    });

    it("embedsMany: items built on a new owner are stored, with ids, by the owner's save", async () => {
      const person = new Person({ name: 'built' });
      person.emails.build({ label: 'b1' });
      person.emails.build({ label: 'b2' });
      await person.save();
      expect(json((await Person.findById(person.id)).emailList)).toEqual([
        { label: 'b1', id: 1 },
        { label: 'b2', id: 2 },
      ]);
      const again = await Person.findById(person.id);
      again.emails.build({ label: 'b3' });
      await again.save();
      expect(json((await Person.findById(person.id)).emailList).map((e: any) => e.id)).toEqual([1, 2, 3]);
    });

    it('embedsMany items of a model on the transient store get its generated ids', async () => {
      const person = await Person.create({ name: 't' });
      await person.stamps.create({ label: 's1' });
      const built = new Person({ name: 'tb' });
      built.stamps.build({ label: 's2' });
      await built.save();
      const ids = [
        ...(await Person.findById(person.id)).stampList,
        ...(await Person.findById(built.id)).stampList,
      ].map((s: any) => s.id);
      expect(ids).toEqual([expect.stringMatching(/^[0-9a-f]{24}$/), expect.stringMatching(/^[0-9a-f]{24}$/)]);
      expect(ids[0]).not.toBe(ids[1]);
    });

    it('an empty "foreignKey" means each relation\'s default key, as LB3 (hasMany: rlCustomerId, belongsTo customer: customerId)', async () => {
      const customer = await Customer.create({ name: 'c' });
      const order = await customer.orders.create({ total: 5 });
      expect(json(order)).toEqual({ total: 5, rlCustomerId: customer.id, id: order.id });
      expect(Object.keys(Order.definition.properties).sort()).toEqual([
        'customerId',
        'id',
        'rlCustomerId',
        'total',
      ]);
      expect(json(await customer.orders()).map((o: any) => o.total)).toEqual([5]);
      const placed = await Order.create({ total: 6, customerId: customer.id });
      expect(json(await Order.findById(placed.id, { include: 'customer' })).customer).toEqual({
        name: 'c',
        id: customer.id,
      });
    });
  });
}
