import { DataSource } from '../../src/juggler/datasource';
import { createModelBuilder } from '../../src/juggler/core-models';
import { describeStore, STORES } from './stores';

/**
 * MySQL's pool answers every statement's rows as arrays (mysql2's fast path); the runner makes them
 * objects for every caller that did not ask for arrays: raw SQL through connector.execute (one
 * result set, columns of one name, several result sets of a CALL), and the statements with
 * a result header.
 */
for (const store of STORES.filter((s) => s.name === 'mysql')) {
  describeStore(store, () => {
    let ds: DataSource;
    const run = (sql: string, params: unknown[] = []) => (ds.connector as any).execute(sql, params);

    beforeAll(async () => {
      ds = new DataSource('db', store.settings, createModelBuilder());
      const Row = ds.createModel('MrRow', { name: 'string', n: 'number' });
      await ds.automigrate(['MrRow']);
      await Row.create([
        { name: 'a', n: 1 },
        { name: 'b', n: 2 },
      ]);
      await run('DROP PROCEDURE IF EXISTS mr_two_sets');
      await run(
        'CREATE PROCEDURE mr_two_sets() BEGIN SELECT 1 AS one; SELECT `name` FROM `MrRow` ORDER BY `id`; END',
      );
    });

    afterAll(async () => {
      await run('DROP PROCEDURE IF EXISTS mr_two_sets').catch(() => undefined);
      await ds?.disconnect();
    });

    it('answers raw SELECTs, prepared or not, with rows as objects by column name', async () => {
      expect(await run('SELECT `name`, `n` FROM `MrRow` WHERE `n` > ? ORDER BY `id`', [0])).toEqual([
        { name: 'a', n: 1 },
        { name: 'b', n: 2 },
      ]);
      expect(await run('SELECT 1 AS x, 2 AS x')).toEqual([{ x: 2 }]);
      expect(await run('SHOW TABLES LIKE ?', ['MrRow'])).toEqual([
        { [`Tables_in_${store.settings.database} (MrRow)`]: 'MrRow' },
      ]);
      expect(await run('UPDATE `MrRow` SET `n` = ? WHERE `n` = ?', [1, 1])).toEqual({
        affectedRows: 1,
        count: 1,
      });
    });

    it('answers each result set of a CALL with its rows as objects', async () => {
      const sets = await run('CALL mr_two_sets()');
      expect(sets[0]).toEqual([{ one: 1 }]);
      expect(sets[1]).toEqual([{ name: 'a' }, { name: 'b' }]);
      expect(sets[2]).toMatchObject({ affectedRows: 0 });
    });
  });
}
