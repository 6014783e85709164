import fs from 'fs';
import os from 'os';
import path from 'path';
import { main } from '../../../src/cli';
import { runCli } from '../../support/run-cli';
import { scriptedPrompter } from '../../support/scripted-prompter';

/** `loopline new`, `model`, `relation`, `datasource` and `acl`: the files they write, and their errors. */
let tmp: string;
let app: string;
const read = (rel: string) => fs.readFileSync(path.join(app, rel), 'utf8');
const json = (rel: string) => JSON.parse(read(rel));

beforeEach(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'loopline-cli-'));
  app = path.join(tmp, 'shop');
  const made = await runCli(tmp, 'new', 'shop', '--loopline', 'file:/opt/loopline', '--skip-install');
  expect([made.code, made.err, made.out.split('\n').slice(0, 4)]).toEqual([
    0,
    '',
    ['Created shop (template empty, data source db on memory).', 'Next:', '  cd shop', '  npm install'],
  ]);
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('loopline new', () => {
  it('lays out an LB3 app folder that depends on loopline', () => {
    const files = (dir: string): string[] =>
      fs
        .readdirSync(path.join(app, dir), { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));
    expect(files('.').sort()).toEqual(
      [
        '.gitignore',
        'README.md',
        'common/models/.gitkeep',
        'eslint.config.js',
        'package.json',
        'test/root.test.js',
        'test/support/app.js',
        'tsconfig.json',
        'server/boot/authentication.js',
        'server/boot/root.js',
        'server/component-config.json',
        'server/config.json',
        'server/datasources.json',
        'server/middleware.json',
        'server/model-config.json',
        'server/server.js',
      ].sort(),
    );
    expect(json('package.json')).toEqual(
      expect.objectContaining({
        name: 'shop',
        main: 'server/server.js',
        scripts: {
          start: 'node .',
          dev: 'node --watch server/server.js',
          test: 'node --test',
          lint: 'eslint .',
          types: 'loopline types server',
        },
        dependencies: { loopline: 'file:/opt/loopline' },
      }),
    );
    expect(json('server/datasources.json')).toEqual({ db: { name: 'db', connector: 'memory' } });
    expect(json('server/component-config.json')).toEqual({
      'loopback-component-explorer': { mountPath: '/explorer' },
    });
    expect(read('server/config.json').startsWith('{\n  "restApiRoot": "/api",\n')).toBe(true);
    expect(read('server/server.js')).toContain("require('loopline/boot')");
  });

  it('depends on the clone it runs from unless told otherwise (an installed loopline names its version)', async () => {
    expect((await runCli(tmp, 'new', 'other', '--skip-install')).code).toBe(0);
    const root = path.resolve(__dirname, '../../..');
    expect(JSON.parse(fs.readFileSync(path.join(tmp, 'other/package.json'), 'utf8')).dependencies).toEqual({
      loopline: `file:${root}`,
    });
  });

  it('refuses a folder that is not empty, and a name npm would refuse', async () => {
    const again = await runCli(tmp, 'new', 'shop', '--skip-install');
    expect([again.code, again.err]).toEqual([
      1,
      expect.stringMatching(/shop exists and is not empty.*\[CLI_ALREADY_EXISTS\]\n$/),
    ]);
    const bad = await runCli(tmp, 'new', 'My App', '--skip-install');
    expect([bad.code, bad.err]).toEqual([1, expect.stringContaining('[CLI_INVALID_VALUE]')]);
    expect(fs.existsSync(path.join(tmp, 'My App'))).toBe(false);
  });
});

