import * as fs from 'fs';
import type { AppLayout } from './app-layout';
import { modelFiles } from './app-layout';
import { basedOnUser } from './auth-models';
import { readJson } from './json-file';

/** PersistedModel's remote methods as an ACL's `property` names them, LB3's aliases included. */
const PERSISTED_MODEL_METHODS = [
  'create',
  'patchOrCreate',
  'upsert',
  'updateOrCreate',
  'replaceOrCreate',
  'upsertWithWhere',
  'patchOrCreateWithWhere',
  'exists',
  'findById',
  'replaceById',
  'find',
  'findOne',
  'updateAll',
  'update',
  'destroyAll',
  'deleteAll',
  'remove',
  'deleteById',
  'destroyById',
  'removeById',
  'count',
  'patchAttributes',
  'updateAttributes',
  'createChangeStream',
  // With trackChanges (replication).
  'diff',
  'changes',
  'checkpoint',
  'currentCheckpoint',
  'createUpdates',
  'bulkUpdate',
  'rectifyAllChanges',
  'rectifyChange',
  'findLastChange',
  'updateLastChange',
];
const USER_METHODS = [
  'login',
  'logout',
  'confirm',
  'resetPassword',
  'changePassword',
  'setPassword',
  'verify',
];
/** The methods a relation adds, `__get__orders` for a relation `orders`. */
const RELATION_VERBS = [
  'get',
  'create',
  'delete',
  'findById',
  'destroyById',
  'updateById',
  'count',
  'exists',
  'link',
  'unlink',
  'update',
  'destroy',
];

/**
 * What an ACL's `property` may name on a model: its remote methods (PersistedModel's with their
 * aliases, User's for a User-based model, its relations' `__verb__rel`, the `methods` of its JSON
 * and of its bases, the `remoteMethod('name'` calls of their scripts) and its properties. Read from
 * the files, without booting the app.
 */
export function aclPropertyNames(app: AppLayout, model: string): Set<string> {
  const names = new Set<string>(PERSISTED_MODEL_METHODS);
  if (basedOnUser(app, model)) USER_METHODS.forEach((m) => names.add(m));
  const files = modelFiles(app);
  const seen = new Set<string>();
  for (let name: unknown = model; typeof name === 'string' && files.has(name) && !seen.has(name);) {
    seen.add(name);
    const file = files.get(name)!;
    const def = readJson(file);
    for (const key of Object.keys(def.properties ?? {})) names.add(key);
    for (const key of Object.keys(def.methods ?? {})) names.add(key.replace(/^prototype\./, ''));
    for (const rel of Object.keys(def.relations ?? {}))
      for (const verb of RELATION_VERBS) names.add(`__${verb}__${rel}`);
    const script = file.replace(/\.json$/, '.js');
    if (fs.existsSync(script))
      for (const m of fs
        .readFileSync(script, 'utf8')
        .matchAll(/remoteMethod\(\s*['"`](?:prototype\.)?([A-Za-z_$][\w$]*)['"`]/g))
        names.add(m[1]);
    name = def.base;
  }
  return names;
}
