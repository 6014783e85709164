import { STORES, describeStore } from '../connectors/stores';
import { runCli } from '../support/run-cli';
import { scratchApp, ScratchApp } from '../support/cli-app';

/**
 * `loopline migrate` on a PostgreSQL or MySQL server that has no database of the data source's
 * name: CLI_DATABASE_MISSING with the command that creates it (createdb / CREATE DATABASE), not
 * the driver's error. Real servers (CI=true requires them); the database name exists nowhere.
 */
jest.setTimeout(60000);

const MISSING = 'loopline_cli_no_such_db';

// The database servers: memory and SQLite (a file, made when missing) have no missing database.
for (const store of STORES.filter((s) => s.name === 'postgresql' || s.name === 'mysql')) {
  describeStore(store, () => {
    let app: ScratchApp;
    beforeAll(async () => {
      app = await scratchApp();
      const { host, port, user, password } = store.settings as Record<string, string | number | undefined>;
      const flags = [
        '--host',
        String(host),
        '--port',
        String(port),
        '--user',
        String(user),
        ...(password ? ['--password', String(password)] : []),
        '--database',
        MISSING,
      ];
      expect(
        (await runCli(app.dir, 'datasource', '--name', 'sql', '--connector', store.name, ...flags)).code,
      ).toBe(0);
      expect(
        (await runCli(app.dir, 'model', 'Note', '--datasource', 'sql', '--property', 'title:string')).code,
      ).toBe(0);
    });
    afterAll(() => app.remove());

    it('says the database is missing and how to create it', async () => {
      const res = await runCli(app.dir, 'migrate', '--datasource', 'sql');
      expect(res.code).toBe(1);
      const { host, port, user } = store.settings as Record<string, string | number>;
      const how =
        store.name === 'postgresql'
          ? `createdb -h ${host} -p ${port} -U ${user} ${MISSING}`
          : `mysql -h ${host} -P ${port} -u ${user} -e 'CREATE DATABASE \`${MISSING}\`'`;
      expect(res.err).toContain(
        `loopline migrate: The database "${MISSING}" does not exist on ${host}:${port}. Create it (e.g. ${how}), then run this again. [CLI_DATABASE_MISSING]\n`,
      );
    });
  });
}
