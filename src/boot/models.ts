import * as fs from 'fs';
import * as path from 'path';
import { BootError } from './errors';
import { readConfigFile, rel } from './json-file';
import { validateFile } from './schemas';
import { loadScript } from './script-loader';

/** A model JSON file's content: its `name`, which the model schema requires, and LB3's other keys. */
export type ModelDefinitionJson = { name: string } & Record<string, any>;

export interface ModelSource {
  definition: ModelDefinitionJson;
  file: string;
  script: string | undefined;
}

/** Source folders that LB3 apps list and that name loopline's own built-ins. */
export const BUILTIN_SOURCES = new Set([
  'loopback/common/models',
  'loopback/server/models',
  'loopback/common/mixins',
  'loopback/server/mixins',
]);

/** Model JSON files in the source folders, by model name (the `name` inside the file). */
export function discoverModels(sources: string[], baseDir: string): Map<string, ModelSource> {
  const found = new Map<string, ModelSource>();
  for (const src of sources) {
    if (BUILTIN_SOURCES.has(src)) continue;
    const dir = path.resolve(baseDir, src);
    if (!fs.existsSync(dir)) continue;
    for (const entry of fs.readdirSync(dir).sort()) {
      if (!entry.endsWith('.json')) continue;
      const file = path.join(dir, entry);
      const definition = readConfigFile(file) as ModelDefinitionJson;
      validateFile('model', definition, file);
      const base = path.join(dir, entry.slice(0, -5));
      const script = ['.js', '.ts']
        .map((ext) => base + ext)
        .find((f) => fs.existsSync(f) && !f.endsWith('.d.ts'));
      if (!found.has(definition.name)) found.set(definition.name, { definition, file, script });
    }
  }
  return found;
}

/**
 * Whether the config names one of LB3's built-in models (in model-config.json, or as the base of
 * a model it builds) that no source folder defines: LB3 apps get those from loopback's own
 * `common/models`, which their `_meta.sources` list.
 */
export function namesBuiltinModel(
  wanted: string[],
  sources: Map<string, ModelSource>,
  builtins: readonly string[],
): boolean {
  const seen = new Set<string>();
  const pending = [...wanted];
  while (pending.length) {
    const name = pending.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const src = sources.get(name);
    if (!src) {
      if (builtins.includes(name)) return true;
      continue;
    }
    if (typeof src.definition.base === 'string') pending.push(src.definition.base);
  }
  return false;
}

/**
 * The definitions to build, bases before the models extending them: every model the config names,
 * plus (transitively) the bases they need from the sources.
 */
export function orderModels(
  wanted: string[],
  sources: Map<string, ModelSource>,
  isKnown: (name: string) => boolean,
): ModelSource[] {
  const ordered: ModelSource[] = [];
  const visiting = new Set<string>();
  const done = new Set<string>();
  const visit = (name: string, from?: ModelSource) => {
    if (done.has(name)) return;
    const src = sources.get(name);
    if (!src) {
      // A model-config entry nobody defines is reported by the caller, which knows the file.
      if (isKnown(name) || !from) return;
      throw new BootError(`${rel(from.file)}: extends an unknown model "${name}"`, 'MODEL_NOT_DEFINED');
    }
    if (visiting.has(name))
      throw new BootError(`${rel(src.file)}: the base chain of "${name}" is circular`, 'INVALID_CONFIG');
    visiting.add(name);
    const base = src.definition.base;
    if (typeof base === 'string') visit(base, src);
    visiting.delete(name);
    done.add(name);
    ordered.push(src);
  };
  for (const name of wanted) visit(name);
  return ordered;
}

export function runModelScript(src: ModelSource, Model: unknown, appRootDir: string): void {
  if (!src.script) return;
  const fn = loadScript(src.script, appRootDir);
  if (typeof fn !== 'function')
    throw new BootError(
      `${rel(src.script)}: a model script must export a function (module.exports = function(Model) {...})`,
      'INVALID_SCRIPT',
    );
  fn(Model);
}

export type MixinNormalization = 'classify' | 'dasherize' | 'none' | false | ((name: string) => string);

