import fs from 'fs';
import os from 'os';
import path from 'path';
import { loopback } from '../../../src/loopback/app/loopback';
import { boot } from '../../../src/boot';
import { main } from '../../../src/cli';
import { STORES, describeStore } from '../../connectors/stores';
import { runCli } from '../../support/run-cli';

/**
 * `loopline migrate` on each store: by default autoupdate, which creates the model's table, adds
 * a new property's column and keeps the rows however often it runs; `--rebuild` (automigrate)
 * drops them only when confirmed. Rows are read back through a freshly booted copy of the app, as
 * `node server` would see them.
 */
jest.setTimeout(60000);

function settingsFlags(settings: Record<string, unknown>, dataDir: string): string[] {
  if (settings.connector === 'memory') return ['--file', path.join(dataDir, 'db.json')];
  if (settings.connector === 'sqlite') return ['--file', path.join(dataDir, 'db.sqlite')];
  return ['host', 'port', 'database', 'user', 'password'].flatMap((k) =>
    settings[k] === undefined || settings[k] === '' ? [] : [`--${k}`, String(settings[k])],
  );
}

async function bootApp(dir: string): Promise<any> {
  const app = loopback();
  await boot(app, { appRootDir: path.join(dir, 'server') });
  return app;
}

/** `loopline <argv>` as at a terminal, the prompt answered with `answer`; resolves with the questions asked too. */
async function atTerminal(
  cwd: string,
  answer: string,
  ...argv: string[]
): Promise<{ code: number; err: string; out: string; asked: string[] }> {
  const asked: string[] = [];
  let err = '';
  let out = '';
  const prompter = {
    ask: async ({ message }: { message: string }) => {
      asked.push(message);
      return answer;
    },
    choose: async () => answer,
    confirm: async () => answer === 'yes',
  };
  const code = await main(argv, {
    cwd,
    interactive: true,
    prompter,
    log: (line) => (out += `${line}\n`),
    error: (text) => (err += text),
  });
  return { code, err, out, asked };
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
    const titles = async () =>
      ((await (await fresh()).find({ order: 'id ASC' })) as any[]).map((r) => r.title);

    beforeAll(async () => {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'loopline-migrate-'));
      dir = path.join(tmp, 'app');
      expect((await runCli(tmp, 'new', 'app', '--skip-install')).code).toBe(0);
      const ds = await runCli(
        dir,
        'datasource',
        '--name',
        'store',
        '--connector',
        store.name,
        ...settingsFlags(store.settings, tmp),
      );
      expect([ds.code, ds.err]).toEqual([0, '']);
      expect(
        (await runCli(dir, 'model', model, '--datasource', 'store', '--property', 'title:string:required'))
          .code,
      ).toBe(0);
      // A table left by an earlier run of this suite starts the story from nothing.
      expect((await runCli(dir, 'migrate', '--datasource', 'store', '--rebuild', '--yes')).code).toBe(0);
    });
    afterAll(async () => {
      for (const app of apps)
        for (const ds of new Set(Object.values(app.dataSources) as any[])) await ds.disconnect();
      fs.rmSync(tmp, { recursive: true, force: true });
    });

    it('autoupdates by default: the rows survive a second and third run, and a new column is added', async () => {
      const first = await runCli(dir, 'migrate', '--datasource', 'store');
      expect([first.code, first.err, first.out]).toEqual([
        0,
        '',
        `autoupdate of data source "store": ${model}.\n`,
      ]);
      await (await fresh()).create({ title: 'kept' });
      const second = await runCli(dir, 'migrate', '--datasource', 'store');
      expect([second.code, second.err]).toEqual([0, '']);
      expect((await runCli(dir, 'migrate', '--datasource', 'store', '--autoupdate')).code).toBe(0);
      expect(await titles()).toEqual(['kept']);

      const file = path.join(dir, 'common/models', `cli-migrate-${store.name}.json`);
      const def = JSON.parse(fs.readFileSync(file, 'utf8'));
      def.properties.body = { type: 'string' };
      fs.writeFileSync(file, JSON.stringify(def, null, 2) + '\n');
      const update = await runCli(dir, 'migrate', '--datasource', 'store', '--model', model);
      expect([update.code, update.err, update.out]).toEqual([
        0,
        '',
        `autoupdate of data source "store": ${model}.\n`,
      ]);
      const Updated = await fresh();
      await Updated.create({ title: 'new', body: 'with a body' });
      const rows = (await Updated.find({ order: 'id ASC' })).map((r: any) => [r.title, r.body ?? null]);
      expect(rows).toEqual([
        ['kept', null],
        ['new', 'with a body'],
      ]);
    });

    it('--rebuild in a script needs --yes: without it nothing is dropped and the message names the table and its rows', async () => {
      const refused = await runCli(dir, 'migrate', '--datasource', 'store', '--rebuild');
      expect(refused.code).toBe(1);
      expect(refused.err).toContain('[CLI_CONFIRMATION_REQUIRED]');
      expect(refused.err).toMatch(new RegExp(`${model}( \\(table [^)]*\\))?: 2 rows`));
      if (store.name !== 'memory') expect(refused.err).toContain(`(table `);
      expect(await titles()).toEqual(['kept', 'new']);
      expect((await runCli(dir, 'migrate', '--datasource', 'store', '--yes')).err).toContain('[CLI_USAGE]');
      expect(
        (await runCli(dir, 'migrate', '--datasource', 'store', '--rebuild', '--autoupdate', '--yes')).err,
      ).toContain('[CLI_USAGE]');
      expect(await titles()).toEqual(['kept', 'new']);
    });

    it('--rebuild at a terminal asks, naming the table and its rows; only "yes" drops', async () => {
      const no = await atTerminal(dir, 'no', 'migrate', '--datasource', 'store', '--rebuild');
      expect([no.code, no.err]).toEqual([1, expect.stringContaining('[CLI_ABORTED]')]);
      expect(no.asked).toEqual([
        expect.stringMatching(
          new RegExp(`${model}( \\(table [^)]*\\))?: 2 rows[\\s\\S]*Type "yes" to drop them`),
        ),
      ]);
      expect(await titles()).toEqual(['kept', 'new']);

      const yes = await atTerminal(dir, 'yes', 'migrate', '--datasource', 'store', '--rebuild');
      expect([yes.code, yes.err, yes.out]).toEqual([
        0,
        '',
        `automigrate of data source "store": ${model}.\n`,
      ]);
      expect(await titles()).toEqual([]);
    });

    it('--rebuild --yes drops without asking', async () => {
      await (await fresh()).create({ title: 'gone' });
      const asked = await atTerminal(dir, 'no', 'migrate', '--datasource', 'store', '--rebuild', '--yes');
      expect([asked.code, asked.asked]).toEqual([0, []]);
      expect(await titles()).toEqual([]);
    });

    it('names what is wrong: an unknown data source or model', async () => {
      const noDs = await runCli(dir, 'migrate', '--datasource', 'nope');
      expect([noDs.code, noDs.err]).toEqual([
        1,
        expect.stringContaining('has no data source "nope" (it has db, store)'),
      ]);
      const noModel = await runCli(dir, 'migrate', '--datasource', 'store', '--model', 'Ghost');
      expect([noModel.code, noModel.err]).toEqual([
        1,
        expect.stringContaining(
          `Data source "store" holds no model "Ghost" (it holds ${model}). [CLI_UNKNOWN_MODEL]`,
        ),
      ]);
      expect((await runCli(dir, 'migrate')).err).toContain('[CLI_USAGE]');
    });
  });
}
