import * as fs from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { openCodeCache, type CodeCache } from './code-cache';

/**
 * The pack: `npm run build` puts every compiled module of dist/ in one script (write-pack.ts),
 * and the package's entry files become stubs that run their module from it. Booting an app then
 * reads one file and compiles one script, with a V8 code cache, instead of resolving, reading and
 * compiling some two hundred files: most of what `require('loopline')` cost.
 *
 * Each module still runs as a CommonJS module of its own file: its own `module`, `exports`,
 * `__filename` and `__dirname` (its path in dist/, as before), a `require` that resolves as Node
 * does from there, and a place in `require.cache` under that path. A module loaded from the pack
 * and the same path required any other way are the one module. The modules' files stay in dist/
 * for module systems other than Node's own (`packRuns`).
 */

export const PACK_FILE_NAME = 'loopline-pack.js';

/** The folder the pack and the modules' paths are in: dist/. */
const DIST = path.resolve(__dirname, '..');

type ModuleFunction = (
  this: unknown,
  exports: unknown,
  require: NodeJS.Require,
  module: NodeModule,
  filename: string,
  dirname: string,
) => void;

/** What the pack's script evaluates to (write-pack.ts). */
interface PackScript {
  modules: Record<string, ModuleFunction>;
  /** Per module, the pack's modules its literal relative requires name, resolved at build time. */
  requires: Record<string, Record<string, string>>;
}

interface PackedModule {
  fn: ModuleFunction;
  requires: Record<string, string>;
}

interface Pack {
  /** The pack's modules by absolute file name. */
  byFile: Map<string, PackedModule>;
  script: vm.Script;
  cache: CodeCache;
  cacheAccepted: boolean;
}

interface ModuleInternals {
  new (id: string, parent?: NodeModule): NodeModule;
  _nodeModulePaths(dir: string): string[];
}
const NodeModuleClass = Module as unknown as ModuleInternals;

let pack: Pack | undefined;

/** A path of the pack (`juggler/index.js`) as a file name. */
const fileOf = (rel: string) => DIST + path.sep + (path.sep === '/' ? rel : rel.split('/').join(path.sep));

function openPack(): Pack {
  if (pack) return pack;
  const file = path.join(DIST, PACK_FILE_NAME);
  const source = fs.readFileSync(file);
  const cache = openCodeCache(source, DIST);
  // The pack is ASCII (write-pack.ts): read as Latin-1, the one-byte string V8 would make of it anyway.
  const cachedData = cache.take();
  const script = new vm.Script(source.toString('latin1'), { filename: file, cachedData });
  const { modules, requires } = script.runInThisContext() as PackScript;
  const byFile = new Map<string, PackedModule>();
  for (const rel of Object.keys(modules))
    byFile.set(fileOf(rel), { fn: modules[rel], requires: requires[rel] ?? {} });
  pack = { byFile, script, cache, cacheAccepted: cachedData !== undefined && !script.cachedDataRejected };
  return pack;
}

/** Requests resolved at run time (not a literal of the module's), by folder and request. */
const resolved = new Map<string, string | null>();

/**
 * Of the files a request for `target` may name, the first `has` knows, in Node's order: the path,
 * then `.js`, then the folder's `index.js`. write-pack.ts resolves literal requires with it at build
 * time (posix paths), the loader the others at run time.
 */
export function firstCandidate(
  target: string,
  has: (file: string) => boolean,
  join: (dir: string, name: string) => string = path.join,
): string | undefined {
  return [target, `${target}.js`, join(target, 'index.js')].find(has);
}

/** The file a relative or absolute request names, when it is one of the pack's. */
function packedFile(fromDir: string, request: string): string | undefined {
  if (request.charCodeAt(0) !== 46 /* . */ && !path.isAbsolute(request)) return undefined;
  const key = `${fromDir}\0${request}`;
  let file = resolved.get(key);
  if (file === undefined) {
    const byFile = openPack().byFile;
    file = firstCandidate(path.resolve(fromDir, request), (f) => byFile.has(f)) ?? null;
    resolved.set(key, file);
  }
  return file ?? undefined;
}

/** Node's module search paths of a folder, worked out once per folder (each module gets its own copy, as from Node). */
const searchPaths = new Map<string, string[]>();

function nodeModulePaths(dir: string): string[] {
  let paths = searchPaths.get(dir);
  if (!paths) searchPaths.set(dir, (paths = NodeModuleClass._nodeModulePaths(dir)));
  return paths.slice();
}

