import * as fs from 'fs';
import * as path from 'path';
import { CliError } from './cli-error';
import { readJson, writeJson } from './json-file';

/** Where an LB3-style app keeps its files, found from the folder a command runs in. */
export interface AppLayout {
  root: string;
  serverDir: string;
  modelsDir: string;
}

export function findApp(cwd: string): AppLayout {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'server', 'model-config.json'))) {
      return {
        root: dir,
        serverDir: path.join(dir, 'server'),
        modelsDir: path.join(dir, 'common', 'models'),
      };
    }
    if (path.dirname(dir) === dir) break;
  }
  throw new CliError(
    'CLI_APP_NOT_FOUND',
    `No app here: neither ${cwd} nor a folder above it has server/model-config.json. Run the command inside an app (create one with "loopline new <app>").`,
  );
}

/** LB3's file name for a model: `CustomerOrder` lives in `customer-order.json`. */
export function modelFileBase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .replace(/[_\s]+/g, '-')
    .toLowerCase();
}

export function modelNameProblem(name: string): string | undefined {
  return /^[A-Za-z][A-Za-z0-9_]*$/.test(name)
    ? undefined
    : `"${name}" cannot be a model name: use letters, digits and _ , starting with a letter (e.g. CustomerOrder).`;
}

export function assertModelName(name: string): void {
  const problem = modelNameProblem(name);
  if (problem) throw new CliError('CLI_INVALID_VALUE', problem);
}

/** The model JSON files of the app (common/models, then server/models), by the model's `name`. */
export function modelFiles(app: AppLayout): Map<string, string> {
  const found = new Map<string, string>();
  for (const dir of [app.modelsDir, path.join(app.serverDir, 'models')]) {
    if (!fs.existsSync(dir)) continue;
    for (const entry of fs.readdirSync(dir).sort()) {
      if (!entry.endsWith('.json')) continue;
      const file = path.join(dir, entry);
      const def = readJson(file);
      if (typeof def.name === 'string' && !found.has(def.name)) found.set(def.name, file);
    }
  }
  return found;
}

export function modelFile(app: AppLayout, name: string): string {
  const file = modelFiles(app).get(name);
  if (!file)
    throw new CliError(
      'CLI_UNKNOWN_MODEL',
      `The app has no model "${name}" in common/models or server/models. Add it with "loopline model ${name}".`,
    );
  return file;
}

/** LoopBack's built-in models a relation or model-config entry may name without a file. */
export const BUILTIN_MODELS = [
  'Model',
  'PersistedModel',
  'KeyValueModel',
  'User',
  'AccessToken',
  'ACL',
  'Role',
  'RoleMapping',
  'Application',
  'Email',
];

export function knownModel(app: AppLayout, name: string): boolean {
  return BUILTIN_MODELS.includes(name) || modelFiles(app).has(name);
}

export function readDataSources(app: AppLayout): Record<string, any> {
  const file = path.join(app.serverDir, 'datasources.json');
  return fs.existsSync(file) ? readJson(file) : {};
}

export function assertDataSource(app: AppLayout, name: string): void {
  const sources = readDataSources(app);
  if (!(name in sources)) {
    const known = Object.keys(sources);
    throw new CliError(
      'CLI_UNKNOWN_DATASOURCE',
      `server/datasources.json has no data source "${name}" (it has ${known.length ? known.join(', ') : 'none'}). Add one with "loopline datasource --name ${name} --connector memory".`,
    );
  }
}

/** Reads, changes and writes one JSON file, keeping its formatting. */
export function editJson(file: string, change: (value: Record<string, any>) => void): void {
  const value = readJson(file);
  change(value);
  writeJson(file, value);
}
