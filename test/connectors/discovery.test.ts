import { DataSource } from '../../src/juggler/datasource';
import { createModelBuilder } from '../../src/juggler/core-models';
import LB3 from '../fixtures/lb3-discovery.json';
import { describeStore, STORES, type SqlStoreName } from './stores';

/**
 * Discovery against real tables, compared with what LB3 answered for the same tables
 * (test/fixtures/lb3-discovery.json, recorded from loopback-connector-postgresql and -mysql).
 */

const DDL = {
  postgresql: [
    'DROP TABLE IF EXISTS lb3_order_line',
    'DROP VIEW IF EXISTS lb3_customer_names',
    'DROP TABLE IF EXISTS lb3_customer',
    'CREATE TABLE lb3_customer (id SERIAL PRIMARY KEY, full_name VARCHAR(40) NOT NULL, balance NUMERIC(10,2), born TIMESTAMPTZ, flag BOOLEAN, meta JSONB, note TEXT, score DOUBLE PRECISION, n INTEGER)',
    'CREATE TABLE lb3_order_line (id SERIAL PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES lb3_customer(id), qty INTEGER)',
    'CREATE VIEW lb3_customer_names AS SELECT id, full_name FROM lb3_customer',
  ],
  mysql: [
    'DROP TABLE IF EXISTS lb3_order_line',
    'DROP VIEW IF EXISTS lb3_customer_names',
    'DROP TABLE IF EXISTS lb3_customer',
    'CREATE TABLE lb3_customer (id INT AUTO_INCREMENT PRIMARY KEY, full_name VARCHAR(40) NOT NULL, balance DECIMAL(10,2), born DATETIME(3), flag TINYINT(1), meta JSON, note TEXT, score DOUBLE, n INT) ENGINE=InnoDB',
    'CREATE TABLE lb3_order_line (id INT AUTO_INCREMENT PRIMARY KEY, customer_id INT NOT NULL, qty INT, FOREIGN KEY (customer_id) REFERENCES lb3_customer(id)) ENGINE=InnoDB',
    'CREATE VIEW lb3_customer_names AS SELECT id, full_name FROM lb3_customer',
  ],
  sqlite: [
    'DROP TABLE IF EXISTS lb3_order_line',
    'DROP VIEW IF EXISTS lb3_customer_names',
    'DROP TABLE IF EXISTS lb3_customer',
    'CREATE TABLE lb3_customer (id INTEGER PRIMARY KEY, full_name VARCHAR(40) NOT NULL, balance NUMERIC(10,2), born DATETIME, flag BOOLEAN, meta JSON, note TEXT, score REAL, n INTEGER)',
    'CREATE TABLE lb3_order_line (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES lb3_customer(id), qty INTEGER)',
    'CREATE VIEW lb3_customer_names AS SELECT id, full_name FROM lb3_customer',
  ],
};

/**
 * What loopline answers for the SQLite tables above (LB3 has no recording here: its
 * loopback-connector-sqlite3 is not among the recorded packages). The declared types, as written;
 * SQLite keeps no foreign key's name unless the CREATE statement gives one.
 */
function sqliteExpected(): any {
  const owner = 'main';
  const column = (
    columnName: string,
    dataType: string,
    type: string,
    nullable: 'Y' | 'N',
    size: { length?: number; precision?: number; scale?: number } = {},
    id?: number,
  ) => {
    const [dataLength, dataPrecision, dataScale] = [
      size.length ?? null,
      size.precision ?? null,
      size.scale ?? null,
    ];
    return {
      type,
      required: nullable === 'N',
      length: dataLength,
      precision: dataPrecision,
      scale: dataScale,
      ...(id ? { id } : {}),
      sqlite: { columnName, dataType, dataLength, dataPrecision, dataScale, nullable },
    };
  };
  const fk = {
    fkOwner: owner,
    fkName: 'fk_lb3_order_line_0',
    fkTableName: 'lb3_order_line',
    fkColumnName: 'customer_id',
    keySeq: 1,
    pkOwner: owner,
    pkName: null,
    pkTableName: 'lb3_customer',
    pkColumnName: 'id',
  };
  return {
    pks: [{ owner, tableName: 'lb3_customer', columnName: 'id', keySeq: 1, pkName: null }],
    fks: [fk],
    exportedFks: [fk],
    fullNameColumn: {
      owner,
      tableName: 'lb3_customer',
      columnName: 'full_name',
      dataType: 'VARCHAR',
      dataLength: 40,
      dataPrecision: null,
      dataScale: null,
      nullable: 'N',
      type: 'String',
    },
    missingProperties: [],
    missingSchemaError: "Table 'no_such_table' does not exist.",
    schemas: {
      [`${owner}.lb3_order_line`]: {
        name: 'Lb3OrderLine',
        options: {
          idInjection: false,
          sqlite: { schema: owner, table: 'lb3_order_line' },
          relations: {
            fkLb3OrderLine0rel: { model: 'Lb3Customer', type: 'belongsTo', foreignKey: 'customerId' },
          },
        },
        properties: {
          id: column('id', 'INTEGER', 'Number', 'N', {}, 1),
          customerId: column('customer_id', 'INTEGER', 'Number', 'N'),
          qty: column('qty', 'INTEGER', 'Number', 'Y'),
        },
      },
      [`${owner}.lb3_customer`]: {
        name: 'Lb3Customer',
        options: { idInjection: false, sqlite: { schema: owner, table: 'lb3_customer' }, relations: {} },
        properties: {
          id: column('id', 'INTEGER', 'Number', 'N', {}, 1),
          fullName: column('full_name', 'VARCHAR', 'String', 'N', { length: 40 }),
          balance: column('balance', 'NUMERIC', 'Number', 'Y', { precision: 10, scale: 2 }),
          born: column('born', 'DATETIME', 'Date', 'Y'),
          flag: column('flag', 'BOOLEAN', 'Boolean', 'Y'),
          meta: column('meta', 'JSON', 'Object', 'Y'),
          note: column('note', 'TEXT', 'String', 'Y'),
          score: column('score', 'REAL', 'Number', 'Y'),
          n: column('n', 'INTEGER', 'Number', 'Y'),
        },
      },
    },
  };
}

