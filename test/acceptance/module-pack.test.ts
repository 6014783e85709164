import { execFileSync, spawnSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { REPO_ROOT } from '../support/example-app';

/**
 * dist/ as `npm run build` leaves it (src/pack): loopline's modules in one pack, each still the
 * CommonJS module of its own path, and a V8 code cache written after the first answer. The
 * loader's corner cases run on a small dist of their own, packed by the same step.
 */
const DIST = path.join(REPO_ROOT, 'dist');
const LOAD_PACK = path.join(DIST, 'pack', 'load-pack.js');

function node(script: string, env: Record<string, string> = {}, cwd = REPO_ROOT): string {
  return execFileSync(process.execPath, ['-e', script], {
    cwd,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 30000,
  });
}

describe("the built package's pack", () => {
  it('the files the package exposes are stubs, their code beside them; every other module keeps its file (for other module systems) and its types', () => {
    for (const entry of ['index.js', 'boot/index.js', 'register.js', 'cli/index.js']) {
      expect(fs.readFileSync(path.join(DIST, entry), 'utf8')).toContain('runPacked(module)');
      expect(fs.existsSync(path.join(DIST, entry.replace(/\.js$/, '.unpacked.js')))).toBe(true);
    }
    expect(fs.readFileSync(path.join(DIST, 'cli/index.js'), 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
    expect(fs.existsSync(path.join(DIST, 'juggler/index.js'))).toBe(true);
    expect(fs.existsSync(path.join(DIST, 'juggler/index.d.ts'))).toBe(true);
    expect(fs.readFileSync(path.join(DIST, 'loopline-pack.js'), 'latin1')).not.toMatch(/[^\x00-\x7f]/); // eslint-disable-line no-control-regex
  });

  it('a module from the pack is the module of its path: require.cache holds it, and every way to it gives the same one', () => {
    const out = JSON.parse(
      node(`
        const loopline = require(${JSON.stringify(DIST)});
        const pack = require(${JSON.stringify(LOAD_PACK)});
        const file = ${JSON.stringify(path.join(DIST, 'juggler/index.js'))};
        const builtin = pack.requirePacked('loopback/app/middleware/builtin.js');
        process.stdout.write(JSON.stringify({
          cached: require.cache[file].exports === pack.requirePacked('juggler/index.js'),
          loaded: require.cache[file].loaded,
          modules: Object.keys(require.cache).filter((f) => f.startsWith(${JSON.stringify(DIST + path.sep)})).length,
          boot: require(${JSON.stringify(path.join(DIST, 'boot'))}).boot === loopline.boot,
          favicon: require('fs').existsSync(builtin.faviconFile),
          status: pack.packStatus(),
        }));
      `),
    );
    expect(out).toMatchObject({ cached: true, loaded: true, boot: true, favicon: true });
    expect(out.modules).toBeGreaterThan(100);
    expect(out.status.modules).toBeGreaterThan(300);
  });

  describe('its code cache', () => {
    let dir: string;
    beforeAll(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loopline-code-cache-'));
    });
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    /** A process that boots an app, answers one request, and reports what V8 did with the cache. */
    function serveOnce(setting: string): { status: number; codeCache: string } {
      const out = node(
        `
        const loopback = require(${JSON.stringify(DIST)});
        const app = loopback();
        app.dataSource('db', { connector: 'memory' });
        app.model(loopback.createModel({ name: 'Note', base: 'PersistedModel', properties: { title: 'string' } }), { dataSource: 'db' });
        app.use('/api', loopback.rest());
        const server = app.listen(0, async () => {
          const res = await fetch('http://127.0.0.1:' + server.address().port + '/api/Notes');
          await res.text();
          setTimeout(() => {
            process.stdout.write(JSON.stringify({ status: res.status, codeCache: require(${JSON.stringify(LOAD_PACK)}).packStatus().codeCache }));
            process.exit(0);
          }, 300);
        });
      `,
        { LOOPLINE_CODE_CACHE: setting },
      );
      return JSON.parse(out);
    }

    const cacheFiles = () => fs.readdirSync(dir).filter((f) => f.endsWith('.bin'));

    it('is written after the first answer, taken by the next process, and a damaged one is not used (and is written anew)', () => {
      expect(serveOnce(dir)).toEqual({ status: 200, codeCache: 'none' });
      expect(cacheFiles()).toHaveLength(1);
      expect(serveOnce(dir)).toEqual({ status: 200, codeCache: 'accepted' });

      const file = path.join(dir, cacheFiles()[0]);
      const bytes = fs.readFileSync(file);
      bytes[bytes.length - 100] ^= 0xff;
      fs.writeFileSync(file, bytes);
      expect(serveOnce(dir)).toEqual({ status: 200, codeCache: 'none' });
      expect(serveOnce(dir)).toEqual({ status: 200, codeCache: 'accepted' });
      expect(cacheFiles()).toHaveLength(1);
    });

    it('a cache of another pack (another build) is pruned when this one is written', () => {
      const stale = path.join(dir, `${'0'.repeat(24)}-${'0'.repeat(16)}.bin`);
      fs.writeFileSync(stale, 'old');
      for (const f of cacheFiles()) if (path.join(dir, f) !== stale) fs.rmSync(path.join(dir, f));
      expect(serveOnce(dir).codeCache).toBe('none');
      expect(fs.existsSync(stale)).toBe(false);
      expect(cacheFiles()).toHaveLength(1);
    });

    it('LOOPLINE_CODE_CACHE=off: no cache is read', () => {
      expect(serveOnce('off')).toEqual({ status: 200, codeCache: 'off' });
    });
  });
});

describe('packing a dist of its own: each module keeps what Node gives a module', () => {
  let root: string;
  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  };
  // Written in the module as the characters themselves; the pack holds them as escapes.
  const TEXT = 'caf\u00e9 \u2192 \u2713 \ud83d\ude00';

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'loopline-pack-'));
    fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir');
    fs.mkdirSync(path.join(root, 'dist', 'pack'), { recursive: true });
    for (const f of ['load-pack.js', 'code-cache.js', 'write-pack.js'])
      fs.copyFileSync(path.join(DIST, 'pack', f), path.join(root, 'dist', 'pack', f));
    write(
      'package.json',
      JSON.stringify({
        name: 'fixture',
        main: 'dist/index.js',
        exports: { '.': './dist/index.js' },
        bin: 'dist/cli.js',
      }),
    );
    write(
      'dist/index.js',
      `"use strict";
exports.self = this === module.exports;
exports.file = __filename;
exports.dir = __dirname;
exports.a = require('./lib/a');
exports.b = require('./lib/b.js');
exports.folder = require('./lib/folder');
exports.data = require('./lib/data.json');
exports.text = ${JSON.stringify(TEXT)};
exports.pattern = /\u2192/.test('a \u2192 b');
exports.resolved = require('./lib/resolve');
`,
    );
    write(
      'dist/lib/a.js',
      `exports.early = 1;\nconst b = require('./b');\nexports.bSawEarly = b.sawEarly;\nexports.done = true;\n`,
    );
    write(
      'dist/lib/b.js',
      `const a = require('./a');\nexports.sawEarly = a.early;\nexports.sawDone = a.done === true;\n`,
    );
    write('dist/lib/folder/index.js', `module.exports = 'folder index';\n`);
    write('dist/lib/data.json', `{ "kept": "as JSON" }`);
    write(
      'dist/lib/throws.js',
      `globalThis.thrown = (globalThis.thrown || 0) + 1;\nthrow new Error('boom');\n`,
    );
    write(
      'dist/lib/resolve.js',
      `exports.debug = require.resolve('debug');\nexports.main = require.main === process.mainModule;\nexports.dir = require('path').basename(__dirname);\n`,
    );
    write(
      'dist/cli.js',
      `#!/usr/bin/env node\n"use strict";\nconsole.log('cli ran:', require('./lib/folder'));\n`,
    );
    execFileSync(process.execPath, [path.join(root, 'dist/pack/write-pack.js')], { encoding: 'utf8' });
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('makes the entries stubs, their code beside them, and leaves the other files', () => {
    expect(fs.readFileSync(path.join(root, 'dist/index.js'), 'utf8')).toContain('runPacked(module)');
    expect(fs.readFileSync(path.join(root, 'dist/index.unpacked.js'), 'utf8')).toContain(
      "require('./lib/a')",
    );
    expect(fs.existsSync(path.join(root, 'dist/lib/a.js'))).toBe(true);
    expect(fs.existsSync(path.join(root, 'dist/lib/data.json'))).toBe(true);
  });

  it('gives each module its own this, __filename, __dirname and require; cycles see the exports so far', () => {
    const out = JSON.parse(node(`process.stdout.write(JSON.stringify(require(${JSON.stringify(root)})))`));
    expect(out).toEqual({
      self: true,
      file: path.join(root, 'dist/index.js'),
      dir: path.join(root, 'dist'),
      a: { early: 1, bSawEarly: 1, done: true },
      b: { sawEarly: 1, sawDone: false },
      folder: 'folder index',
      data: { kept: 'as JSON' },
      text: TEXT,
      pattern: true,
      resolved: {
        debug: require.resolve('debug', { paths: [REPO_ROOT] }),
        main: true,
        dir: 'lib',
      },
    });
  });

  it('a module that throws is not cached: requiring it again runs it again', () => {
    const out = node(`
      const pack = require(${JSON.stringify(path.join(root, 'dist/pack/load-pack.js'))});
      require(${JSON.stringify(root)});
      const tries = [0, 1].map(() => { try { pack.requirePacked('lib/throws.js'); return 'loaded'; } catch (e) { return e.message; } });
      process.stdout.write(JSON.stringify({ tries, runs: globalThis.thrown, cached: ${JSON.stringify(path.join(root, 'dist/lib/throws.js'))} in require.cache }));
    `);
    expect(JSON.parse(out)).toEqual({ tries: ['boom', 'boom'], runs: 2, cached: false });
  });

  it('a bin keeps its #! line and runs from the pack', () => {
    const r = spawnSync(process.execPath, [path.join(root, 'dist/cli.js')], { encoding: 'utf8' });
    expect(fs.readFileSync(path.join(root, 'dist/cli.js'), 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
    expect(r.stdout.trim()).toBe('cli ran: folder index');
  });

  it('refuses to pack a dist that is packed already', () => {
    const r = spawnSync(process.execPath, [path.join(root, 'dist/pack/write-pack.js')], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('packed already');
  });
});

describe('under jest (a module registry and a context of its own)', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loopline-under-jest-'));
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.symlinkSync(REPO_ROOT, path.join(dir, 'node_modules', 'loopline'), 'dir');
    fs.writeFileSync(
      path.join(dir, 'package.json'),
      JSON.stringify({ name: 'app-under-jest', private: true }),
    );
    fs.writeFileSync(
      path.join(dir, 'app.test.js'),
      `const loopback = require('loopline');
const request = require(${JSON.stringify(require.resolve('supertest'))});
test('an app of loopline', async () => {
  const app = loopback();
  app.dataSource('db', { connector: 'memory' });
  const Note = app.registry.createModel({ name: 'Note', base: 'PersistedModel', properties: { title: { type: 'string', required: true } } });
  app.model(Note, { dataSource: 'db' });
  app.use('/api', loopback.rest());
  expect((await request(app).post('/api/Notes').send({ title: 'a' })).status).toBe(200);
  expect((await request(app).post('/api/Notes').send({})).status).toBe(422);
  const found = await Note.find();
  expect(found).toEqual([expect.objectContaining({ title: 'a' })]);
  expect(Array.isArray(found)).toBe(true);
  let refused;
  try { await Note.create({}); } catch (err) { refused = err; }
  expect(refused).toBeInstanceOf(Error);
});
`,
    );
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("runs an app's test: the objects are the test context's own (instanceof Error, arrays)", () => {
    const jest = path.join(REPO_ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
    const r = spawnSync(process.execPath, [jest, '--rootDir', dir, '--ci'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 60000,
    });
    expect(`${r.stdout}${r.stderr}`).toContain('1 passed');
    expect(r.status).toBe(0);
  });
});
