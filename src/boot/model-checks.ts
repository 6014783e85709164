import { closestName, didYouMean } from '../util/did-you-mean';
import type { BootDiagnostics } from './diagnostics';

/**
 * What boot checks in the model JSON files it builds models from. LB3 keeps any top-level key as a
 * setting and any key of a property as part of its definition, so an unknown key is only reported
 * when it is a likely typo of a known one (`relatons`, `requird`): an app's own settings stay
 * silent. What cannot work (a relation to a model nobody defines, an ACL LB3 could never match)
 * stops boot.
 */

/** Top-level keys LB3, juggler and loopline read from a model definition (every other becomes a setting). */
const MODEL_KEYS = [
  'name',
  'description',
  'plural',
  'base',
  'properties',
  'options',
  'hidden',
  'protected',
  'relations',
  'acls',
  'scope',
  'scopes',
  'methods',
  'mixins',
  'validations',
  'http',
  'remoting',
  'idInjection',
  'strict',
  'forceId',
  'replaceOnPUT',
  'validateUpsert',
  'validateUpdate',
  'updateOnLoad',
  'trackChanges',
  'trackModel',
  'enableRemoteReplication',
  'persistUndefinedAsNull',
  'hiddenProperties',
  'protectedProperties',
  'strictDelete',
  'strictObjectIDCoercion',
  'strictEmbeddedModels',
  'automaticValidation',
  'indexes',
  'foreignKeys',
  'ownerRelations',
  'ownerWritable',
  'emailVerificationRequired',
  'caseSensitiveEmail',
  'realmRequired',
  'realmDelimiter',
  'ttl',
  'maxTTL',
  'allowEternalTokens',
  'accessTokenIdLength',
  'resetPasswordTokenTTL',
  'restrictResetPasswordTokenScope',
  'rejectPasswordChangesViaPatchOrReplace',
  'saltWorkFactor',
  'hashAlgorithm',
  'verifyOptions',
  'defaultPermission',
  'maxOfflineRequests',
  'replicationChunkSize',
  'changeCleanupInterval',
  'additionalChangeModelProperties',
  'applyDefaultsOnReads',
  'public',
  'dataSource',
  'excludeBaseProperties',
  'anonymous',
  'relationships',
  'inqLimit',
  'defaultScope',
  'idName',
  'logoutSessionsOnSensitiveChanges',
  'matchAbsentPrincipalId',
  'resetPasswordRevealsUnknownEmail',
  'aclErrorStatus',
  'queryTimeout',
  'lockTimeout',
  'useTypeScript',
  'mysql',
  'postgresql',
  'mongodb',
  'oracle',
  'mssql',
  'db2',
  'memory',
  'cloudant',
  'couchdb',
];

/** Keys of a property definition object (one with a `type`; one without is a nested anonymous model). */
const PROPERTY_KEYS = [
  'type',
  'required',
  'id',
  'generated',
  'default',
  'defaultFn',
  'index',
  'unique',
  'hidden',
  'protected',
  'description',
  'doc',
  'length',
  'precision',
  'scale',
  'dataType',
  'jsonSchema',
  'updateOnly',
  'applyDefaultOnWrites',
  'nullable',
  'itemType',
  'format',
  'enum',
  'comments',
  'title',
  'acls',
  'deprecated',
  'useDefaultIdType',
  'columnName',
  'min',
  'max',
  'minLength',
  'maxLength',
  'pattern',
  'postgresql',
  'mysql',
  'mongodb',
  'oracle',
  'mssql',
  'db2',
  'memory',
  'cloudant',
  'couchdb',
];

const RELATION_KEYS = [
  'type',
  'model',
  'foreignKey',
  'primaryKey',
  'keyFrom',
  'keyTo',
  'keyThrough',
  'through',
  'polymorphic',
  'as',
  'options',
  'scope',
  'properties',
  'invert',
  'embed',
  'property',
  'methods',
  'default',
  'models',
  'autoId',
  'disableInclude',
];

const ACL_KEYS = ['accessType', 'permission', 'principalType', 'principalId', 'property', 'model'];
const PERMISSIONS = ['ALLOW', 'DENY', 'ALARM', 'AUDIT', 'DEFAULT'];
const ACCESS_TYPES = ['READ', 'WRITE', 'EXECUTE', 'REPLICATE', '*'];
const PRINCIPAL_TYPES = ['USER', 'APP', 'APPLICATION', 'ROLE', 'SCOPE'];
const BUILTIN_ROLES = ['$owner', '$authenticated', '$unauthenticated', '$everyone'];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function warnLikelyTypos(
  keys: string[],
  known: readonly string[],
  where: (key: string) => string,
  what: string,
  file: string,
  diags: BootDiagnostics,
): void {
  for (const key of keys) {
    if (known.includes(key)) continue;
    const close = closestName(key, known);
    if (close !== undefined)
      diags.warn(file, where(key), `unknown ${what} "${key}"; did you mean "${close}"?`, 'UNKNOWN_KEY');
  }
}

