import fs from 'fs';
import os from 'os';
import path from 'path';
import request from 'supertest';
import { loopback } from '../../src/loopback/app/loopback';
import { boot } from '../../src/boot';
import { runCli } from '../support/run-cli';

/**
 * `loopline new --template empty|hello-world|notes --datasource <connector>`: the files each
 * template adds, the `db` data source on the chosen connector, and the tooling every app gets
 * (tests, ESLint, tsconfig, dev/test/lint scripts). The installed app's own `npm test` runs in
 * test/serial/cli-new-app.test.ts.
 */
jest.setTimeout(60000);

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'loopline-templates-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

const json = (rel: string) => JSON.parse(fs.readFileSync(path.join(tmp, rel), 'utf8'));

async function booted(dir: string): Promise<any> {
  const app = loopback();
  await boot(app, { appRootDir: path.join(dir, 'server') });
  return app;
}

describe('loopline new --template', () => {
  it('every app gets tests, ESLint, a tsconfig and the dev, test and lint scripts', async () => {
    expect((await runCli(tmp, 'new', 'plain', '--skip-install')).code).toBe(0);
    const pkg = json('plain/package.json');
    expect(pkg.scripts).toEqual({
      start: 'node .',
      dev: 'node --watch server/server.js',
      test: 'node --test',
      lint: 'eslint .',
      types: 'loopline types server',
    });
    expect(Object.keys(pkg.devDependencies).sort()).toEqual(['@eslint/js', 'eslint']);
    expect(json('plain/tsconfig.json').compilerOptions).toEqual(
      expect.objectContaining({ allowJs: true, noEmit: true }),
    );
    for (const f of ['eslint.config.js', 'test/root.test.js', 'test/support/app.js'])
      expect(fs.existsSync(path.join(tmp, 'plain', f))).toBe(true);
  });

  it('hello-world: a Greeting model without a store whose remote method greets', async () => {
    const res = await runCli(tmp, 'new', 'hello', '--template', 'hello-world', '--skip-install');
    expect([res.code, res.out.split('\n')[0]]).toEqual([
      0,
      'Created hello (template hello-world, data source db on memory).',
    ]);
    expect(json('hello/server/model-config.json').Greeting).toEqual({ dataSource: null, public: true });
    expect(fs.existsSync(path.join(tmp, 'hello/test/greeting.test.js'))).toBe(true);
    const app = await booted(path.join(tmp, 'hello'));
    expect((await request(app).get('/api/Greetings/hello?name=Ann')).body).toEqual({
      greeting: 'Hello, Ann!',
    });
  });

  it('notes: a Note model with CRUD on db, and its test', async () => {
    expect((await runCli(tmp, 'new', 'notes', '--template', 'NOTES', '--skip-install')).code).toBe(0);
    expect(json('notes/common/models/note.json').properties.title).toEqual({
      type: 'string',
      required: true,
    });
    expect(fs.readFileSync(path.join(tmp, 'notes/test/note.test.js'), 'utf8')).toContain(
      "'a note without a title is refused with 422'",
    );
    const app = await booted(path.join(tmp, 'notes'));
    const created = await request(app).post('/api/Notes').send({ title: 'milk' });
    expect([created.status, created.body]).toEqual([200, { title: 'milk', done: false, id: 1 }]);
    expect((await request(app).post('/api/Notes').send({})).status).toBe(422);
  });

  it('--datasource puts db on that connector: a database named after the app on a server, or a file', async () => {
    const res = await runCli(tmp, 'new', 'pg-app', '--datasource', 'postgresql', '--skip-install');
    expect(json('pg-app/server/datasources.json')).toEqual({
      db: { name: 'db', connector: 'postgresql', host: 'localhost', port: 5432, database: 'pg_app' },
    });
    expect(res.out).toContain('createdb pg_app');
    expect((await runCli(tmp, 'new', 'my-app', '--datasource', 'mysql', '--skip-install')).code).toBe(0);
    expect(json('my-app/server/datasources.json').db).toEqual({
      name: 'db',
      connector: 'mysql',
      host: 'localhost',
      port: 3306,
      database: 'my_app',
    });
  });

  it('--datasource sqlite: a file, and the app names better-sqlite3 and allows its build (npm 11 runs no unlisted install script)', async () => {
    const own = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8'));
    const res = await runCli(tmp, 'new', 'lite', '--datasource', 'sqlite', '--skip-install');
    // Without the install there is no loopline in the app to make the tables: the step is named.
    expect([res.code, res.out]).toEqual([
      0,
      expect.stringContaining('npx loopline migrate --datasource db   # creates the tables'),
    ]);
    expect(fs.readFileSync(path.join(tmp, 'lite/test/support/app.js'), 'utf8')).toContain(
      'await ds.autoupdate()',
    );
    expect(json('lite/server/datasources.json').db).toEqual({
      name: 'db',
      connector: 'sqlite',
      file: 'server/data/db.sqlite',
    });
    const pkg = json('lite/package.json');
    expect(pkg.dependencies['better-sqlite3']).toBe(own.optionalDependencies['better-sqlite3']);
    expect(pkg.allowScripts).toEqual({ 'better-sqlite3': true });
    expect((await runCli(tmp, 'new', 'mem', '--skip-install')).code).toBe(0);
    expect([json('mem/package.json').dependencies, json('mem/package.json').allowScripts]).toEqual([
      { loopline: expect.any(String) },
      undefined,
    ]);
  });

  it.each([
    [
      ['new', 'x', '--template', 'blog'],
      'CLI_INVALID_VALUE',
      '--template "blog" is not one of empty, hello-world, notes',
    ],
    [['new', 'x', '--template', 'note'], 'CLI_INVALID_VALUE', 'did you mean notes?'],
    [['new', 'x', '--datasource', 'postgress'], 'CLI_INVALID_VALUE', 'did you mean postgres?'],
    [['new'], 'CLI_USAGE', 'needs <app>'],
  ])('%j fails with %s and writes nothing', async (argv, code, message) => {
    const res = await runCli(tmp, ...argv, '--skip-install');
    expect([res.err.includes(message), res.err.includes(`[${code}]`)]).toEqual([true, true]);
    expect(fs.readdirSync(tmp)).toEqual([]);
  });
});
