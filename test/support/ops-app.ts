import fs from 'fs';
import os from 'os';
import path from 'path';
import { REPO_ROOT } from './example-app';

/**
 * A small LB3-style app folder in a temp dir, for tests that run it as a real process: one model
 * `Note {title, n}` on data source `db`, plus `GET /api/Notes/slow?ms=` (answers after ms, to
 * have a request in flight) and `GET /api/Notes/pid` (the worker's pid, for cluster tests).
 * `require('loopline')` resolves to this repo's build (dist/), as for an installed package.
 */
export interface OpsAppOptions {
  db: Record<string, unknown>;
  config?: Record<string, unknown>;
}

const SERVER_JS = `'use strict';
const loopback = require('loopline');
const boot = require('loopline/boot');
const app = (module.exports = loopback());
app.start = function () {
  return app.listen(function () {
    console.log('Web server listening at: %s', app.get('url').replace(/\\/$/, ''));
  });
};
boot(app, __dirname, function (err) {
  if (err) throw err;
  if (require.main === module) app.start();
});
`;

const NOTE_JS = `'use strict';
module.exports = function (Note) {
  Note.slow = function (ms) {
    return new Promise((resolve) => setTimeout(() => resolve({ done: true, ms }), ms));
  };
  Note.remoteMethod('slow', { http: { verb: 'get', path: '/slow' }, accepts: { arg: 'ms', type: 'number' }, returns: { arg: 'result', type: 'object', root: true } });
  Note.pid = function () {
    return Promise.resolve({ pid: process.pid });
  };
  Note.remoteMethod('pid', { http: { verb: 'get', path: '/pid' }, returns: { arg: 'result', type: 'object', root: true } });
};
`;

export function writeOpsApp(opts: OpsAppOptions): { dir: string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loopline-ops-'));
  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  };
  write('server/server.js', SERVER_JS);
  write('server/config.json', JSON.stringify({ restApiRoot: '/api', host: '127.0.0.1', port: 3000, ...opts.config }));
  write('server/datasources.json', JSON.stringify({ db: { name: 'db', ...opts.db } }));
  write('server/model-config.json', JSON.stringify({ _meta: { sources: ['../common/models'] }, Note: { dataSource: 'db', public: true } }));
  write('server/middleware.json', JSON.stringify({ routes: { 'loopback#rest': { paths: ['${restApiRoot}'] } }, final: { 'loopback#urlNotFound': {} }, 'final:after': { 'strong-error-handler': {} } }));
  write('common/models/note.json', JSON.stringify({ name: 'Note', base: 'PersistedModel', properties: { title: { type: 'string' }, n: { type: 'number' } } }));
  write('common/models/note.js', NOTE_JS);
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(REPO_ROOT, path.join(dir, 'node_modules', 'loopline'), 'dir');
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** The build the spawned apps load; tests that spawn them need it (`npm test` builds first). */
export function requireBuild(): void {
  if (!fs.existsSync(path.join(REPO_ROOT, 'dist', 'index.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does it) before the process tests');
}
