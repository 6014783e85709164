import { json, type SuiteFixture } from './fixture';
import { Relay } from '../relay';

/** Transactions (capability transactions), and a store cut off and back (feature server). */
export function defineTransactionCases(fx: SuiteFixture): void {
  const { it, expect, features } = fx;
  const noTransactions =
    !features.transactions && 'the store has no transactions (capability transactions: false)';
  const noServer = !features.server && 'the store is embedded: there is no server to lose';

  fx.caseUnless(noTransactions, 'commits and rolls back transactions', async () => {
    const tx = await fx.Item.beginTransaction({ isolationLevel: fx.Item.Transaction.REPEATABLE_READ });
    await fx.Item.create({ id: 50, name: 'in tx' }, { transaction: tx });
    expect(await fx.Item.count({ id: 50 })).toBe(0);
    expect(await fx.Item.count({ id: 50 }, { transaction: tx })).toBe(1);
    await tx.commit();
    expect(await fx.Item.count({ id: 50 })).toBe(1);
    const tx2 = await fx.Item.beginTransaction({});
    await fx.Item.updateAll({ id: 50 }, { name: 'changed' }, { transaction: tx2 });
    await tx2.rollback();
    expect((await fx.Item.findById(50)).name).toBe('in tx');
    await expect(fx.Item.create({ id: 51 }, { transaction: tx2 })).rejects.toMatchObject({
      code: 'TRANSACTION_FINISHED',
    });
  });

  fx.caseUnless(
    noTransactions,
    'runs every DAO call in a transaction, across models, promise or callback style',
    async () => {
      const tx: any = await new Promise((resolve, reject) =>
        fx.Item.beginTransaction({ isolationLevel: 'SERIALIZABLE' }, (err: unknown, t: unknown) =>
          err ? reject(err) : resolve(t),
        ),
      );
      const opts = { transaction: tx };
      await fx.Item.create({ id: 70, name: 'tx', qty: 1 }, opts);
      expect((await fx.Item.findById(70, {}, opts)).name).toBe('tx');
      expect((await fx.Item.find({ where: { id: { gte: 70 } } }, opts)).map((i: any) => i.id)).toEqual([70]);
      expect(await fx.Item.updateAll({ id: 70 }, { qty: 2 }, opts)).toEqual({ count: 1 });
      const inst = await fx.Item.findById(70, {}, opts);
      await inst.patchAttributes({ name: 'patched' }, opts);
      await fx.Item.upsert({ id: 71, name: 'upserted' }, opts);
      expect(await fx.Item.destroyAll({ id: 1 }, opts)).toEqual({ count: 1 });
      const owner = await fx.Owner.create({ name: 'TxOwner' }, opts);
      await fx.Pet.create({ name: 'TxPet', ownerId: owner.id }, opts);
      // Nothing is visible outside before the commit.
      expect(await fx.Item.count({ id: { inq: [70, 71] } })).toBe(0);
      expect(await fx.Item.count({ id: 1 })).toBe(1);
      expect(await fx.Owner.count({ name: 'TxOwner' })).toBe(0);
      await new Promise<void>((resolve, reject) =>
        tx.commit((err: unknown) => (err ? reject(err) : resolve())),
      );
      expect(
        json(await fx.Item.find({ where: { id: { gte: 70 } } })).map((i: any) => [
          i.id,
          i.name,
          i.qty ?? null,
        ]),
      ).toEqual([
        [70, 'patched', 2],
        [71, 'upserted', null],
      ]);
      expect(await fx.Item.count({ id: 1 })).toBe(0);
      expect(
        (await fx.Pet.find({ where: { name: 'TxPet' }, include: 'owner' })).map(
          (p: any) => json(p).owner.name,
        ),
      ).toEqual(['TxOwner']);

      const tx2 = await fx.Owner.beginTransaction('READ COMMITTED');
      const gone = await fx.Owner.create({ name: 'Gone' }, { transaction: tx2 });
      await fx.Pet.create({ name: 'GonePet', ownerId: gone.id }, { transaction: tx2 });
      await fx.Item.destroyAll({}, { transaction: tx2 });
      await new Promise<void>((resolve, reject) =>
        tx2.rollback((err: unknown) => (err ? reject(err) : resolve())),
      );
      expect(await fx.Owner.count({ name: 'Gone' })).toBe(0);
      expect(await fx.Pet.count({ name: 'GonePet' })).toBe(0);
      expect(await fx.Item.count()).toBe(5);
    },
  );

  fx.caseUnless(noTransactions, 'refuses an unknown isolation level with 400', async () => {
    await expect(
      fx.Item.beginTransaction({ isolationLevel: 'READ COMMITTED; DROP TABLE x' }),
    ).rejects.toMatchObject({ statusCode: 400 });
    expect(await fx.Item.count()).toBe(4);
  });

  fx.caseUnless(
    noServer || noTransactions,
    'answers 503 STORE_UNAVAILABLE quickly while the store is down, and recovers when it returns',
    async () => {
      const relay = new Relay(String(fx.store.settings.host), Number(fx.store.settings.port));
      await relay.start();
      const cut = fx.dataSource('cut', {
        ...fx.store.settings,
        port: relay.port,
        connectionTimeout: 1000,
        connectTimeout: 1000,
      });
      const Far: any = cut.createModel(
        'CtItem',
        { id: { type: 'number', id: true, generated: false }, name: 'string' },
        { forceId: false },
      );
      try {
        expect(await Far.count()).toBe(4);
        // A transaction open (and idle) when the store goes away: no crash, and a clear answer.
        const open = await Far.beginTransaction({});
        await Far.create({ id: 90, name: 'lost' }, { transaction: open });
        await relay.stop();
        await new Promise((r) => setTimeout(r, 50));
        await expect(Far.create({ id: 91 }, { transaction: open })).rejects.toMatchObject({
          statusCode: 503,
          code: 'STORE_UNAVAILABLE',
        });
        await expect(open.commit()).rejects.toMatchObject({ statusCode: 503, code: 'STORE_UNAVAILABLE' });
        await expect(open.rollback()).resolves.toBeUndefined();
        for (let i = 0; i < 2; i++) {
          const t0 = Date.now();
          await expect(Far.find({ where: { id: 1 } })).rejects.toMatchObject({
            statusCode: 503,
            code: 'STORE_UNAVAILABLE',
          });
          expect(Date.now() - t0).toBeLessThan(2500);
        }
        await expect(Far.beginTransaction({})).rejects.toMatchObject({
          statusCode: 503,
          code: 'STORE_UNAVAILABLE',
        });
        await relay.start();
        let answer: unknown;
        for (let i = 0; i < 3 && answer === undefined; i++) answer = await Far.count().catch(() => undefined);
        expect(answer).toBe(4);
        expect((await Far.findById(1)).name).toBe('apple');
        expect(await Far.findById(90)).toBeNull();
        const again = await Far.beginTransaction({});
        await Far.create({ id: 92, name: 'after' }, { transaction: again });
        await again.rollback();
        expect(await Far.count()).toBe(4);
      } finally {
        await cut.disconnect().catch(() => undefined);
        await relay.stop();
      }
    },
  );

  fx.caseUnless(noTransactions, 'rolls a transaction back when its timeout passes', async () => {
    const tx = await fx.Item.beginTransaction({ timeout: 50 });
    await fx.Item.create({ id: 60, name: 'late' }, { transaction: tx });
    await new Promise((r) => setTimeout(r, 150));
    expect(tx.finished).toBe(true);
    expect(await fx.Item.count({ id: 60 })).toBe(0);
  });

  if (!features.transactions) {
    it('has no transactions, and says so', async () => {
      await expect(fx.Item.beginTransaction({})).rejects.toMatchObject({
        statusCode: 400,
        code: 'TRANSACTIONS_UNSUPPORTED',
      });
    });
  }
}
