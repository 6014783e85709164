import fs from 'fs';
import os from 'os';
import path from 'path';
import { REPO_ROOT } from './example-app';

export interface OpsAppOptions {
  /** The `db` data source of the app. */
  dataSource: Record<string, unknown>;
  /** Extra keys of server/config.json (shutdownTimeout, requestLog, health …). */
  config?: Record<string, unknown>;
  /**
   * The Note table on PostgreSQL and MySQL (default `note` / `Note`): a test whose app migrates
   * at boot names its own, so no other test's migration can drop the table under its load.
   */
  table?: string;
}

/**
 * A small LB3-style app folder in a temp dir, for tests that run it as a real process: the
 * example app's own `server/index.js` and `server/server.js`, one `Note` model on `db`, and a boot
 * script with the routes these tests need — `GET /slow?ms=N` answers after N ms, `GET /hang`
 * never answers; with `OPS_STATS=1`, `GET /_stats` reports RSS and event-loop delay. `OPS_MIGRATE=1` in the environment creates the Note table at boot.
 * `OPS_BOOT_FAIL=1` makes the boot script throw, so the process dies while booting (a crash loop).
 */
export function makeOpsApp(options: OpsAppOptions): { dir: string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loopline-ops-'));
  const write = (rel: string, content: unknown) => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(
      path.join(dir, rel),
      typeof content === 'string' ? content : JSON.stringify(content, null, 2),
    );
  };
  fs.mkdirSync(path.join(dir, 'server'), { recursive: true });
  for (const file of ['index.js', 'server.js'])
    fs.copyFileSync(path.join(REPO_ROOT, 'server', file), path.join(dir, 'server', file));
  write('server/config.json', { restApiRoot: '/api', host: '127.0.0.1', port: 0, ...options.config });
  write('server/datasources.json', { db: { name: 'db', ...options.dataSource } });
  write('server/middleware.json', {
    routes: { 'loopback#rest': { paths: ['${restApiRoot}'] } },
    final: { 'loopback#urlNotFound': {} },
    // A production 5xx keeps only its status unless told otherwise; the code is what clients match.
    'final:after': { 'strong-error-handler': { params: { safeFields: ['code'] } } },
  });
  write('server/model-config.json', {
    _meta: { sources: ['../common/models'] },
    Note: { dataSource: 'db', public: true },
  });
  write('common/models/note.json', {
    name: 'Note',
    base: 'PersistedModel',
    properties: { title: { type: 'string', required: true }, n: { type: 'number' } },
    ...(options.table ? { postgresql: { table: options.table }, mysql: { table: options.table } } : {}),
  });
  write(
    'server/boot/ops.js',
    `'use strict';
module.exports = function (app, cb) {
  if (process.env.OPS_BOOT_FAIL) throw new Error('ops boot script failed (OPS_BOOT_FAIL is set)');
  app.get('/slow', (req, res) => setTimeout(() => res.json({ slow: true, pid: process.pid }), Number(req.query.ms || 1000)));
  app.get('/hang', () => undefined);
  if (process.env.OPS_STATS) {
    // For the soak test: the app's own memory and event-loop delay, measured inside the process.
    const { monitorEventLoopDelay } = require('perf_hooks');
    const eld = monitorEventLoopDelay({ resolution: 10 });
    eld.enable();
    app.get('/_stats', (req, res) => {
      const ms = (ns) => Math.round(ns / 1e4) / 100;
      res.json({ rss: process.memoryUsage().rss, eld: { mean: ms(eld.mean), p50: ms(eld.percentile(50)), p99: ms(eld.percentile(99)), max: ms(eld.max) } });
      if (req.query.reset) eld.reset();
    });
  }
  if (!process.env.OPS_MIGRATE) return cb();
  app.dataSources.db.automigrate('Note', cb);
};
`,
  );
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(REPO_ROOT, path.join(dir, 'node_modules', 'loopline'), 'dir');
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