/** Checks one model JSON before its model is built: likely typos (warnings) and ACL values LB3 never matches (errors). */
export function checkModelDefinition(
  def: Record<string, unknown>,
  file: string,
  diags: BootDiagnostics,
): void {
  warnLikelyTypos(Object.keys(def), MODEL_KEYS, (k) => k, 'key', file, diags);
  if (isObject(def.properties)) {
    for (const [name, prop] of Object.entries(def.properties)) {
      if (isObject(prop) && 'type' in prop)
        warnLikelyTypos(
          Object.keys(prop),
          PROPERTY_KEYS,
          (k) => `properties.${name}.${k}`,
          'property key',
          file,
          diags,
        );
    }
  }
  if (isObject(def.relations)) {
    for (const [name, relation] of Object.entries(def.relations)) {
      if (isObject(relation))
        warnLikelyTypos(
          Object.keys(relation),
          RELATION_KEYS,
          (k) => `relations.${name}.${k}`,
          'relation key',
          file,
          diags,
        );
    }
  }
  if (Array.isArray(def.acls)) {
    def.acls.forEach((acl, i) => {
      if (!isObject(acl)) return;
      warnLikelyTypos(Object.keys(acl), ACL_KEYS, (k) => `acls[${i}].${k}`, 'ACL key', file, diags);
      checkEnum(acl.permission, PERMISSIONS, `acls[${i}].permission`, 'permission', file, diags);
      checkEnum(acl.accessType, ACCESS_TYPES, `acls[${i}].accessType`, 'access type', file, diags);
    });
  }
}

const MODEL_CONFIG_KEYS = [
  'dataSource',
  'public',
  'options',
  'relations',
  'acls',
  'properties',
  'methods',
  'mixins',
  'hidden',
  'protected',
  'plural',
  'base',
  'remoting',
  'http',
];

/** A model-config.json entry: `datasource` for `dataSource` and the like. */
export function checkModelConfigEntry(
  name: string,
  entry: unknown,
  file: string,
  diags: BootDiagnostics,
): void {
  if (isObject(entry))
    warnLikelyTypos(Object.keys(entry), MODEL_CONFIG_KEYS, (k) => `${name}.${k}`, 'key', file, diags);
}

/** An ACL value compared in upper case (as LB3 does) that is none of the known ones: the rule could never apply. */
function checkEnum(
  value: unknown,
  known: string[],
  path: string,
  what: string,
  file: string,
  diags: BootDiagnostics,
): void {
  if (value === undefined) return;
  if (typeof value === 'string' && known.includes(value.toUpperCase())) return;
  const hint = typeof value === 'string' ? didYouMean(value.toUpperCase(), known) : '';
  diags.error(
    file,
    path,
    `unknown ${what} ${JSON.stringify(value)} (one of ${known.join(', ')})${hint}`,
    'INVALID_ACL',
  );
}

/** What the checks after the boot scripts need to know of the app (by then every model and role resolver is registered). */
export interface BootedApp {
  modelNames(): string[];
  findModel(name: string): ModelLike | undefined;
  roleNames(): string[];
}

export interface ModelLike {
  modelName?: string;
  prototype: object;
  definition?: { properties?: Record<string, unknown> };
  relations?: Record<string, unknown>;
  settings?: { scopes?: unknown };
  sharedClass?: { _methods?: Array<{ name: string; aliases?: string[] }> };
}

/**
 * Checks what only the booted app can tell (models and role resolvers may come from boot scripts):
 * relations naming models nobody defined, ACLs naming unknown principal types, `$` roles, or methods.
 */