describe('loopline model', () => {
  it('writes the model JSON and script, and registers it in model-config.json', async () => {
    const res = await runCli(
      app,
      'model',
      'CustomerOrder',
      '--property',
      'title:string:required',
      '--property',
      'total:number',
      '--property',
      'tags:[string]',
      '--plural',
      'Orders',
      '--no-public',
    );
    expect([res.code, res.err]).toEqual([0, '']);
    expect(read('common/models/customer-order.json')).toBe(
      JSON.stringify(
        {
          name: 'CustomerOrder',
          plural: 'Orders',
          base: 'PersistedModel',
          idInjection: true,
          options: { validateUpsert: true },
          properties: {
            title: { type: 'string', required: true },
            total: { type: 'number' },
            tags: { type: ['string'] },
          },
          validations: [],
          relations: {},
          acls: [],
          methods: {},
        },
        null,
        2,
      ) + '\n',
    );
    expect(read('common/models/customer-order.js')).toBe(
      "'use strict';\n\nmodule.exports = function (CustomerOrder) {};\n",
    );
    const config = json('server/model-config.json');
    expect(Object.keys(config)).toEqual([
      '_meta',
      'User',
      'AccessToken',
      'ACL',
      'RoleMapping',
      'Role',
      'CustomerOrder',
    ]);
    expect(config.CustomerOrder).toEqual({ dataSource: 'db', public: false });
  });

  it('keeps the indent a config file already has', async () => {
    const file = path.join(app, 'server/model-config.json');
    fs.writeFileSync(file, JSON.stringify(JSON.parse(fs.readFileSync(file, 'utf8')), null, 4) + '\n');
    expect((await runCli(app, 'model', 'Note')).code).toBe(0);
    expect(fs.readFileSync(file, 'utf8')).toContain(
      '\n    "Note": {\n        "dataSource": "db",\n        "public": true\n    }\n}\n',
    );
  });

  it('extends an app model given as --base, and runs from a sub-folder of the app', async () => {
    expect((await runCli(app, 'model', 'Person', '--property', 'name:string')).code).toBe(0);
    expect(
      (
        await runCli(
          path.join(app, 'common'),
          'model',
          'Employee',
          '--base',
          'Person',
          '--datasource',
          'null',
        )
      ).code,
    ).toBe(0);
    expect(json('common/models/employee.json').base).toBe('Person');
    expect(json('server/model-config.json').Employee).toEqual({ dataSource: null, public: true });
  });

  it.each([
    [['model', 'Note', '--property', 'title:text'], 'CLI_INVALID_VALUE', '"text" is not a property type'],
    [
      ['model', 'Note', '--property', 'title:string:optional'],
      'CLI_INVALID_VALUE',
      'is not name:type[:required]',
    ],
    [
      ['model', 'Note', '--datasource', 'pg'],
      'CLI_UNKNOWN_DATASOURCE',
      'has no data source "pg" (it has db)',
    ],
    [['model', 'Note', '--base', 'Nope'], 'CLI_UNKNOWN_MODEL', '--base "Nope"'],
    [['model', '2Note'], 'CLI_INVALID_VALUE', 'cannot be a model name'],
    [['model', 'Note', '--colour', 'red'], 'CLI_USAGE', "unknown option '--colour'"],
    [['model'], 'CLI_USAGE', 'needs <Name>'],
  ])('%j fails with %s and writes nothing', async (argv, code, message) => {
    const before = read('server/model-config.json');
    const res = await runCli(app, ...argv);
    expect(res.code).toBe(code === 'CLI_USAGE' ? 2 : 1);
    expect(res.err).toContain(message);
    expect(res.err).toContain(`[${code}]`);
    expect(read('server/model-config.json')).toBe(before);
    expect(fs.readdirSync(path.join(app, 'common/models'))).toEqual(['.gitkeep']);
  });

  it('refuses a model that exists', async () => {
    expect((await runCli(app, 'model', 'Note')).code).toBe(0);
    const res = await runCli(app, 'model', 'Note');
    expect([res.code, res.err]).toEqual([
      1,
      expect.stringContaining('already has a model "Note" (common/models/note.json)'),
    ]);
  });

  it('needs an app folder', async () => {
    const res = await runCli(tmp, 'model', 'Note');
    expect([res.code, res.err]).toEqual([1, expect.stringContaining('[CLI_APP_NOT_FOUND]')]);
  });
});

