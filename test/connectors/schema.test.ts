import { DataSource } from '../../src/juggler/datasource';
import { createModelBuilder } from '../../src/juggler/core-models';
import { describeStore, expectedOn, STORES, type SqlStoreName } from './stores';

/**
 * autoupdate and isActual against real tables: what information_schema says afterwards, and that
 * the rows are still there.
 */

const json = (v: unknown) => JSON.parse(JSON.stringify(v));

/** How each SQL store's catalog answers a table's columns and its indexes (but the primary key's). */
const CATALOG: Record<SqlStoreName, { columns: string; indexes: string }> = {
  postgresql: {
    columns: `SELECT column_name AS name, format_type(a.atttypid, a.atttypmod) AS type, c.is_nullable AS nullable FROM information_schema.columns c JOIN pg_attribute a ON a.attrelid = ('public.' || c.table_name)::regclass AND a.attname = c.column_name WHERE c.table_schema = 'public' AND c.table_name = $1`,
    indexes: `SELECT i.relname AS name, ix.indisunique AS u, a.attname AS col FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY(ix.indkey) WHERE t.relname = $1 AND NOT ix.indisprimary ORDER BY i.relname, array_position(ix.indkey::int[], a.attnum::int)`,
  },
  sqlite: {
    columns: `SELECT name, lower(type) AS type, CASE WHEN "notnull" = 1 OR pk > 0 THEN 'NO' ELSE 'YES' END AS nullable FROM pragma_table_info(?)`,
    indexes: `SELECT l.name AS name, l."unique" AS u, i.name AS col FROM pragma_index_list(?) l JOIN pragma_index_info(l.name) i WHERE l.origin <> 'pk' ORDER BY l.name, i.seqno`,
  },
  mysql: {
    columns:
      'SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type, IS_NULLABLE AS nullable FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?',
    indexes:
      "SELECT INDEX_NAME AS name, NON_UNIQUE = 0 AS u, COLUMN_NAME AS col FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND INDEX_NAME <> 'PRIMARY' ORDER BY INDEX_NAME, SEQ_IN_INDEX",
  },
};

