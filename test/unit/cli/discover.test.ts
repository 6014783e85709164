import fs from 'fs';
import os from 'os';
import path from 'path';
import { loopback } from '../../../src/loopback/app/loopback';
import { boot } from '../../../src/boot';
import { STORES, describeStore } from '../../connectors/stores';
import { runCli } from '../../support/run-cli';

/**
 * `loopline discover` on the SQL stores: a table made by `loopline migrate` is read back through
 * the data source's discoverSchema into a new model JSON; a table that is not there is an error
 * that writes nothing.
 */
jest.setTimeout(60000);

for (const store of STORES.filter((s) => s.name !== 'memory')) {
  describeStore(store, () => {
    let tmp: string;
    let dir: string;
    const source = `CliDiscoverSource${{ mysql: 'My', postgresql: 'Pg', sqlite: 'Lite' }[store.name as string]}`;

    beforeAll(async () => {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'loopline-discover-'));
      dir = path.join(tmp, 'app');
      expect((await runCli(tmp, 'new', 'app', '--skip-install')).code).toBe(0);
      const flags = ['host', 'port', 'database', 'user', 'password', 'file'].flatMap((k) =>
        store.settings[k] === undefined || store.settings[k] === ''
          ? []
          : [`--${k}`, String(store.settings[k])],
      );
      expect(
        (await runCli(dir, 'datasource', '--name', 'sql', '--connector', store.name, ...flags)).code,
      ).toBe(0);
      expect(
        (
          await runCli(
            dir,
            'model',
            source,
            '--datasource',
            'sql',
            '--property',
            'title:string:required',
            '--property',
            'score:number',
          )
        ).code,
      ).toBe(0);
      expect((await runCli(dir, 'migrate', '--datasource', 'sql')).code).toBe(0);
    });
    afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

    async function tableOf(model: string): Promise<string> {
      const app: any = loopback();
      await boot(app, { appRootDir: path.join(dir, 'server') });
      const M = app.models[model];
      const table = M.dataSource.connector.syntax.tableName(M.definition) as string;
      await M.dataSource.disconnect();
      return table;
    }

    it('writes the discovered table as a model attached to the data source', async () => {
      const table = await tableOf(source);
      const res = await runCli(
        dir,
        'discover',
        '--datasource',
        'sql',
        '--table',
        table,
        '--name',
        'Discovered',
      );
      expect([res.code, res.err]).toEqual([0, '']);
      const def = JSON.parse(fs.readFileSync(path.join(dir, 'common/models/discovered.json'), 'utf8'));
      expect([def.name, def.base]).toEqual(['Discovered', 'PersistedModel']);
      expect(Object.keys(def.properties).map((k) => k.toLowerCase())).toEqual(
        expect.arrayContaining(['id', 'title', 'score']),
      );
      expect(
        JSON.parse(fs.readFileSync(path.join(dir, 'server/model-config.json'), 'utf8')).Discovered,
      ).toEqual({ dataSource: 'sql', public: true });
    });

    it('fails on a table that does not exist, and writes nothing', async () => {
      const before = fs.readFileSync(path.join(dir, 'server/model-config.json'), 'utf8');
      const res = await runCli(
        dir,
        'discover',
        '--datasource',
        'sql',
        '--table',
        'no_such_table_here',
        '--name',
        'Missing',
      );
      expect(res.code).not.toBe(0);
      expect(res.err).toMatch(/no_such_table_here/);
      expect(fs.existsSync(path.join(dir, 'common/models/missing.json'))).toBe(false);
      expect(fs.readFileSync(path.join(dir, 'server/model-config.json'), 'utf8')).toBe(before);
    });

    it('needs --datasource and --table', async () => {
      const res = await runCli(dir, 'discover', '--datasource', 'sql');
      expect([res.code, res.err]).toEqual([2, expect.stringContaining('needs --datasource and --table')]);
    });
  });
}
