import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as vm from 'node:vm';
import debugFactory from 'debug';

const debug = debugFactory('loopline:pack');

/** What a cache file starts with: this tag, then the SHA-256 of the V8 data that follows. */
const TAG = Buffer.from('loopline-code-cache-1\n');
const DIGEST_BYTES = 32;
/** Code caches kept per pack, one per set of Node flags (V8 rejects a cache made under others). */
const KEPT_PER_PACK = 8;

/**
 * The V8 code cache of one script: the bytecode of the functions that ran, so a later process
 * skips parsing and compiling them. V8 takes a cache only when its version, its flags and the
 * script's length match; the length alone cannot tell two builds of the pack apart, so the file
 * is named by the pack's content hash (a pack that changes, patched or rebuilt, never meets a
 * cache of another), and carries the hash of its own bytes (a torn or damaged file is not used).
 */
export interface CodeCache {
  /** Whether caching is on (LOOPLINE_CODE_CACHE). */
  readonly enabled: boolean;
  /** Whether a cache was found for this pack and these flags. */
  readonly found: boolean;
  /** The cached data, handed over once (the caller's compile is its only use; the buffer is not kept). */
  take(): Buffer | undefined;
  /** Writes the script's cache now (once per process). */
  save(script: vm.Script): void;
}

/**
 * Where caches live: `LOOPLINE_CODE_CACHE` names a folder, or turns caching off with `0`, `off` or
 * `false`; by default `.code-cache` beside the pack, inside loopline's own folder (only what may
 * already change loopline's code may change its cache). A folder that cannot be written (a
 * read-only install) only means no cache.
 */
export function cacheFolder(packDir: string, setting = process.env.LOOPLINE_CODE_CACHE): string | undefined {
  if (setting !== undefined && /^(0|off|false|no)$/i.test(setting.trim())) return undefined;
  return setting?.trim() ? path.resolve(setting.trim()) : path.join(packDir, '.code-cache');
}

function sha256(data: Buffer | string): Buffer {
  return createHash('sha256').update(data).digest();
}

/** The flags a cache depends on: Node's version and architecture, its options and V8's. */
function flagsKey(): string {
  const flags = [process.version, process.arch, ...process.execArgv, process.env.NODE_OPTIONS ?? ''];
  return sha256(flags.join('\0')).toString('hex').slice(0, 16);
}

export function openCodeCache(source: Buffer, packDir: string): CodeCache {
  const folder = cacheFolder(packDir);
  if (!folder) return { enabled: false, found: false, take: () => undefined, save: () => undefined };
  const packKey = sha256(source).toString('hex').slice(0, 24);
  const file = path.join(folder, `${packKey}-${flagsKey()}.bin`);
  let data = readCache(file);
  let saved = false;
  return {
    enabled: true,
    found: data !== undefined,
    take() {
      const taken = data;
      data = undefined;
      return taken;
    },
    save(script) {
      if (saved) return;
      saved = true;
      try {
        writeCache(file, script.createCachedData());
        pruneFolder(folder, packKey);
      } catch (err) {
        debug('no code cache written to %s: %s', folder, (err as Error).message);
      }
    },
  };
}

function readCache(file: string): Buffer | undefined {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    return undefined;
  }
  const start = TAG.length + DIGEST_BYTES;
  if (bytes.length <= start || !bytes.subarray(0, TAG.length).equals(TAG)) return undefined;
  const data = bytes.subarray(start);
  if (!sha256(data).equals(bytes.subarray(TAG.length, start))) {
    debug('ignoring a damaged code cache: %s', file);
    return undefined;
  }
  return data;
}

/** Written whole or not at all: to a file of this process's own, then renamed into place. */
function writeCache(file: string, data: Buffer): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(partial, Buffer.concat([TAG, sha256(data), data]), { mode: 0o644 });
    fs.renameSync(partial, file);
  } catch (err) {
    fs.rmSync(partial, { force: true });
    throw err;
  }
  debug('code cache written: %s (%d bytes)', file, data.length);
}

/** Caches of other packs go; of this pack's, the most recent few stay. */
function pruneFolder(folder: string, packKey: string): void {
  const mine: { file: string; mtime: number }[] = [];
  for (const name of fs.readdirSync(folder)) {
    const file = path.join(folder, name);
    if (!name.endsWith('.bin')) continue;
    if (!name.startsWith(`${packKey}-`)) fs.rmSync(file, { force: true });
    else mine.push({ file, mtime: fs.statSync(file).mtimeMs });
  }
  mine.sort((a, b) => b.mtime - a.mtime);
  for (const old of mine.slice(KEPT_PER_PACK)) fs.rmSync(old.file, { force: true });
}