/** The `require` a module of the pack sees: Node's, except that the pack's own files come from the pack. */
function requireFor(mod: NodeModule, literal: Record<string, string>): NodeJS.Require {
  const dir = path.dirname(mod.filename);
  let nodeRequire: NodeJS.Require | undefined;
  const fromNode = () => (nodeRequire ??= Module.createRequire(mod.filename));
  const req = function require(request: string) {
    const rel = Object.prototype.hasOwnProperty.call(literal, request) ? literal[request] : undefined;
    const file = rel === undefined ? packedFile(dir, request) : fileOf(rel);
    return file === undefined ? mod.require(request) : loadPacked(file, mod);
  } as NodeJS.Require;
  const resolve = ((request: string, options?: { paths?: string[] }) =>
    fromNode().resolve(request, options)) as NodeJS.RequireResolve;
  resolve.paths = (request: string) => fromNode().resolve.paths(request);
  req.resolve = resolve;
  req.cache = require.cache;
  req.main = require.main;
  req.extensions = require.extensions;
  return req;
}

function run(mod: NodeModule): void {
  const packed = openPack().byFile.get(mod.filename);
  if (!packed) throw new Error(`${mod.filename} is not in loopline's pack; run \`npm run build\` again`);
  packed.fn.call(
    mod.exports,
    mod.exports,
    requireFor(mod, packed.requires),
    mod,
    mod.filename,
    path.dirname(mod.filename),
  );
}

/** As Node's loader: the cached module if there is one, else a new one, cached before it runs (cycles see its exports so far) and dropped if it throws. */
function loadPacked(filename: string, parent: NodeModule | undefined): unknown {
  const cached = require.cache[filename];
  if (cached) return cached.exports;
  const mod = new NodeModuleClass(filename, parent);
  mod.filename = filename;
  mod.paths = nodeModulePaths(path.dirname(filename));
  require.cache[filename] = mod;
  let finished = false;
  try {
    run(mod);
    finished = true;
  } finally {
    if (!finished) {
      delete require.cache[filename];
      const siblings = parent?.children;
      const at = siblings ? siblings.indexOf(mod) : -1;
      if (at >= 0) siblings!.splice(at, 1);
    }
  }
  mod.loaded = true;
  return mod.exports;
}

let mainContext: boolean | undefined;
let packPresent: boolean | undefined;

/**
 * Whether a stub loaded with `req` runs its module from the pack: when Node's own loader loaded it
 * (its `require.cache` is Node's), in the context the pack's script runs in, and the pack is
 * there. Under jest (a registry of its own, a context per test file) or a bundler's `require`, the
 * modules' own files run instead, so their objects are the test's own and its mocks apply.
 */
export function packRuns(req: NodeJS.Require): boolean {
  if (req.cache !== (Module as unknown as { _cache: unknown })._cache) return false;
  mainContext ??= vm.runInThisContext('globalThis') === globalThis;
  packPresent ??= fs.existsSync(path.join(DIST, PACK_FILE_NAME));
  return mainContext && packPresent;
}

/** What an entry stub calls: its module's code, from the pack, as that very module. */
export function runPacked(entry: NodeModule): void {
  run(entry);
}

/** A module of the pack by its path in dist/ (`util/callback.js`), loaded as `require` would. */
export function requirePacked(relativePath: string): unknown {
  return loadPacked(path.join(DIST, relativePath), undefined);
}

/** What the pack did in this process: how many modules it holds, and whether V8 took a code cache for it (`off`: caching is off; `none`: no cache yet). */
export function packStatus():
  { modules: number; codeCache: 'accepted' | 'rejected' | 'none' | 'off' } | undefined {
  if (!pack) return undefined;
  const codeCache = !pack.cache.enabled
    ? 'off'
    : !pack.cache.found
      ? 'none'
      : pack.cacheAccepted
        ? 'accepted'
        : 'rejected';
  return { modules: pack.byFile.size, codeCache };
}

let warmed = false;

/**
 * The app answered its first request: what boot and a request need is compiled now. If V8 did
 * not take a cache for the pack, one is written, after the answer and on a turn of its own.
 */
export function packWarmed(): void {
  if (warmed || !pack || pack.cacheAccepted) return;
  warmed = true;
  const { cache, script } = pack;
  setImmediate(() => cache.save(script));
}