/** The LB3 recording with the schema this run uses in place of $OWNER (SQLite: loopline's own answers). */
/** Documented difference: a PostgreSQL json/jsonb column is an Object property (LB3: String). */
const JSON_PROPERTY_TYPE: Partial<Record<SqlStoreName, string>> = { postgresql: 'Object' };

function lb3(store: 'postgresql' | 'mysql' | 'sqlite', owner: string): any {
  if (store === 'sqlite') return sqliteExpected();
  return JSON.parse(JSON.stringify(LB3[store]).replace(/\$OWNER/g, owner));
}

const code = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (err: any) => ({ statusCode: err.statusCode, code: err.code }),
  );

for (const store of STORES) {
  describeStore(store, () => {
    let ds: DataSource;

    beforeAll(() => {
      ds = new DataSource('db', store.settings, createModelBuilder());
    });

    afterAll(async () => {
      await ds?.disconnect();
    });

    if (!store.features.schema) {
      it('every discovery method is 400 DISCOVERY_UNSUPPORTED, by promise and by callback', async () => {
        const expected = { statusCode: 400, code: 'DISCOVERY_UNSUPPORTED' };
        expect(await code(ds.discoverModelDefinitions())).toEqual(expected);
        for (const m of [
          'discoverModelProperties',
          'discoverPrimaryKeys',
          'discoverForeignKeys',
          'discoverExportedForeignKeys',
          'discoverSchema',
          'discoverSchemas',
        ] as const) {
          expect(await code(ds[m]('anything', {}))).toEqual(expected);
        }
        const viaCallback = await new Promise<any>((resolve) =>
          ds.discoverSchema('anything', (err: any) => resolve(err)),
        );
        expect(viaCallback.code).toBe('DISCOVERY_UNSUPPORTED');
      });
      return;
    }

    const name = store.name as SqlStoreName;
    let owner: string;
    const run = (sql: string, params: unknown[] = []) => (ds.connector as any).execute(sql, params);

    beforeAll(async () => {
      for (const sql of DDL[name]) await run(sql);
      owner = { postgresql: 'public', sqlite: 'main', mysql: String(store.settings.database) }[name];
    });

    it('discoverModelDefinitions lists tables (views when asked), with owner, paged by limit/offset', async () => {
      const mine = (list: any) => list.filter((d: any) => d.name.startsWith('lb3_'));
      expect(mine(await ds.discoverModelDefinitions())).toEqual([
        { type: 'table', name: 'lb3_customer', owner },
        { type: 'table', name: 'lb3_order_line', owner },
      ]);
      expect(mine(await ds.discoverModelDefinitions({ views: true, owner }))).toEqual([
        { type: 'table', name: 'lb3_customer', owner },
        { type: 'view', name: 'lb3_customer_names', owner },
        { type: 'table', name: 'lb3_order_line', owner },
      ]);
      const all: any = await ds.discoverModelDefinitions({ schema: owner });
      const page: any = await ds.discoverModelDefinitions({ schema: owner, limit: 1, offset: 1 });
      expect(page).toEqual(all.slice(1, 2));
      expect(await ds.discoverModelDefinitions({ owner: "no'such_schema" })).toEqual([]);
      expect(await code(ds.discoverModelDefinitions({ limit: -1 }))).toEqual({
        statusCode: 400,
        code: 'INVALID_ARGUMENT',
      });
      const viaCallback = await new Promise<any>((resolve, reject) =>
        ds.discoverModelDefinitions({ owner }, (err: any, list: any) => (err ? reject(err) : resolve(list))),
      );
      expect(mine(viaCallback).map((d: any) => d.name)).toEqual(['lb3_customer', 'lb3_order_line']);
    });

    it('discoverModelProperties, discoverPrimaryKeys and discoverForeignKeys answer what LB3 answers', async () => {
      const expected = lb3(name, owner);
      const props: any = await ds.discoverModelProperties('lb3_customer', { owner });
      expect(props.map((p: any) => p.columnName)).toEqual([
        'id',
        'full_name',
        'balance',
        'born',
        'flag',
        'meta',
        'note',
        'score',
        'n',
      ]);
      expect(props.find((p: any) => p.columnName === 'full_name')).toEqual(expected.fullNameColumn);
      expect(await ds.discoverModelProperties('no_such_table')).toEqual(expected.missingProperties);
      expect(await ds.discoverPrimaryKeys('lb3_customer')).toEqual(expected.pks);
      expect(await ds.discoverForeignKeys('lb3_order_line')).toEqual(expected.fks);
      expect(await ds.discoverForeignKeys('lb3_customer')).toEqual([]);
      // LB3's PostgreSQL connector fails here with an SQL error; loopline answers the keys.
      expect(await ds.discoverExportedForeignKeys('lb3_customer')).toEqual(
        expected.exportedFks ?? expected.fks.map((fk: any) => fk),
      );
    });

    it('discoverSchemas follows foreign keys and builds the model JSON LB3 builds', async () => {
      const expected = lb3(name, owner).schemas;
      const meta = expected[`${owner}.lb3_customer`].properties.meta;
      meta.type = JSON_PROPERTY_TYPE[name] ?? meta.type;
      const schemas: any = await ds.discoverSchemas('lb3_order_line', { relations: true });
      expect(Object.keys(schemas)).toEqual([`${owner}.lb3_order_line`, `${owner}.lb3_customer`]);
      expect(schemas).toEqual(expected);
      const one: any = await ds.discoverSchema('lb3_customer', { owner });
      const { relations: _none, ...optionsWithout } = expected[`${owner}.lb3_customer`].options;
      expect(one).toEqual({ ...expected[`${owner}.lb3_customer`], options: optionsWithout });
    });

    it('an unknown table is 404 TABLE_NOT_FOUND; names travel as parameters, never as SQL', async () => {
      const err: any = await ds.discoverSchema('no_such_table').catch((e: unknown) => e);
      expect([err.statusCode, err.code]).toEqual([404, 'TABLE_NOT_FOUND']);
      expect(err.message).toContain(lb3(name, owner).missingSchemaError.replace(/\.$/, ''));
      const hostile = "lb3_customer'; DROP TABLE lb3_order_line; --";
      expect(await code(ds.discoverSchema(hostile, { owner: "x' OR '1'='1" }))).toEqual({
        statusCode: 404,
        code: 'TABLE_NOT_FOUND',
      });
      expect(await ds.discoverModelProperties(hostile)).toEqual([]);
      expect(
        ((await ds.discoverModelDefinitions()) as any[]).filter((d) => d.name === 'lb3_order_line'),
      ).toHaveLength(1);
    });

    it('round trip: automigrate a model, discover its table, and the discovered JSON reads the same rows', async () => {
      // Booleans and documents come back as such from PostgreSQL's and SQLite's column types (MariaDB's TINYINT(1) and LONGTEXT say Number and String).
      const documents = { postgresql: true, sqlite: true, mysql: false }[name];
      const Trip: any = ds.createModel(
        'SchemaTrip',
        {
          title: { type: 'string', required: true, length: 80 },
          price: { type: 'number', precision: 10, scale: 2 },
          count: { type: 'number' },
          at: { type: 'date' },
          ...(documents ? { done: { type: 'boolean' }, doc: { type: 'object' } } : {}),
        },
        {
          postgresql: { table: 'schema_trip' },
          mysql: { table: 'schema_trip' },
          sqlite: { table: 'schema_trip' },
        } as any,
      );
      await ds.automigrate('SchemaTrip');
      const at = new Date('2024-05-06T07:08:09.123Z');
      await Trip.create([
        {
          title: "O'Brien",
          price: 12.5,
          count: 3,
          at,
          ...(documents ? { done: true, doc: { a: [1] } } : {}),
        },
        { title: 'second', price: null, count: -1.5, at: null },
      ]);
      const json: any = await ds.discoverSchema('schema_trip');
      expect(json.name).toBe('SchemaTrip');
      expect(json.properties.title).toMatchObject({ type: 'String', required: true, length: 80 });
      expect(json.properties.price).toMatchObject({ type: 'Number', precision: 10, scale: 2 });
      expect(json.properties.id).toMatchObject({ type: 'Number', id: 1, required: true });
      const Discovered: any = ds.createModel('SchemaTripDiscovered', json.properties, json.options);
      const strip = (rows: any[]) => rows.map((r) => JSON.parse(JSON.stringify(r)));
      expect(strip(await Discovered.find({ order: 'id' }))).toEqual(strip(await Trip.find({ order: 'id' })));
      expect(await Discovered.count({ title: "O'Brien" })).toBe(1);
      // The same JSON as a model file would hold it (settings under `options`, as LB3 reads them).
      const FromFile: any = ds.modelBuilder.buildModelFromConfig({
        ...json,
        name: 'SchemaTripFile',
        base: 'PersistedModel',
      });
      ds.attach(FromFile);
      expect(strip(await FromFile.find({ order: 'id' }))).toEqual(strip(await Trip.find({ order: 'id' })));
    });
  });
}
