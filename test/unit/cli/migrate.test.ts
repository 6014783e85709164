import fs from 'fs';
import os from 'os';
import path from 'path';
import { loopback } from '../../../src/loopback/loopback';
import { boot } from '../../../src/boot';
import { STORES, describeStore } from '../../connectors/stores';
import { runCli } from '../../support/run-cli';

/**
 * `loopline migrate` on each store: automigrate creates (or empties) the model's table,
 * autoupdate adds a new property's column and keeps the rows. Rows are read back through a
 * freshly booted copy of the app, as `node server` would see them.
 */
jest.setTimeout(60000);

function settingsFlags(settings: Record<string, unknown>, dataDir: string): string[] {
  if (settings.connector === 'memory') return ['--file', path.join(dataDir, 'db.json')];
  return ['host', 'port', 'database', 'user', 'password'].flatMap((k) => (settings[k] === undefined || settings[k] === '' ? [] : [`--${k}`, String(settings[k])]));
}

async function bootApp(dir: string): Promise<any> {
  const app = loopback();
  await boot(app, { appRootDir: path.join(dir, 'server') });
  return app;
}

for (const store of STORES) {
  describeStore(store, () => {
    let tmp: string;
    let dir: string;
    const apps: any[] = [];
    const model = `CliMigrate${store.name.charAt(0).toUpperCase()}${store.name.slice(1)}`;
    const fresh = async () => {
      const app = await bootApp(dir);
      apps.push(app);
      return app.models[model];
    };

    beforeAll(async () => {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'loopline-migrate-'));
      dir = path.join(tmp, 'app');
      expect((await runCli(tmp, 'new', 'app')).code).toBe(0);
      const ds = await runCli(dir, 'datasource', '--name', 'store', '--connector', store.name, ...settingsFlags(store.settings, tmp));
      expect([ds.code, ds.err]).toEqual([0, '']);
      expect((await runCli(dir, 'model', model, '--datasource', 'store', '--property', 'title:string:required')).code).toBe(0);
    });
    afterAll(async () => {
      for (const app of apps) for (const ds of new Set(Object.values(app.dataSources) as any[])) await ds.disconnect();
      fs.rmSync(tmp, { recursive: true, force: true });
    });

    it('automigrate creates the table, autoupdate adds a column and keeps the rows, automigrate again empties it', async () => {
      const first = await runCli(dir, 'migrate', '--datasource', 'store');
      expect([first.code, first.err, first.out]).toEqual([0, '', `automigrate of data source "store": ${model}.\n`]);
      await (await fresh()).create({ title: 'kept' });

      const file = path.join(dir, 'common/models', `cli-migrate-${store.name}.json`);
      const def = JSON.parse(fs.readFileSync(file, 'utf8'));
      def.properties.body = { type: 'string' };
      fs.writeFileSync(file, JSON.stringify(def, null, 2) + '\n');
      const update = await runCli(dir, 'migrate', '--datasource', 'store', '--autoupdate', '--model', model);
      expect([update.code, update.err, update.out]).toEqual([0, '', `autoupdate of data source "store": ${model}.\n`]);
      const Updated = await fresh();
      await Updated.create({ title: 'new', body: 'with a body' });
      const rows = (await Updated.find({ order: 'id ASC' })).map((r: any) => [r.title, r.body ?? null]);
      expect(rows).toEqual([
        ['kept', null],
        ['new', 'with a body'],
      ]);

      expect((await runCli(dir, 'migrate', '--datasource', 'store')).code).toBe(0);
      expect(await (await fresh()).count()).toBe(0);
    });

    it('names what is wrong: an unknown data source or model', async () => {
      const noDs = await runCli(dir, 'migrate', '--datasource', 'nope');
      expect([noDs.code, noDs.err]).toEqual([1, expect.stringContaining('has no data source "nope" (it has db, store)')]);
      const noModel = await runCli(dir, 'migrate', '--datasource', 'store', '--model', 'Ghost');
      expect([noModel.code, noModel.err]).toEqual([1, expect.stringContaining(`Data source "store" holds no model "Ghost" (it holds ${model}). [CLI_UNKNOWN_MODEL]`)]);
      expect((await runCli(dir, 'migrate')).err).toContain('[CLI_USAGE]');
    });
  });
}