for (const store of STORES) {
  describeStore(store, () => {
    let ds: DataSource;
    const { schema, sql } = store.features;
    /** This store's entry of a table of expectations by store (as the hostile-case table's). */
    const byStore = <T>(table: Record<SqlStoreName, T>): T => expectedOn(store, table);
    const table = 'schema_evolve';
    const run = async (statement: string, params: unknown[] = []): Promise<any[]> =>
      (ds.connector as any).execute(statement, params);
    const p = (n: number) => sql!.parameter(n);

    /** Each column's type and nullability as the store reports them. */
    async function columns(): Promise<Record<string, string>> {
      const rows = await run(byStore(CATALOG).columns, [table]);
      return Object.fromEntries(
        rows.map((r) => [
          String(r.name),
          `${String(r.type).replace(/^int\(11\)$/, 'int')} ${r.nullable === 'YES' ? 'NULL' : 'NOT NULL'}`,
        ]),
      );
    }

    /** Each index (but the primary key): "name: [UNIQUE] col, col". */
    async function indexes(): Promise<string[]> {
      const rows = await run(byStore(CATALOG).indexes, [table]);
      const by = new Map<string, { u: boolean; cols: string[] }>();
      for (const r of rows) {
        const e = by.get(r.name) ?? { u: r.u === true || Number(r.u) === 1, cols: [] };
        e.cols.push(r.col);
        by.set(r.name, e);
      }
      return [...by].map(([name, e]) => `${name}: ${e.u ? 'UNIQUE ' : ''}${e.cols.join(', ')}`);
    }

    const settings = { postgresql: { table }, mysql: { table }, sqlite: { table } };

    beforeAll(() => {
      ds = new DataSource('db', store.settings, createModelBuilder());
    });

    afterAll(async () => {
      await ds?.disconnect();
    });

    if (!schema) {
      it('autoupdate keeps the rows and isActual is true (the memory store has no schema)', async () => {
        const M: any = ds.createModel('SchemaEvolve', { code: 'string' });
        await ds.automigrate('SchemaEvolve');
        await M.create({ code: 'a' });
        ds.createModel('SchemaEvolve', { code: 'string', more: 'number' });
        await ds.autoupdate('SchemaEvolve');
        expect(await ds.isActual('SchemaEvolve')).toBe(true);
        expect(await M.count()).toBe(1);
      });
      return;
    }

    it('autoupdate creates a missing table with its indexes; isActual is false before and true after', async () => {
      await run(`DROP TABLE IF EXISTS ${sql!.quote(table)}`);
      ds.createModel('SchemaEvolve', { code: { type: 'string', length: 12, index: true } }, settings as any);
      expect(await ds.isActual('SchemaEvolve')).toBe(false);
      await ds.autoupdate('SchemaEvolve');
      expect(await ds.isActual('SchemaEvolve')).toBe(true);
      expect(await indexes()).toEqual(['schema_evolve_code_idx: code']);
      const viaCallback = await new Promise((resolve, reject) =>
        ds.isActual('SchemaEvolve', (err, actual) => (err ? reject(err) : resolve(actual))),
      );
      expect(viaCallback).toBe(true);
    });

    it('autoupdate alters types, lengths and nullability, adds columns, keeps every row and every unmapped column', async () => {
      const V1: any = ds.createModel(
        'SchemaEvolve',
        {
          code: { type: 'string' },
          size: { type: 'string', length: 10 },
          label: { type: 'string', required: true },
          note: { type: 'string' },
          price: { type: 'number', precision: 8, scale: 2 },
        },
        settings as any,
      );
      await ds.automigrate('SchemaEvolve');
      await V1.create([
        { code: '12', size: 'S', label: 'first', note: "it's kept", price: 9.99 },
        { code: '7.5', size: 'M', label: 'second', note: null, price: null },
      ]);
      expect(await ds.isActual('SchemaEvolve')).toBe(true);
      expect(await columns()).toMatchObject(
        byStore({
          postgresql: {
            code: 'text NULL',
            size: 'character varying(10) NULL',
            label: 'text NOT NULL',
            price: 'numeric(8,2) NULL',
          },
          sqlite: {
            code: 'text NULL',
            size: 'varchar(10) NULL',
            label: 'text NOT NULL',
            price: 'numeric(8,2) NULL',
          },
          mysql: {
            code: 'text NULL',
            size: 'varchar(10) NULL',
            label: 'text NOT NULL',
            price: 'decimal(8,2) NULL',
          },
        }),
      );

      const V2: any = ds.createModel(
        'SchemaEvolve',
        {
          code: { type: 'number' },
          size: { type: 'string', length: 20, required: true },
          label: { type: 'string' },
          price: { type: 'number', precision: 10, scale: 3 },
          added: { type: 'string', required: true },
        },
        settings as any,
      );
      expect(await ds.isActual('SchemaEvolve')).toBe(false);
      await ds.autoupdate('SchemaEvolve');
      expect(await ds.isActual('SchemaEvolve')).toBe(true);
      expect(await columns()).toEqual(
        byStore({
          postgresql: {
            id: 'integer NOT NULL',
            code: 'double precision NULL',
            size: 'character varying(20) NOT NULL',
            label: 'text NULL',
            note: 'text NULL',
            price: 'numeric(10,3) NULL',
            added: 'text NULL',
          },
          sqlite: {
            id: 'integer NOT NULL',
            code: 'real NULL',
            size: 'varchar(20) NOT NULL',
            label: 'text NULL',
            note: 'text NULL',
            price: 'numeric(10,3) NULL',
            added: 'text NULL',
          },
          mysql: {
            id: 'int NOT NULL',
            code: 'double NULL',
            size: 'varchar(20) NOT NULL',
            label: 'text NULL',
            note: 'text NULL',
            price: 'decimal(10,3) NULL',
            added: 'text NULL',
          },
        }),
      );
      expect(json(await V2.find({ order: 'id' }))).toEqual([
        { id: 1, code: 12, size: 'S', label: 'first', price: 9.99, added: null },
        { id: 2, code: 7.5, size: 'M', label: 'second', price: null, added: null },
      ]);
      // The column no property maps to any more is kept, with its data.
      expect((await run(`SELECT note FROM ${sql!.quote(table)} WHERE id = ${p(1)}`, [1]))[0].note).toBe(
        "it's kept",
      );
      // The required column added to rows that have no value stays NULL-able; once every row has one, it becomes NOT NULL.
      await V2.updateAll({}, { added: 'x' });
      expect(await ds.isActual('SchemaEvolve')).toBe(false);
      await ds.autoupdate('SchemaEvolve');
      expect((await columns()).added).toBe('text NOT NULL');
      expect(await ds.isActual('SchemaEvolve')).toBe(true);
    });

    it('a type change the rows cannot take fails the statement and changes nothing', async () => {
      const V1: any = ds.createModel('SchemaEvolve', { code: { type: 'string' } }, settings as any);
      await ds.automigrate('SchemaEvolve');
      await V1.create({ code: 'not a number' });
      ds.createModel('SchemaEvolve', { code: { type: 'number' } }, settings as any);
      await expect(ds.autoupdate('SchemaEvolve')).rejects.toBeDefined();
      expect((await columns()).code).toBe('text NULL');
      expect(json(await V1.find())).toEqual([{ id: 1, code: 'not a number' }]);
      expect(await ds.isActual('SchemaEvolve')).toBe(false);
    });

    it('autoupdate adds, recreates and drops indexes to match the model', async () => {
      const V1: any = ds.createModel(
        'SchemaEvolve',
        {
          code: { type: 'string', length: 20, index: true },
          size: { type: 'string', length: 20 },
          label: { type: 'string', length: 20 },
        },
        {
          ...settings,
          indexes: { schema_evolve_pair: { keys: { size: 1, label: 1 } }, schema_evolve_gone: { label: 1 } },
        } as any,
      );
      await ds.automigrate('SchemaEvolve');
      await V1.create([
        { code: 'a', size: 's', label: 'l1' },
        { code: 'b', size: 's', label: 'l2' },
      ]);
      expect(await indexes()).toEqual([
        'schema_evolve_code_idx: code',
        'schema_evolve_gone: label',
        'schema_evolve_pair: size, label',
      ]);
      ds.createModel(
        'SchemaEvolve',
        {
          code: { type: 'string', length: 20 },
          size: { type: 'string', length: 20, index: { unique: true } },
          label: { type: 'string', length: 20 },
        },
        {
          ...settings,
          indexes: { schema_evolve_pair: { keys: { size: 1, label: 1 }, options: { unique: true } } },
        } as any,
      );
      expect(await ds.isActual('SchemaEvolve')).toBe(false);
      // Two rows share a size: the unique index on size alone cannot be built, and autoupdate says so.
      await expect(ds.autoupdate('SchemaEvolve')).rejects.toBeDefined();
      await V1.updateAll({ code: 'b' }, { size: 't' });
      await ds.autoupdate('SchemaEvolve');
      expect(await ds.isActual('SchemaEvolve')).toBe(true);
      expect(await indexes()).toEqual([
        'schema_evolve_pair: UNIQUE size, label',
        'schema_evolve_size_idx: UNIQUE size',
      ]);
      expect(await V1.count()).toBe(2);
    });

    it('foreign keys from the foreignKeys setting: automigrate and autoupdate create them, the store enforces them', async () => {
      const Customer: any = ds.createModel('SchemaCustomer', { name: 'string' }, {
        postgresql: { table: 'schema_customer' },
        mysql: { table: 'schema_customer' },
        sqlite: { table: 'schema_customer' },
      } as any);
      const Order: any = ds.createModel('SchemaOrder', { total: 'number', customerId: 'number' }, {
        postgresql: { table: 'schema_order' },
        mysql: { table: 'schema_order' },
        sqlite: { table: 'schema_order' },
        relations: { customer: { type: 'belongsTo', model: 'SchemaCustomer', foreignKey: 'customerId' } },
        foreignKeys: {
          schema_order_customer_fk: {
            name: 'schema_order_customer_fk',
            entity: 'SchemaCustomer',
            entityKey: 'id',
            foreignKey: 'customerId',
            onDelete: 'CASCADE',
          },
        },
      } as any);
      await ds.automigrate(['SchemaOrder', 'SchemaCustomer']);
      const fks = async () =>
        ((await ds.discoverForeignKeys('schema_order')) as any[]).map(
          (f) => `${f.fkName}: ${f.fkColumnName} -> ${f.pkTableName}.${f.pkColumnName}`,
        );
      expect(await fks()).toEqual([
        `schema_order_customer_fk: ${schema.defaultName('customerId')} -> schema_customer.id`,
      ]);
      const ann = await Customer.create({ name: 'Ann' });
      await Order.create({ total: 5, customerId: ann.id });
      await expect(Order.create({ total: 1, customerId: 999 })).rejects.toMatchObject({
        statusCode: 409,
        code: 'FOREIGN_KEY_VIOLATION',
        details: { reason: 'missing', constraint: 'schema_order_customer_fk' },
      });
      expect(await Order.count()).toBe(1);
      expect(await ds.isActual(['SchemaCustomer', 'SchemaOrder'])).toBe(true);
      // Recreating the referenced table alone drops the key that pointed at it; autoupdate adds it back, keeping the rows.
      await ds.automigrate('SchemaCustomer');
      expect(await fks()).toEqual([]);
      expect(await ds.isActual('SchemaOrder')).toBe(false);
      expect((await Customer.create({ name: 'Ann again' })).id).toBe(ann.id);
      await ds.autoupdate('SchemaOrder');
      expect(await fks()).toHaveLength(1);
      expect(await ds.isActual(['SchemaCustomer', 'SchemaOrder'])).toBe(true);
      expect(await Order.count()).toBe(1);
      await Customer.destroyById(ann.id);
      expect(await Order.count()).toBe(0);
    });

    it('honours dataType, dataLength, dataPrecision, dataScale and columnName in automigrate and autoupdate', async () => {
      const own = (settings: Record<string, unknown>) => ({
        postgresql: settings,
        mysql: settings,
        sqlite: settings,
      });
      ds.createModel(
        'SchemaEvolve',
        {
          code: { type: 'string', ...own({ columnName: 'the_code', dataType: 'varchar', dataLength: 30 }) },
          amount: { type: 'number', ...own({ dataType: 'decimal', dataPrecision: 12, dataScale: 4 }) },
        },
        settings as any,
      );
      await ds.automigrate('SchemaEvolve');
      expect(await columns()).toMatchObject(
        byStore({
          postgresql: { the_code: 'character varying(30) NULL', amount: 'numeric(12,4) NULL' },
          mysql: { the_code: 'varchar(30) NULL', amount: 'decimal(12,4) NULL' },
          sqlite: { the_code: 'varchar(30) NULL', amount: 'decimal(12,4) NULL' },
        }),
      );
      expect(await ds.isActual('SchemaEvolve')).toBe(true);
      const M: any = ds.createModel(
        'SchemaEvolve',
        {
          code: { type: 'string', ...own({ columnName: 'the_code', dataType: 'varchar', dataLength: 40 }) },
          amount: { type: 'number', ...own({ dataType: 'decimal', dataPrecision: 12, dataScale: 4 }) },
        },
        settings as any,
      );
      await M.create({ code: 'abc', amount: 1.2345 });
      expect(await ds.isActual('SchemaEvolve')).toBe(false);
      await ds.autoupdate('SchemaEvolve');
      expect((await columns()).the_code).toBe(
        byStore({
          postgresql: 'character varying(40) NULL',
          mysql: 'varchar(40) NULL',
          sqlite: 'varchar(40) NULL',
        }),
      );
      expect(await ds.isActual('SchemaEvolve')).toBe(true);
      expect(json(await M.find())).toEqual([{ id: 1, code: 'abc', amount: 1.2345 }]);
    });

    it('isActual is false when the table lost a column the model maps', async () => {
      ds.createModel('SchemaEvolve', { code: { type: 'string' }, size: { type: 'number' } }, settings as any);
      await ds.automigrate('SchemaEvolve');
      expect(await ds.isActual('SchemaEvolve')).toBe(true);
      await run(`ALTER TABLE ${sql!.quote(table)} DROP COLUMN size`);
      expect(await ds.isActual('SchemaEvolve')).toBe(false);
      await ds.autoupdate('SchemaEvolve');
      expect(await ds.isActual('SchemaEvolve')).toBe(true);
    });
  });
}
