import { execFileSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';

/**
 * `require('loopline')` and the boot of a memory-only app load no optional subsystem: the stores'
 * drivers and dialects, mail, JWT, templates, password hashing, schema compilers, the explorer's
 * YAML and UI load when an app first uses them. (They cost most of a cold boot's time and memory
 * before.) Runs the built package (npm run build) in a fresh process, whose require.cache is
 * Node's own.
 */
const ROOT = path.resolve(__dirname, '../..');

const OPTIONAL_PACKAGES = [
  'pg',
  'mysql2',
  'better-sqlite3',
  'ioredis',
  'nodemailer',
  'jose',
  'ejs',
  'bcryptjs',
  'uuid',
  'nanoid',
  'ajv',
  'yaml',
  'swagger-ui-dist',
  'busboy',
  'pino',
  'passport',
  '@aws-sdk',
  'typescript',
  // The linear-time matcher of regexp filters whose pattern could backtrack.
  're2js',
  // Express's body parsers and static files (express/index.js loads both): with the first route
  // that reads a body, or the first `loopback.static()`.
  'body-parser',
  'serve-static',
  // loopline's Bluebird copy: made when app code is first handed a promise (REST awaits plain ones).
  'bluebird',
];

const OPTIONAL_DIST = [
  'juggler/connectors/sql/sql-connector',
  'juggler/connectors/postgresql/',
  'juggler/connectors/mysql/',
  'juggler/connectors/sqlite/',
  'juggler/connectors/kv-redis/',
  'juggler/connectors/mail/',
  'juggler/connectors/remote/',
  'juggler/connectors/lb3-bridge/create-bridge',
  'components/',
  // The explorer (document builders, Swagger 2 converter) loads with the app that mounts it.
  'explorer/',
];

/** What a fresh process has loaded after `script`, as package names and dist/ paths. */
function loadedAfter(script: string): { packages: string[]; dist: string[] } {
  const out = execFileSync(
    process.execPath,
    [
      '-e',
      `${script}
      .then(() => {
        const files = Object.keys(require.cache);
        const packages = [...new Set(files.map((f) => (/node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(f) || [])[1]).filter(Boolean))];
        const dist = files.filter((f) => f.startsWith(${JSON.stringify(path.join(ROOT, 'dist') + path.sep)})).map((f) => f.slice(${JSON.stringify(path.join(ROOT, 'dist').length + 1)}));
        process.stdout.write(JSON.stringify({ packages, dist }));
        process.exit(0);
      })`,
    ],
    { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NODE_ENV: 'production' } },
  );
  return JSON.parse(out);
}

function expectNothingOptional(loaded: { packages: string[]; dist: string[] }): void {
  expect(
    loaded.packages.filter((p) => OPTIONAL_PACKAGES.some((o) => p === o || p.startsWith(`${o}/`))),
  ).toEqual([]);
  expect(loaded.dist.filter((f) => OPTIONAL_DIST.some((d) => f.startsWith(d)))).toEqual([]);
}

describe("require('loopline') loads no optional subsystem", () => {
  it('the package entry', () => {
    const loaded = loadedAfter(`Promise.resolve(require(${JSON.stringify(ROOT)}))`);
    expect(loaded.packages).toContain('express');
    expectNothingOptional(loaded);
  });

  it('booting a memory app and serving its first request', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loopline-lazy-'));
    try {
      const write = (f: string, v: unknown) => {
        fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
        fs.writeFileSync(path.join(dir, f), JSON.stringify(v));
      };
      write('server/config.json', { restApiRoot: '/api' });
      write('server/datasources.json', { db: { name: 'db', connector: 'memory' } });
      write('server/middleware.json', {
        routes: { 'loopback#rest': { paths: ['${restApiRoot}'] } },
        final: { 'loopback#urlNotFound': {} },
      });
      write('server/model-config.json', {
        _meta: { sources: ['../common/models'] },
        Note: { dataSource: 'db', public: true },
      });
      write('common/models/note.json', {
        name: 'Note',
        base: 'PersistedModel',
        properties: { title: { type: 'string', required: true } },
      });
      const loaded = loadedAfter(`
        const loopback = require(${JSON.stringify(ROOT)});
        const app = loopback();
        loopback.boot(app, ${JSON.stringify(path.join(dir, 'server'))}).then(() => new Promise((resolve, reject) => {
          const server = app.listen(0, () => {
            fetch('http://127.0.0.1:' + server.address().port + '/api/Notes').then((res) => {
              if (res.status !== 200) reject(new Error('status ' + res.status));
              server.close();
              resolve();
            }, reject);
          });
        }))`);
      expectNothingOptional(loaded);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
