/**
 * Compile-time checks of the public types; `npm run typecheck` compiles this file. Each
 * `@ts-expect-error` line must fail to type-check, or the check itself fails.
 */
import loopback, { PersistedModel, ModelOf } from '../../src';
import type { Filter, Where } from '../../src';

class Customer extends PersistedModel {
  declare name: string;
  declare age?: number;
  declare vip: boolean;
}

export async function typedUsage(): Promise<void> {
  const ds = loopback.createDataSource({ connector: 'memory' });
  const Product = ds.createModel('Product', { title: 'string', price: 'number' }) as ModelOf<{
    title: string;
    price: number;
  }>;
  const products = await Product.find({ where: { price: { lt: 10 } }, order: 'price ASC' });
  const title: string = products[0].title;
  // @ts-expect-error: price is a number
  const notString: string = products[0].price;
  // @ts-expect-error: `cost` is not a property of Product
  await Product.find({ where: { cost: 1 } });
  void [title, notString];
  const list: Customer[] = await Customer.find({
    where: { age: { gt: 18 }, name: { like: 'A%' } },
    order: 'age DESC',
    limit: 10,
  });
  const one: Customer | null = await Customer.findById(1, { fields: { name: true } });
  const created: Customer = await Customer.create({ name: 'Ann' });
  const many: Customer[] = await Customer.create([{ name: 'a' }, { name: 'b' }]);
  const n: number = await Customer.count({ vip: true });
  // LB3's aliases and the validations are statics of every model class.
  await Customer.deleteAll({ vip: false });
  await Customer.patchOrCreate({ name: 'Ann' });
  Customer.validatesPresenceOf('name', 'vip');
  Customer.validatesLengthOf('name', { min: 2 });
  // @ts-expect-error: a length rule needs its options
  Customer.validatesLengthOf('name');
  const where: Where<{ name: string; age: number }> = { or: [{ name: 'x' }, { age: { between: [1, 2] } }] };
  const filter: Filter<{ name: string }> = { where: { name: { inq: ['a', 'b'] } }, fields: ['name'] };
  // @ts-expect-error: age is a number, `like` applies to strings only
  await Customer.find({ where: { age: { like: 'x' } } });
  // @ts-expect-error: the result is Customer[], not a string
  const wrong: string = await Customer.find();
  void [list, one, created, many, n, where, filter, wrong];
}
