/**
 * `node dist/pack/write-pack.js`, the last step of `npm run build` after tsc: every compiled
 * module of dist/ goes into one script, dist/loopline-pack.js (load-pack.ts runs it). The files
 * the package exposes (its `exports` and `bin`) become stubs that run their module from the pack
 * under Node's own loader; their code also stays beside them (`index.unpacked.js`), and every
 * other module's file stays, for module systems that are not Node's (jest runs each module in a
 * context of its own, through its own registry).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { firstCandidate, PACK_FILE_NAME } from './load-pack';

const DIST = path.resolve(__dirname, '..');
const PACKAGE_ROOT = path.resolve(DIST, '..');
/** The pack's own loader stays a file of its own: the stubs load it. */
const NOT_PACKED = ['pack/'];

const SHEBANG = /^#!.*\n/;
const NON_ASCII = /[\u0080-\uffff]/g;
const SOURCE_MAP_COMMENT = /\n\/\/# sourceMappingURL=\S+\s*$/;

function moduleFiles(dir: string, rel = ''): string[] {
  const files: string[] = [];
  for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const name = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...moduleFiles(dir, name));
    else if (name.endsWith('.js') && !NOT_PACKED.some((p) => name.startsWith(p))) files.push(name);
  }
  return files.sort();
}

/** The dist/ files someone outside may load: package.json's `exports` and `bin`. */
function entryFiles(): Set<string> {
  const pkg = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
    exports?: Record<string, string | { default?: string }>;
    bin?: string | Record<string, string>;
    main?: string;
  };
  const targets = [
    pkg.main,
    ...Object.values(pkg.exports ?? {}).map((e) => (typeof e === 'string' ? e : e.default)),
    ...(typeof pkg.bin === 'string' ? [pkg.bin] : Object.values(pkg.bin ?? {})),
  ];
  const entries = new Set<string>();
  for (const target of targets) {
    if (!target) continue;
    const rel = path.relative(DIST, path.resolve(PACKAGE_ROOT, target)).split(path.sep).join('/');
    if (!rel.startsWith('..') && rel.endsWith('.js')) entries.add(rel);
  }
  return entries;
}

/**
 * The pack in ASCII: every other character as its `\u` escape (the same string in a literal, a
 * template or a regular expression; in a comment, the same comment; only a template's raw text,
 * which loopline's code never reads, would differ), so V8 holds the pack's source as a string of
 * one byte per character, half what one character outside Latin-1 would make it.
 */
function asciiOnly(source: string): string {
  return source.replace(NON_ASCII, (char, offset: number) => {
    // After a backslash an escape would change the meaning: `\…` is `…`, `\\u2026` is not.
    if (source[offset - 1] === '\\') throw new Error(`a backslash before ${char} at ${offset} of the pack`);
    return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

const RELATIVE_REQUIRE = /\brequire\("(\.\.?(?:\/[^"]*)?)"\)/g;

/**
 * The pack's modules a module names with a literal relative `require("./x")` (how tsc writes
 * them), resolved now as Node would at run time (the path, then `.js`, then `index.js`): the
 * loader looks them up instead of resolving paths at every boot.
 */
function staticRequires(rel: string, code: string, packed: Set<string>): Record<string, string> {
  const found: Record<string, string> = {};
  for (const [, request] of code.matchAll(RELATIVE_REQUIRE)) {
    const target = path.posix.join(path.posix.dirname(rel), request).replace(/\/$/, '');
    const file = firstCandidate(target, (f) => packed.has(f), path.posix.join);
    if (file) found[request] = file;
  }
  return found;
}

/** Where an entry's own code stays on disk, for module systems other than Node's (see load-pack.ts). */
export const unpackedName = (rel: string) => rel.replace(/\.js$/, '.unpacked.js');

function stub(rel: string, shebang: string): string {
  const relative = (to: string) => {
    const r = path.posix.relative(path.posix.dirname(rel), to);
    return JSON.stringify(r.startsWith('.') ? r : `./${r}`);
  };
  return [
    `${shebang}"use strict";`,
    `// Under Node's own loader this module's code runs from ${PACK_FILE_NAME} (npm run build); in`,
    `// another module system (jest's, a bundler's) from its own file, as every other module of dist/.`,
    `const pack = require(${relative('pack/load-pack.js')});`,
    `if (pack.packRuns(require)) pack.runPacked(module);`,
    `else module.exports = require(${relative(unpackedName(rel))});`,
    '',
  ].join('\n');
}

export function writePack(): { modules: number; bytes: number; entries: string[] } {
  const packFile = path.join(DIST, PACK_FILE_NAME);
  if (fs.existsSync(packFile))
    throw new Error(`${packFile} exists: dist/ is packed already (npm run build starts afresh)`);
  const files = moduleFiles(DIST);
  const entries = entryFiles();
  for (const entry of entries)
    if (!files.includes(entry)) throw new Error(`package.json names dist/${entry}, which tsc did not emit`);
  const parts = ['(function () {', 'var modules = {'];
  const shebangs = new Map<string, string>();
  const requires: Record<string, Record<string, string>> = {};
  const packed = new Set(files);
  for (const rel of files) {
    const code = fs.readFileSync(path.join(DIST, rel), 'utf8');
    shebangs.set(rel, SHEBANG.exec(code)?.[0] ?? '');
    const body = code.replace(SHEBANG, '').replace(SOURCE_MAP_COMMENT, '\n');
    requires[rel] = staticRequires(rel, body, packed);
    parts.push(
      `${JSON.stringify(rel)}: function (exports, require, module, __filename, __dirname) {`,
      body,
      '},',
    );
  }
  parts.push('};', `return { modules: modules, requires: ${JSON.stringify(requires)} };`, '})()', '');
  const source = asciiOnly(parts.join('\n'));
  fs.writeFileSync(packFile, source);
  for (const rel of entries) {
    const file = path.join(DIST, rel);
    fs.renameSync(file, path.join(DIST, unpackedName(rel)));
    fs.rmSync(`${file}.map`, { force: true });
    fs.writeFileSync(file, stub(rel, shebangs.get(rel)!));
  }
  return { modules: files.length, bytes: Buffer.byteLength(source), entries: [...entries] };
}

if (require.main === module) {
  const { modules, bytes, entries } = writePack();
  console.log(
    `Packed ${modules} modules (${Math.round(bytes / 1024)} KB) into dist/${PACK_FILE_NAME}; entries: ${entries.join(', ')}`,
  );
}