export function checkModelReferences(
  def: Record<string, unknown>,
  file: string,
  app: BootedApp,
  diags: BootDiagnostics,
): void {
  const models = app.modelNames();
  if (isObject(def.relations)) {
    for (const [name, relation] of Object.entries(def.relations)) {
      if (!isObject(relation)) continue;
      for (const key of ['model', 'through'] as const) {
        const target = relation[key];
        if (typeof target !== 'string' || app.findModel(target)) continue;
        // A near miss of a defined model is a typo that leaves the intended relation broken; a
        // name far from every model is a dead relation, which LB3 booted (its own fixtures have one).
        const close = closestName(target, models);
        const path = `relations.${name}.${key}`;
        if (close !== undefined)
          diags.error(
            file,
            path,
            `names an unknown model "${target}"; did you mean "${close}"?`,
            'MODEL_NOT_DEFINED',
          );
        else
          diags.warn(
            file,
            path,
            `names a model nobody defines, "${target}"; the relation cannot be used`,
            'MODEL_NOT_DEFINED',
          );
      }
    }
  }
  if (!Array.isArray(def.acls)) return;
  const Model = typeof def.name === 'string' ? app.findModel(def.name) : undefined;
  const methods = Model
    ? methodNames(
        Model,
        models.map((n) => app.findModel(n)).filter((m): m is ModelLike => m !== undefined),
      )
    : undefined;
  def.acls.forEach((acl, i) => {
    if (!isObject(acl)) return;
    const type = acl.principalType;
    if (typeof type === 'string' && !PRINCIPAL_TYPES.includes(type.toUpperCase()) && !app.findModel(type)) {
      diags.error(
        file,
        `acls[${i}].principalType`,
        `unknown principal type "${type}" (one of ${PRINCIPAL_TYPES.join(', ')} or a user model's name)${didYouMean(type, [...PRINCIPAL_TYPES, ...models])}`,
        'INVALID_ACL',
      );
    }
    const id = acl.principalId;
    if (
      typeof type === 'string' &&
      type.toUpperCase() === 'ROLE' &&
      typeof id === 'string' &&
      id.startsWith('$')
    )
      checkRole(id, `acls[${i}].principalId`, file, app, diags);
    if (!methods) return;
    const properties = Array.isArray(acl.property) ? acl.property : [acl.property];
    properties.forEach((p, j) => {
      if (typeof p !== 'string' || p === '' || p === '*' || methods.has(p)) return;
      const path = Array.isArray(acl.property) ? `acls[${i}].property[${j}]` : `acls[${i}].property`;
      diags.warn(
        file,
        path,
        `"${p}" is no method of ${String(def.name)}; the rule never applies${didYouMean(p, methods)}`,
        'UNKNOWN_ACL_METHOD',
      );
    });
  });
}

/** A `$` role is built in, registered by `Role.registerResolver`, or a Role row named so: a near miss of a known one is a typo. */
function checkRole(role: string, path: string, file: string, app: BootedApp, diags: BootDiagnostics): void {
  const known = [...new Set([...BUILTIN_ROLES, ...app.roleNames()])];
  if (known.includes(role)) return;
  const close = closestName(role, known);
  if (close !== undefined)
    diags.error(file, path, `unknown role "${role}"; did you mean "${close}"?`, 'UNKNOWN_ROLE');
  else
    diags.warn(
      file,
      path,
      `"${role}" is no built-in role nor one registered with Role.registerResolver; only a Role named so in the store can match it`,
      'UNKNOWN_ROLE',
    );
}

/** Every name an ACL `property` may match on the model: its methods (static and prototype, shared or not, with aliases), relation accessors and properties, and those of the models extending it. */
function methodNames(Model: ModelLike, all: ModelLike[]): Set<string> {
  const names = new Set<string>();
  const family = all.filter(
    (M) => M === Model || M.prototype instanceof (Model as unknown as new () => unknown),
  );
  for (const M of [Model, ...family]) {
    for (let o: object | null = M as object; o && o !== Function.prototype; o = Object.getPrototypeOf(o))
      for (const n of Object.getOwnPropertyNames(o)) names.add(n);
    for (let o: object | null = M.prototype; o && o !== Object.prototype; o = Object.getPrototypeOf(o))
      for (const n of Object.getOwnPropertyNames(o)) names.add(n);
    for (const m of M.sharedClass?._methods ?? []) {
      names.add(m.name);
      for (const a of m.aliases ?? []) names.add(a);
    }
    for (const relation of Object.keys(M.relations ?? {}))
      for (const op of [
        'get',
        'set',
        'create',
        'update',
        'destroy',
        'findById',
        'destroyById',
        'updateById',
        'exists',
        'link',
        'unlink',
        'count',
        'delete',
      ])
        names.add(`__${op}__${relation}`);
    const scopes = isObject(M.settings?.scopes) ? Object.keys(M.settings.scopes) : [];
    for (const scope of scopes)
      for (const op of ['get', 'create', 'delete', 'count']) names.add(`__${op}__${scope}`);
    for (const p of Object.keys(M.definition?.properties ?? {})) names.add(p);
  }
  return names;
}