export interface MixinFolders {
  /** Folders whose every mixin is defined (loopback-boot's `mixinDirs`). */
  dirs: string[];
  /** Folders from which only the mixins some model names are defined (`mixinSources`, `_meta.mixins`). */
  sources: string[];
  normalization?: MixinNormalization;
}

/**
 * Mixins as loopback-boot finds them: each script of a folder (not `index.js`, not `_`-prefixed,
 * not a sub-folder) is a mixin named after its file (`time-stamp.js` → `TimeStamp`), or by the
 * `name` of a same-named `.json` beside it. From `sources` only the mixins that the given model
 * definitions use are loaded, so a package folder listed there (with its `gulpfile.js`, tests…) is
 * never required beyond the mixin the app uses.
 */
export function loadMixins(
  folders: MixinFolders,
  used: Set<string>,
  appRootDir: string,
  define: (name: string, fn: any) => void,
): void {
  const fromDirs = findMixins(folders.dirs, appRootDir, folders.normalization);
  const dirSet = new Set(folders.dirs);
  const fromSources = findMixins(
    folders.sources.filter((d) => !dirSet.has(d)),
    appRootDir,
    folders.normalization,
  );
  for (const name of fromSources.keys()) if (!used.has(name)) fromSources.delete(name);
  for (const [name, file] of new Map([...fromDirs, ...fromSources])) {
    const fn = loadScript(file, appRootDir);
    if (typeof fn !== 'function') {
      // Only a mixin some model uses has to be one; other scripts of a mixinDirs folder may be helpers.
      if (!used.has(name)) continue;
      throw new BootError(
        `${rel(file)}: a mixin must export a function (module.exports = function(Model, options) {...})`,
        'INVALID_SCRIPT',
      );
    }
    define(name, fn);
  }
}

/** The mixin names the definitions declare (`"mixins": {"TimeStamp": true}`). */
export function mixinsUsedBy(definitions: Array<Record<string, any>>): Set<string> {
  const used = new Set<string>();
  for (const def of definitions)
    if (def.mixins && typeof def.mixins === 'object')
      for (const name of Object.keys(def.mixins)) used.add(name);
  return used;
}

function findMixins(
  dirs: string[],
  appRootDir: string,
  normalization: MixinNormalization | undefined,
): Map<string, string> {
  const found = new Map<string, string>();
  for (const src of dirs) {
    if (BUILTIN_SOURCES.has(src)) continue;
    const dir = path.resolve(appRootDir, src);
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) continue;
    const entries = fs
      .readdirSync(dir)
      .sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0));
    for (const entry of entries) {
      if (
        entry === 'index.js' ||
        entry.startsWith('_') ||
        !/\.(js|ts)$/.test(entry) ||
        entry.endsWith('.d.ts')
      )
        continue;
      const file = path.join(dir, entry);
      if (!fs.statSync(file).isFile()) continue;
      const base = entry.replace(/\.(js|ts)$/, '');
      let name = normalizeMixinName(base, normalization, file);
      const meta = path.join(dir, base + '.json');
      if (fs.existsSync(meta)) {
        const given = (readConfigFile(meta) as { name?: unknown }).name;
        if (typeof given === 'string' && given) name = given;
      }
      found.set(name, file);
    }
  }
  return found;
}

/** loopback-boot's `normalization`: `classify` (default: `time-stamp`, `timeStamp` → `TimeStamp`), `dasherize`, `none`, or a function. */
export function normalizeMixinName(
  base: string,
  normalization: MixinNormalization | undefined,
  file: string,
): string {
  if (normalization === false || normalization === 'none') return base;
  if (typeof normalization === 'function') return normalization(base);
  const words = base
    .replace(/([A-Z]+)/g, ' $1')
    .replace(/[\W_]/g, ' ')
    .trim()
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean);
  if (normalization === undefined || normalization === 'classify')
    return words.map((w) => w[0].toUpperCase() + w.slice(1)).join('');
  if (normalization === 'dasherize') return words.join('-');
  throw new BootError(
    `${rel(file)}: unknown mixin normalization ${JSON.stringify(normalization)} (classify, dasherize, none or a function)`,
    'INVALID_CONFIG',
  );
}