describe('loopline relation', () => {
  beforeEach(async () => {
    for (const m of ['Customer', 'Order', 'Product', 'OrderLine'])
      expect((await runCli(app, 'model', m)).code).toBe(0);
  });

  it('adds relations with LB3’s default names', async () => {
    expect(
      (await runCli(app, 'relation', '--model', 'Customer', '--type', 'hasMany', '--target', 'Order')).code,
    ).toBe(0);
    expect(
      (
        await runCli(
          app,
          'relation',
          '--model',
          'Order',
          '--type',
          'belongsTo',
          '--target',
          'Customer',
          '--foreign-key',
          'buyerId',
          '--as',
          'buyer',
        )
      ).code,
    ).toBe(0);
    expect(
      (
        await runCli(
          app,
          'relation',
          '--model',
          'Order',
          '--type',
          'hasmany',
          '--target',
          'Product',
          '--through',
          'OrderLine',
        )
      ).code,
    ).toBe(0);
    expect(json('common/models/customer.json').relations).toEqual({
      orders: { type: 'hasMany', model: 'Order' },
    });
    expect(json('common/models/order.json').relations).toEqual({
      buyer: { type: 'belongsTo', model: 'Customer', foreignKey: 'buyerId' },
      products: { type: 'hasMany', model: 'Product', through: 'OrderLine' },
    });
  });

  it.each([
    [
      ['--model', 'Customer', '--type', 'hasLots', '--target', 'Order'],
      'CLI_INVALID_VALUE',
      '--type "hasLots" is not one of belongsTo, hasMany',
    ],
    [
      ['--model', 'Customer', '--type', 'hasMany', '--target', 'Nope'],
      'CLI_UNKNOWN_MODEL',
      '--target "Nope"',
    ],
    [['--model', 'Nope', '--type', 'hasMany', '--target', 'Order'], 'CLI_UNKNOWN_MODEL', 'no model "Nope"'],
    [
      ['--model', 'Customer', '--type', 'belongsTo', '--target', 'Order', '--through', 'OrderLine'],
      'CLI_INVALID_VALUE',
      '--through applies to hasMany',
    ],
    [['--model', 'Customer', '--type', 'hasMany'], 'CLI_USAGE', 'needs --model, --type and --target'],
  ])('%j fails with %s', async (argv, code, message) => {
    const before = read('common/models/customer.json');
    const res = await runCli(app, 'relation', ...argv);
    expect([res.err.includes(message), res.err.includes(`[${code}]`)]).toEqual([true, true]);
    expect(read('common/models/customer.json')).toBe(before);
  });

  it('refuses a relation name that is taken, leaving the file as it was', async () => {
    expect(
      (await runCli(app, 'relation', '--model', 'Customer', '--type', 'hasMany', '--target', 'Order')).code,
    ).toBe(0);
    const before = read('common/models/customer.json');
    const res = await runCli(
      app,
      'relation',
      '--model',
      'Customer',
      '--type',
      'hasOne',
      '--target',
      'Order',
      '--as',
      'orders',
    );
    expect([res.code, res.err]).toEqual([
      1,
      expect.stringContaining(
        'already has a relation "orders"; pick another name with --as. [CLI_ALREADY_EXISTS]',
      ),
    ]);
    expect(read('common/models/customer.json')).toBe(before);
  });
});

describe('loopline datasource', () => {
  it('adds memory and SQL data sources, in order, with typed settings', async () => {
    expect(
      (
        await runCli(
          app,
          'datasource',
          '--name',
          'pg',
          '--connector',
          'postgresql',
          '--host',
          '127.0.0.1',
          '--port',
          '5432',
          '--database',
          'shop',
          '--user',
          'postgres',
        )
      ).code,
    ).toBe(0);
    expect(
      (
        await runCli(
          app,
          'datasource',
          '--name',
          'cache',
          '--connector',
          'memory',
          '--file',
          'server/data/cache.json',
        )
      ).code,
    ).toBe(0);
    expect(read('server/datasources.json')).toBe(
      JSON.stringify(
        {
          db: { name: 'db', connector: 'memory' },
          pg: {
            name: 'pg',
            connector: 'postgresql',
            host: '127.0.0.1',
            port: 5432,
            database: 'shop',
            user: 'postgres',
          },
          cache: { name: 'cache', connector: 'memory', file: 'server/data/cache.json' },
        },
        null,
        2,
      ) + '\n',
    );
  });

  it.each([
    [
      ['--name', 'x', '--connector', 'mongodb'],
      'CLI_INVALID_VALUE',
      '"mongodb" is not a connector loopline has (memory, postgresql, postgres, mysql, mariadb',
    ],
    [['--name', 'x', '--connector', 'postgresq'], 'CLI_INVALID_VALUE', 'did you mean postgresql?'],
    [
      ['--name', 'x', '--connector', 'mysql', '--port', 'abc'],
      'CLI_INVALID_VALUE',
      '--port: must be a number',
    ],
    [
      ['--name', 'x', '--connector', 'memory', '--host', 'h'],
      'CLI_INVALID_VALUE',
      'the memory connector takes only --file',
    ],
    [['--name', 'db', '--connector', 'memory'], 'CLI_ALREADY_EXISTS', 'already has a data source "db"'],
    [['--connector', 'memory'], 'CLI_USAGE', 'needs --name'],
  ])('%j fails with %s', async (argv, code, message) => {
    const before = read('server/datasources.json');
    const res = await runCli(app, 'datasource', ...argv);
    expect([res.err.includes(message), res.err.includes(`[${code}]`)]).toEqual([true, true]);
    expect(read('server/datasources.json')).toBe(before);
  });
});

