/**
 * Compile-time checks of the declarations `loopline types` generates for the example app
 * (server/models.d.ts): `npm run typecheck` compiles this file, and each `@ts-expect-error`
 * line must fail to type-check or the check itself fails.
 */
import type { LooplineApp } from '../../src';
import '../../server/models';

export async function typedAppModels(app: LooplineApp): Promise<void> {
  const customers = await app.models.Customer.find({
    where: { email: { like: '%@example.com' }, tier: 'gold' },
    include: 'orders',
    order: 'name ASC',
  });
  const name: string = customers[0].name;
  const withScope = await app.models.Customer.findOne({
    include: { relation: 'orders', scope: { where: { total: { gt: 10 } } } },
  });
  const order = await app.models.Order.findById(1, { include: ['customer'] });
  const total: number | undefined = order?.total;
  // @ts-expect-error: `nope` is not a relation of Customer
  await app.models.Customer.find({ include: 'nope' });
  // @ts-expect-error: email is a string
  await app.models.Customer.find({ where: { email: 5 } });
  // @ts-expect-error: Product has no `colour`
  await app.models.Product.find({ where: { colour: 'red' } });
  // @ts-expect-error: a Customer's name is a string
  const wrong: number = customers[0].name;
  void [name, withScope, total, wrong];
}
