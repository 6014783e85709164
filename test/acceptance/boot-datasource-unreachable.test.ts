import request from 'supertest';
import { bootFixture, bootFixtureError } from '../support/boot-fixture';

/**
 * A data source the app cannot use at boot: boot warns (naming the data source, its file and the
 * cause) and goes on; its requests answer 503 with a code that says why, never a code-less 500.
 */
const env = process.env;
const pg = {
  name: 'db',
  connector: 'postgresql',
  host: '127.0.0.1',
  port: 5432,
  user: 'postgres',
  database: env.PGDATABASE ?? 'test',
};
const mysql = {
  name: 'db',
  connector: 'mysql',
  host: '127.0.0.1',
  port: 3306,
  user: 'root',
  password: '',
  database: env.MYSQL_DATABASE ?? 'test',
};

async function bootWith(db: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const booted = await bootFixture({ 'server/datasources.json': { db }, ...extra });
  booted.app.dataSources.db.connector.settings.connectionTimeout = 2000;
  return booted;
}

async function answer(app: any) {
  try {
    const res = await request(app).get('/api/Notes');
    return [res.status, res.body.error?.code];
  } finally {
    await app.dataSources.db.disconnect().catch(() => undefined);
  }
}

describe('boot: a data source that cannot be used at boot', () => {
  it('PostgreSQL refusing connections (a wrong port): a warning naming the data source, the file, the cause; then 503 STORE_UNAVAILABLE', async () => {
    const { app, warnings } = await bootWith({ ...pg, port: 1 });
    expect(warnings).toEqual([
      expect.objectContaining({
        code: 'DATASOURCE_UNREACHABLE',
        file: 'server/datasources.json',
        path: 'db',
      }),
    ]);
    expect(warnings[0].msg).toMatch(
      /^server\/datasources\.json: db: the postgresql store of data source "db" cannot be reached at boot: .*ECONNREFUSED 127\.0\.0\.1:1.*; boot goes on, and requests using it answer 503 STORE_UNAVAILABLE until it connects$/,
    );
    expect(await answer(app)).toEqual([503, 'STORE_UNAVAILABLE']);
  });

  it('PostgreSQL, a role that does not exist (28000): STORE_AUTH_FAILED', async () => {
    const { app, warnings } = await bootWith({ ...pg, user: 'no_such_role' });
    expect(warnings.map((w) => w.msg)).toEqual([
      expect.stringMatching(
        /data source "db" refused its credentials at boot: .*no_such_role.*503 STORE_AUTH_FAILED/,
      ),
    ]);
    expect(await answer(app)).toEqual([503, 'STORE_AUTH_FAILED']);
  });

  it('PostgreSQL, a database that does not exist (3D000): STORE_DATABASE_NOT_FOUND', async () => {
    const { app, warnings } = await bootWith({ ...pg, database: 'no_such_database_h2' });
    expect(warnings.map((w) => w.msg)).toEqual([
      expect.stringMatching(/has no database of its name at boot: .*no_such_database_h2/),
    ]);
    expect(await answer(app)).toEqual([503, 'STORE_DATABASE_NOT_FOUND']);
  });

  it('MariaDB, a wrong password (1045): STORE_AUTH_FAILED', async () => {
    const { app, warnings } = await bootWith({ ...mysql, password: 'not-the-password' });
    expect(warnings.map((w) => w.msg)).toEqual([
      expect.stringMatching(
        /the mysql store of data source "db" refused its credentials at boot: Access denied/,
      ),
    ]);
    expect(await answer(app)).toEqual([503, 'STORE_AUTH_FAILED']);
  });

  it('MariaDB, an unknown database (1049): STORE_DATABASE_NOT_FOUND', async () => {
    const { app, warnings } = await bootWith({ ...mysql, database: 'no_such_database_h2' });
    expect(warnings.map((w) => w.code)).toEqual(['DATASOURCE_UNREACHABLE']);
    expect(await answer(app)).toEqual([503, 'STORE_DATABASE_NOT_FOUND']);
  });

  it('names the layered file the settings come from (datasources.<env>.json)', async () => {
    const booted = await bootFixture(
      { 'server/datasources.json': { db: pg }, 'server/datasources.staging.json': { db: { port: 1 } } },
      { env: 'staging' },
    );
    expect(booted.warnings.map((w) => [w.file, w.path])).toEqual([['server/datasources.staging.json', 'db']]);
    await booted.app.dataSources.db.disconnect();
  });

  it('a reachable store and `lazyConnect: true` give no warning', async () => {
    const ok = await bootWith(pg);
    expect(ok.warnings).toEqual([]);
    await ok.app.dataSources.db.automigrate('Note');
    expect(await answer(ok.app)).toEqual([200, undefined]);
    const lazy = await bootWith({ ...pg, port: 1, lazyConnect: true });
    expect(lazy.warnings).toEqual([]);
    await lazy.app.dataSources.db.disconnect();
  });

  it('strict boot stops on it', async () => {
    const err = await bootFixtureError(
      { 'server/datasources.json': { db: { ...pg, port: 1 } } },
      { strict: true },
    );
    expect(err.code).toBe('DATASOURCE_UNREACHABLE');
    expect(err.message).toMatch(/^server\/datasources\.json: db: the postgresql store/);
  });
});