describe('loopline acl', () => {
  it('appends entries to the model’s acls', async () => {
    expect((await runCli(app, 'model', 'Order')).code).toBe(0);
    expect(
      (
        await runCli(
          app,
          'acl',
          '--model',
          'Order',
          '--principalType',
          'ROLE',
          '--principalId',
          '$everyone',
          '--permission',
          'DENY',
        )
      ).code,
    ).toBe(0);
    expect(
      (
        await runCli(
          app,
          'acl',
          '--model',
          'Order',
          '--principalType',
          'role',
          '--principalId',
          '$authenticated',
          '--permission',
          'allow',
          '--accessType',
          'read',
          '--property',
          'find',
        )
      ).code,
    ).toBe(0);
    expect(json('common/models/order.json').acls).toEqual([
      { accessType: '*', principalType: 'ROLE', principalId: '$everyone', permission: 'DENY' },
      {
        accessType: 'READ',
        principalType: 'ROLE',
        principalId: '$authenticated',
        permission: 'ALLOW',
        property: 'find',
      },
    ]);
  });

  it.each([
    [
      ['--model', 'Order', '--principalType', 'GROUP', '--principalId', 'x', '--permission', 'ALLOW'],
      'CLI_INVALID_VALUE',
      '--principalType "GROUP" is not one of ROLE, USER, APP',
    ],
    [
      ['--model', 'Order', '--principalType', 'ROLE', '--principalId', 'x', '--permission', 'MAYBE'],
      'CLI_INVALID_VALUE',
      '--permission "MAYBE" is not one of ALLOW, DENY',
    ],
    [
      [
        '--model',
        'Order',
        '--principalType',
        'ROLE',
        '--principalId',
        'x',
        '--permission',
        'ALLOW',
        '--accessType',
        'DELETE',
      ],
      'CLI_INVALID_VALUE',
      '--accessType "DELETE" is not one of',
    ],
    [
      ['--model', 'Nope', '--principalType', 'ROLE', '--principalId', 'x', '--permission', 'ALLOW'],
      'CLI_UNKNOWN_MODEL',
      'no model "Nope"',
    ],
    [['--model', 'Order'], 'CLI_USAGE', 'needs --model, --principalType, --principalId and --permission'],
  ])('%j fails with %s', async (argv, code, message) => {
    expect((await runCli(app, 'model', 'Order')).code).toBe(0);
    const before = read('common/models/order.json');
    const res = await runCli(app, 'acl', ...argv);
    expect([res.err.includes(message), res.err.includes(`[${code}]`)]).toEqual([true, true]);
    expect(read('common/models/order.json')).toBe(before);
  });
});

describe('loopline itself', () => {
  it('lists its commands, and answers an unknown one with exit code 2 and a suggestion', async () => {
    const help = await runCli(tmp, '--help');
    expect(help.out).toMatch(/^Usage: loopline \[options\] \[command\]/);
    for (const c of [
      'new',
      'model',
      'property',
      'relation',
      'remote-method',
      'datasource',
      'acl',
      'boot-script',
      'middleware',
      'migrate',
      'discover',
      'types',
    ])
      expect(help.out).toMatch(new RegExp(`\\n  ${c} `));
    const res = await runCli(tmp, 'modle');
    expect([res.code, res.err]).toEqual([
      2,
      expect.stringMatching(/^loopline: unknown command 'modle' \(Did you mean model\?\).*\[CLI_USAGE\]\n$/),
    ]);
  });
});

describe('prompts, when stdin is a terminal', () => {
  it('asks for what no flag gave, offering the defaults, and asks again after a bad answer', async () => {
    const prompter = scriptedPrompter([
      '2Book',
      'Book',
      '',
      'db',
      false,
      'title',
      'text',
      'string',
      true,
      'pages',
      'number',
      '',
      '',
    ]);
    expect(await main(['model'], { cwd: app, interactive: true, prompter, log: () => undefined })).toBe(0);
    expect(prompter.asked).toEqual([
      'Model name',
      'Base model',
      'Data source',
      'Expose it over REST?',
      'Property name (empty to finish)',
      'Type of title (string, number, integer, boolean, date, buffer, geopoint, object, array, any, or [type])',
      'Is title required?',
      'Property name (empty to finish)',
      'Type of pages (string, number, integer, boolean, date, buffer, geopoint, object, array, any, or [type])',
      'Is pages required?',
      'Property name (empty to finish)',
    ]);
    expect(prompter.refused).toEqual([
      expect.stringContaining('"2Book" cannot be a model name'),
      expect.stringContaining('"text" is not a property type'),
    ]);
    expect(json('common/models/book.json')).toEqual(
      expect.objectContaining({
        name: 'Book',
        base: 'PersistedModel',
        properties: { title: { type: 'string', required: true }, pages: { type: 'number' } },
      }),
    );
    expect(json('server/model-config.json').Book).toEqual({ dataSource: 'db', public: false });
  });
});
