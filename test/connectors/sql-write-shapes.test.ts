import { DataSource } from '../../src/juggler/datasource';
import { createModelBuilder } from '../../src/juggler/core-models';
import { describeStore, STORES } from './stores';

/**
 * The SQL stores keep their INSERT and UPDATE-by-id texts by the set of properties written
 * (write-statements.ts): the same set in another key order, a property given as undefined, a
 * different set right after, and a model of more properties than a bit mask holds must all write
 * what they say.
 */

const json = (v: unknown) => JSON.parse(JSON.stringify(v));

for (const store of STORES.filter((s) => s.name !== 'memory')) {
  describeStore(store, () => {
    let ds: DataSource;
    let Item: any;
    let Wide: any;
    const wideProps: Record<string, string> = {};
    for (let i = 0; i < 34; i++) wideProps[`p${i}`] = 'number';

    beforeAll(async () => {
      ds = new DataSource('db', store.settings, createModelBuilder());
      Item = ds.createModel('WsItem', {
        title: { type: 'string', required: true },
        done: { type: 'boolean', default: false },
        priority: 'number',
        at: 'date',
      });
      Wide = ds.createModel('WsWide', wideProps);
      await ds.automigrate(['WsItem', 'WsWide']);
    });

    afterAll(async () => {
      await ds?.disconnect();
    });

    it('creates rows of one set of properties in any key order, and of other sets between them', async () => {
      const at = new Date('2024-02-03T04:05:06.000Z');
      const a = await Item.create({ title: 'a', priority: 1 });
      const b = await Item.create({ priority: 2, title: 'b' });
      const c = await Item.create({ at, title: 'c', done: true });
      const d = await Item.create({ title: 'd', priority: undefined });
      const rows = json(
        await Item.find({ where: { id: { inq: [a.id, b.id, c.id, d.id] } }, order: 'id ASC' }),
      );
      expect(rows.map((r: any) => [r.title, r.done, r.priority, r.at])).toEqual([
        ['a', false, 1, null],
        ['b', false, 2, null],
        ['c', true, null, at.toISOString()],
        ['d', false, null, null],
      ]);
    });

    it('patches by id with the set in any order, a property given as undefined written as NULL, and answers the row', async () => {
      const at = new Date('2024-05-06T07:08:09.000Z');
      const item = await Item.create({ title: 'p', priority: 5, at });
      const def = Item.definition;
      const connector = ds.connector as any;
      await connector.patchById(def, item.id, { title: 'q', priority: 6 }, {});
      const answered = await connector.patchById(def, item.id, { priority: 7, title: 'r' }, {});
      // PostgreSQL and SQLite answer the updated row (RETURNING); MySQL the id.
      if (store.name !== 'mysql')
        expect(json(answered)).toEqual({
          title: 'r',
          done: false,
          priority: 7,
          at: at.toISOString(),
          id: item.id,
        });
      else expect(answered).toEqual({ id: item.id });
      await connector.patchById(def, item.id, { at: undefined, done: true }, {});
      expect(json(await Item.findById(item.id))).toEqual({
        title: 'r',
        done: true,
        priority: 7,
        at: null,
        id: item.id,
      });
      expect(await connector.patchById(def, 999999, { priority: 1 }, {})).toBeNull();
    });

    it('writes a model of more properties than the bit mask holds', async () => {
      const w = await Wide.create({ p0: 1, p33: 33 });
      await w.patchAttributes({ p32: 32, p0: 0 });
      const row = json(await Wide.findById(w.id));
      expect([row.p0, row.p1, row.p32, row.p33]).toEqual([0, null, 32, 33]);
    });
  });
}
