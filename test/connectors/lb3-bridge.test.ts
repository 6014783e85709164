import { DataSource } from '../../src/juggler/datasource';
import { createModelBuilder } from '../../src/juggler/core-models';
import { describeStore, LB3_STORES } from './stores';

/**
 * The LB3 connector protocol: how a data source loads an LB3 connector (a package name or a module
 * object with initialize(dataSource, cb)), the errors a person can act on, and a connector's own
 * data-access methods. The real packages run the shared suite (connector-suite.test.ts) and
 * their own tests (lb3-kv-redis.test.ts, lb3-rest.test.ts).
 */

const make = (settings: Record<string, unknown>) => new DataSource('ds', settings, createModelBuilder());

describe('loading an LB3 connector', () => {
  it('names the npm install to run for a connector that is not installed', () => {
    expect(() => make({ connector: 'no-such-store' })).toThrow(
      expect.objectContaining({ statusCode: 500, code: 'CONNECTOR_NOT_INSTALLED' }),
    );
    expect(() => make({ connector: 'no-such-store' })).toThrow(
      /npm install loopback-connector-no-such-store --save/,
    );
    // LB3's own names are never tried without their prefix.
    expect(() => make({ connector: 'mongodb' })).toThrow(/looked for "loopback-connector-mongodb" from/);
  });

  it('says why a package that loads is not a connector', () => {
    // `debug` is installed and exports a function without initialize().
    expect(() => make({ connector: 'debug' })).toThrow(
      expect.objectContaining({ statusCode: 500, code: 'NOT_A_CONNECTOR' }),
    );
    expect(() => make({ connector: 'debug' })).toThrow(
      /"debug" is not a LoopBack connector: a connector module exports initialize\(dataSource, callback\), and this one exports function with the keys/,
    );
    expect(() => make({ connector: { find: () => [] } })).toThrow(
      expect.objectContaining({ code: 'NOT_A_CONNECTOR' }),
    );
    expect(() => make({ connector: { name: 'lazy', initialize: () => undefined } })).toThrow(
      /did not set dataSource.connector/,
    );
    expect(() =>
      make({
        connector: {
          initialize() {
            throw new Error('no host given');
          },
        },
      }),
    ).toThrow(
      expect.objectContaining({
        code: 'CONNECTOR_INIT_FAILED',
        message: expect.stringContaining('no host given'),
      }),
    );
  });

  it('resolves a package by name from the app (loopback-connector-<name> first)', async () => {
    const ds = make({ connector: 'rest', baseURL: 'http://127.0.0.1:9/' });
    expect((ds.connector as any).lb3.constructor.name).toBe('RestConnector');
    await ds.disconnect();
  });

  it('gives models the methods of a connector that brings its own data-access object, with their remoting metadata', async () => {
    const greet = Object.assign(
      function greet(this: unknown, name: string, cb: (err: null, text: string) => void) {
        cb(null, `hello ${name}`);
      },
      {
        shared: true,
        accepts: [{ arg: 'name', type: 'string' }],
        returns: { arg: 'text', type: 'string' },
        http: { verb: 'get' },
      },
    );
    const settingsSeen: unknown[] = [];
    const module = {
      initialize(dataSource: any, cb: () => void) {
        settingsSeen.push(dataSource.settings.root);
        const connector: any = { name: 'greeter', define() {} };
        connector.DataAccessObject = function DAO() {};
        connector.DataAccessObject.greet = greet;
        connector.DataAccessObject.prototype.shout = function (this: any) {
          return `${this.word}!`;
        };
        dataSource.connector = connector;
        process.nextTick(cb);
      },
    };
    const ds = make({ connector: module, root: '/data' });
    const Greeter: any = ds.createModel('Greeter', { word: 'string' });
    expect(settingsSeen).toEqual(['/data']);
    expect(Greeter.greet).toBe(greet);
    expect(Greeter.greet.accepts).toEqual([{ arg: 'name', type: 'string' }]);
    expect(await new Promise((resolve) => Greeter.greet('ann', (_e: unknown, t: string) => resolve(t)))).toBe(
      'hello ann',
    );
    expect(new Greeter({ word: 'hey' }).shout()).toBe('hey!');
  });
});

describe('an LB3 connector object made by the app', () => {
  it('is used as the installed connector (LB3 code passes `new MyConnector()`)', async () => {
    const rows: Record<string, unknown>[] = [];
    function Lb3Store(this: any) {
      this.name = 'mine';
    }
    Lb3Store.prototype.getTypes = () => ['db', 'nosql'];
    Lb3Store.prototype.create = function (
      _model: string,
      data: Record<string, unknown>,
      _options: unknown,
      cb: (err: null, id: number) => void,
    ) {
      rows.push({ ...data, id: rows.length + 1 });
      process.nextTick(() => cb(null, rows.length));
    };
    Lb3Store.prototype.all = function (
      _model: string,
      filter: { where?: { id?: number } },
      _options: unknown,
      cb: (err: null, r: unknown[]) => void,
    ) {
      process.nextTick(() =>
        cb(
          null,
          rows.filter((r) => filter.where?.id === undefined || r.id === filter.where.id),
        ),
      );
    };
    const ds = make({ connector: new (Lb3Store as any)() });
    const Note: any = ds.createModel('Note', { text: 'string' });
    const made = await Note.create({ text: 'hi' });
    expect(made.id).toBe(1);
    expect(rows).toEqual([{ text: 'hi', id: 1 }]);
    expect((await Note.findById(1)).text).toBe('hi');
    expect(ds.connector.name).toBe('mine');
  });
});

for (const store of LB3_STORES) {
  describeStore(store, () => {
    it("discovers tables, columns and keys through the package (LB3 discovery behind loopline's)", async () => {
      const ds = new DataSource('db', store.settings, createModelBuilder());
      const Shelf: any = ds.createModel('BrShelf', {
        label: { type: 'string', required: true },
        slots: 'number',
      });
      try {
        await ds.automigrate('BrShelf');
        await Shelf.create({ label: 'a', slots: 2 });
        const table = store.features.schema!.defaultName('BrShelf');
        // loopback-connector-mysql lists the schema named after the user unless told the owner (its own rule).
        const owner = { 'lb3-postgresql': {}, 'lb3-mysql': { owner: store.settings.database } }[store.name];
        const tables = (await ds.discoverModelDefinitions(owner)) as { name: string }[];
        expect(tables.map((t) => t.name)).toContain(table);
        const keys = (await ds.discoverPrimaryKeys(table, owner)) as { columnName: string }[];
        expect(keys.map((k) => k.columnName)).toEqual(['id']);
        const schema = (await ds.discoverSchema(table, owner)) as {
          name: string;
          properties: Record<string, { type: string; id?: number }>;
        };
        expect(schema.name).toBe('Brshelf');
        expect(Object.keys(schema.properties).sort()).toEqual(['id', 'label', 'slots']);
        expect(schema.properties.id.id).toBe(1);
        expect(schema.properties.label.type).toBe('String');
      } finally {
        await ds.disconnect();
      }
    });
  });
}
