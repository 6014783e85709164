import * as fs from 'fs';
import * as path from 'path';
import { BootError } from './errors';
import { readConfigFile, rel } from './json-file';
import { validateFile } from './schemas';
import { loadScript } from './script-loader';

export interface ModelSource {
  definition: Record<string, any>;
  file: string;
  script: string | undefined;
}

/** Source folders that LB3 apps list and that name loopline's own built-ins. */
export const BUILTIN_SOURCES = new Set(['loopback/common/models', 'loopback/server/models', 'loopback/common/mixins', 'loopback/server/mixins']);

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
      const definition = readConfigFile(file) as Record<string, any>;
      validateFile('model', definition, file);
      const base = path.join(dir, entry.slice(0, -5));
      const script = ['.js', '.ts'].map((ext) => base + ext).find((f) => fs.existsSync(f) && !f.endsWith('.d.ts'));
      if (!found.has(definition.name)) found.set(definition.name, { definition, file, script });
    }
  }
  return found;
}

/**
 * The definitions to build, bases before the models extending them: every model the config names,
 * plus (transitively) the bases they need from the sources.
 */
export function orderModels(wanted: string[], sources: Map<string, ModelSource>, isKnown: (name: string) => boolean): ModelSource[] {
  const ordered: ModelSource[] = [];
  const visiting = new Set<string>();
  const done = new Set<string>();
  const visit = (name: string, from?: string) => {
    if (done.has(name)) return;
    const src = sources.get(name);
    if (!src) {
      // A model-config entry nobody defines is reported by the caller, which knows the file.
      if (isKnown(name) || !from) return;
      throw new BootError(`${from}: extends an unknown model "${name}"`, 'MODEL_NOT_DEFINED');
    }
    if (visiting.has(name)) throw new BootError(`${rel(src.file)}: the base chain of "${name}" is circular`, 'INVALID_CONFIG');
    visiting.add(name);
    const base = src.definition.base;
    if (typeof base === 'string') visit(base, rel(src.file));
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
  if (typeof fn !== 'function') throw new BootError(`${rel(src.script)}: a model script must export a function (module.exports = function(Model) {...})`, 'INVALID_SCRIPT');
  fn(Model);
}

/** Mixins from the mixin folders: `time-stamp.js` registers as `TimeStamp`. */
export function loadMixins(dirs: string[], baseDir: string, appRootDir: string, define: (name: string, fn: any) => void): void {
  for (const src of dirs) {
    if (BUILTIN_SOURCES.has(src)) continue;
    const dir = path.resolve(baseDir, src);
    if (!fs.existsSync(dir)) continue;
    for (const entry of fs.readdirSync(dir).sort()) {
      if (!/\.(js|ts)$/.test(entry) || entry.endsWith('.d.ts')) continue;
      const fn = loadScript(path.join(dir, entry), appRootDir);
      if (typeof fn !== 'function') continue;
      const base = entry.replace(/\.(js|ts)$/, '');
      const name = base.replace(/(^|[-_.])(\w)/g, (_m, _s, c: string) => c.toUpperCase());
      define(name, fn);
    }
  }
}
