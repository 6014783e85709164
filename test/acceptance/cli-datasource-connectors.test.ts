import fs from 'fs';
import path from 'path';
import { registerConnector, registeredConnectorNames } from '../../src/juggler/connectors/registry';
import { MemoryConnector } from '../../src/juggler/connectors/memory/memory-connector';
import { runCli } from '../support/run-cli';
import { scratchApp, ScratchApp } from '../support/cli-app';

/**
 * `loopline datasource --connector` takes what boot takes: the registry's names (read from the
 * registry, so one registered later is taken too), LB3's `loopback-connector-<name>` package
 * names of those, and an LB3 connector package installed in the app.
 */
let app: ScratchApp;
beforeEach(async () => {
  app = await scratchApp();
});
afterEach(() => app.remove());

describe('loopline datasource --connector', () => {
  it('takes every registered name and LB3’s package name of each', async () => {
    const names = registeredConnectorNames();
    expect(names).toEqual(expect.arrayContaining(['memory', 'postgresql', 'mysql', 'transient', 'kv-redis']));
    for (const [i, name] of names.entries()) {
      const res = await runCli(app.dir, 'datasource', '--name', `ds${i}`, '--connector', name);
      expect([name, res.code, res.err]).toEqual([name, 0, '']);
    }
    expect(
      (
        await runCli(
          app.dir,
          'datasource',
          '--name',
          'lb3pg',
          '--connector',
          'loopback-connector-postgresql',
          '--database',
          'shop',
        )
      ).code,
    ).toBe(0);
    expect(app.json('server/datasources.json').lb3pg).toEqual({
      name: 'lb3pg',
      connector: 'loopback-connector-postgresql',
      database: 'shop',
    });
  });

  it('a SQLite data source adds better-sqlite3 and its allowScripts entry to the app, once', async () => {
    fs.writeFileSync(
      path.join(app.dir, 'package.json'),
      JSON.stringify({ name: 'shop', dependencies: { loopline: '^0.1.0' } }, null, 2) + '\n',
    );
    const first = await runCli(
      app.dir,
      'datasource',
      '--name',
      'lite',
      '--connector',
      'sqlite3',
      '--file',
      'server/data/lite.db',
    );
    expect([first.code, first.out]).toEqual([0, expect.stringContaining('Added better-sqlite3')]);
    const pkg = app.json('package.json');
    expect([pkg.dependencies['better-sqlite3'], pkg.allowScripts]).toEqual([
      expect.stringMatching(/^\^12\./),
      { 'better-sqlite3': true },
    ]);
    const again = await runCli(app.dir, 'datasource', '--name', 'lite2', '--connector', 'sqlite');
    expect([again.code, again.out.includes('Added better-sqlite3')]).toEqual([0, false]);
    expect((await runCli(app.dir, 'datasource', '--name', 'pg', '--connector', 'postgresql')).code).toBe(0);
    expect(app.json('package.json')).toEqual(pkg);
  });

  it('offers and takes a connector registered later, in help and as a value', async () => {
    registerConnector('cli-test-store', (settings) => new MemoryConnector(settings));
    expect(
      (await runCli(app.dir, 'datasource', '--name', 'later', '--connector', 'cli-test-store')).code,
    ).toBe(0);
    expect((await runCli(app.dir, 'datasource', '--help')).out).toContain('cli-test-store');
  });

  it('takes an LB3 connector package installed in the app, and refuses one that is not', async () => {
    const pkg = path.join(app.dir, 'node_modules/loopback-connector-acme');
    fs.mkdirSync(pkg, { recursive: true });
    fs.writeFileSync(
      path.join(pkg, 'package.json'),
      JSON.stringify({ name: 'loopback-connector-acme', main: 'index.js' }),
    );
    fs.writeFileSync(path.join(pkg, 'index.js'), 'exports.initialize = (ds, cb) => cb && cb();\n');
    expect((await runCli(app.dir, 'datasource', '--name', 'acme', '--connector', 'acme')).err).toBe('');
    const missing = await runCli(app.dir, 'datasource', '--name', 'mongo', '--connector', 'mongodb');
    expect([missing.code, missing.err]).toEqual([
      1,
      expect.stringContaining(
        'nor an installed LB3 connector package (npm install loopback-connector-mongodb first to use one). [CLI_INVALID_VALUE]',
      ),
    ]);
  });
});
