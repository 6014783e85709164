import { InvalidFilterError } from '../../errors';
import type { IncludeSpec } from '../filter/types';
import { mergeQuery, mergeWhere } from '../scope';
import { embeddedList, embeddedValue } from './embedded';
import { isScalarKey } from './key-properties';
import type { RelationDefinition } from './relation-definition';

/**
 * `include`, batched: for each relation of each level, ONE query for all the parents (keys
 * gathered and sent as one `inq`, chunked at the data source's `inqLimit`), however many parents
 * there are; hasMany-through does the through model and the target in two. Nested includes ride
 * in the target query's own `include`, so the next level is batched the same way.
 */

type Inst = Record<string, any>;
type Query = Record<string, any>;

const DEFAULT_INQ_LIMIT = 256;

function relationOf(Model: any, name: string): RelationDefinition {
  const rel = Model.relations?.[name] as RelationDefinition | undefined;
  if (!rel || typeof rel !== 'object' || !('keyFrom' in rel)) {
    throw new InvalidFilterError(`Relation "${name}" is not defined for ${Model.modelName} model`);
  }
  return rel;
}

/** The parent properties an include needs, so a parent `fields` projection can keep them. */
export function keysNeededFor(Model: any, include: readonly IncludeSpec[]): string[] {
  const out = new Set<string>();
  for (const spec of include) {
    const rel = relationOf(Model, spec.relation);
    if (rel.isEmbedded) out.add(rel.embedProperty!);
    else out.add(rel.keyFrom);
    if (rel.polymorphic && rel.type === 'belongsTo') out.add(rel.polymorphic.discriminator);
  }
  return [...out];
}

export async function includeRelated(
  Model: any,
  parents: Inst[],
  include: readonly IncludeSpec[],
  options: object,
): Promise<void> {
  for (const spec of include) {
    const rel = relationOf(Model, spec.relation);
    if (rel.disableInclude) continue;
    await includeOne(rel, parents, (spec.scope ?? {}) as Query, options);
  }
}

async function includeOne(
  rel: RelationDefinition,
  parents: Inst[],
  scope: Query,
  options: object,
): Promise<void> {
  switch (rel.type) {
    case 'embedsOne':
      for (const p of parents) p.__cachedRelations[rel.name] = embeddedValue(rel, p);
      return;
    case 'embedsMany':
      for (const p of parents) p.__cachedRelations[rel.name] = embeddedList(rel, p);
      return;
    case 'belongsTo':
      return rel.modelTo
        ? includeParents(rel, rel.modelTo, rel.keyTo, parents, scope, options)
        : includePolymorphicParents(rel, parents, scope, options);
    case 'referencesMany':
      return includeReferences(rel, parents, scope, options);
    default:
      return rel.isThrough
        ? includeThrough(rel, parents, scope, options)
        : includeChildren(rel, parents, scope, options);
  }
}

function uniqueKeys(values: unknown[]): unknown[] {
  const seen = new Map<string, unknown>();
  for (const v of values) {
    // Only single values join: a stored object or array never becomes part of the target query.
    if (!isScalarKey(v)) continue;
    const k = keyString(v);
    if (!seen.has(k)) seen.set(k, v);
  }
  return [...seen.values()];
}

/** Join keys compare by their text (LB3 matches 1 and '1'); dates by their time. */
function keyString(v: unknown): string {
  if (typeof v === 'string') return v;
  return v instanceof Date
    ? String(v.getTime())
    : typeof v === 'object' && v !== null
      ? JSON.stringify(v)
      : String(v);
}

/**
 * When every join key on both sides is a number (the usual integer ids), the numbers key the
 * grouping as they are; converting each to text only matters when a string may meet a number.
 */
function allNumbers(values: unknown[]): boolean {
  for (const v of values) if (typeof v !== 'number') return false;
  return true;
}

function sameValue(v: unknown): unknown {
  return v;
}

/** A property's value on an instance, read from its data (no accessor call per row). */
function valueOf(inst: Inst, name: string): unknown {
  const data = inst.__data;
  const v = data === undefined ? undefined : data[name];
  return v !== undefined ? v : inst[name];
}

function inqLimitOf(Model: any): number {
  const n = Model.dataSource?.settings?.inqLimit;
  return typeof n === 'number' && n > 0 ? n : DEFAULT_INQ_LIMIT;
}

/**
 * Runs the target query for all the keys, in chunks of `inqLimit`. The scope's fields always keep
 * the join key (LB3 answers with it even when the scope's fields leave it out); limit/skip are
 * applied per parent by the caller, so they are taken off the shared query here.
 */
async function fetchByKeys(
  rel: RelationDefinition,
  Target: any,
  key: string,
  keys: unknown[],
  scope: Query,
  options: object,
): Promise<Inst[]> {
  if (!keys.length) return [];
  const query = mergeQuery(scope, rel.scope);
  const { limit: _limit, skip: _skip, offset: _offset, ...shared } = query;
  if (shared.fields !== undefined) {
    const fields = normalizeFieldList(shared.fields);
    if (fields && !fields.includes(key)) shared.fields = [...fields, key];
  }
  const rows: Inst[] = [];
  const chunk = inqLimitOf(Target);
  for (let i = 0; i < keys.length; i += chunk) {
    const part = keys.slice(i, i + chunk);
    const where = mergeWhere(shared.where, { [key]: part.length === 1 ? part[0] : { inq: part } });
    rows.push(...(await Target.find({ ...shared, where }, options)));
  }
  return rows;
}

/** `fields` in its object or array form, as the list of properties it keeps (undefined: all). */
function normalizeFieldList(fields: unknown): string[] | undefined {
  if (Array.isArray(fields)) return fields.map(String);
  if (typeof fields === 'string') return [fields];
  if (fields && typeof fields === 'object') {
    const entries = Object.entries(fields as Record<string, unknown>);
    const included = entries.filter(([, v]) => v === true || v === 1).map(([k]) => k);
    return included.length ? included : undefined;
  }
  return undefined;
}

/** Per-parent skip/limit, as LB3 applies them to hasMany includes. */
function page(list: Inst[], scope: Query): Inst[] {
  const skip = Number(scope.skip ?? scope.offset ?? 0) || 0;
  const limit = Number(scope.limit ?? 0) || 0;
  if (!skip && !limit) return list;
  return list.slice(skip, limit ? skip + limit : undefined);
}

async function includeChildren(
  rel: RelationDefinition,
  parents: Inst[],
  scope: Query,
  options: object,
): Promise<void> {
  const { keyFrom, keyTo } = rel;
  const keys = uniqueKeys(parents.map((p) => valueOf(p, keyFrom)));
  const discriminator = rel.polymorphic
    ? { [rel.polymorphic.discriminator]: rel.modelFrom.modelName }
    : undefined;
  const rows = await fetchByKeys(
    rel,
    rel.modelTo,
    keyTo,
    keys,
    discriminator ? { ...scope, where: mergeWhere(scope.where, discriminator) } : scope,
    options,
  );
  const keyOf =
    allNumbers(keys) && rows.every((row) => typeof valueOf(row, keyTo) === 'number') ? sameValue : keyString;
  const byKey = new Map<unknown, Inst[]>();
  for (const row of rows) {
    const k = keyOf(valueOf(row, keyTo));
    let list = byKey.get(k);
    if (!list) byKey.set(k, (list = []));
    list.push(row);
  }
  const merged = rel.scope ? mergeQuery(scope, rel.scope) : scope;
  for (const p of parents) {
    const v = valueOf(p, keyFrom);
    const list = page((isScalarKey(v) ? byKey.get(keyOf(v)) : undefined) ?? [], merged);
    p.__cachedRelations[rel.name] = rel.multiple ? list : (list[0] ?? null);
  }
}

async function includeParents(
  rel: RelationDefinition,
  Target: any,
  keyTo: string,
  parents: Inst[],
  scope: Query,
  options: object,
): Promise<void> {
  const keys = uniqueKeys(parents.map((p) => p[rel.keyFrom]));
  const rows = await fetchByKeys(rel, Target, keyTo, keys, scope, options);
  const byKey = new Map<string, Inst>();
  for (const row of rows) byKey.set(keyString(row[keyTo]), row);
  for (const p of parents) {
    const k = p[rel.keyFrom];
    if (rel.polymorphic && p[rel.polymorphic.discriminator] !== Target.modelName) continue;
    p.__cachedRelations[rel.name] = isScalarKey(k) ? (byKey.get(keyString(k)) ?? null) : null;
  }
}

async function includePolymorphicParents(
  rel: RelationDefinition,
  parents: Inst[],
  scope: Query,
  options: object,
): Promise<void> {
  const byModel = new Map<any, Inst[]>();
  for (const p of parents) {
    const Target = rel.targetFor(p);
    if (!Target) {
      p.__cachedRelations[rel.name] = null;
      continue;
    }
    let list = byModel.get(Target);
    if (!list) byModel.set(Target, (list = []));
    list.push(p);
  }
  for (const [Target, group] of byModel)
    await includeParents(rel, Target, Target.definition.idName ?? 'id', group, scope, options);
}

async function includeThrough(
  rel: RelationDefinition,
  parents: Inst[],
  scope: Query,
  options: object,
): Promise<void> {
  const keys = uniqueKeys(parents.map((p) => p[rel.keyFrom]));
  const links: Inst[] = [];
  const chunk = inqLimitOf(rel.modelThrough);
  for (let i = 0; i < keys.length; i += chunk) {
    const part = keys.slice(i, i + chunk);
    const where: Query = { [rel.keyTo]: part.length === 1 ? part[0] : { inq: part } };
    links.push(...(await rel.modelThrough!.find({ where }, options)));
  }
  const targetIdName = rel.modelTo!.definition.idName ?? 'id';
  const rows = await fetchByKeys(
    rel,
    rel.modelTo,
    targetIdName,
    uniqueKeys(links.map((l) => l[rel.keyThrough!])),
    scope,
    options,
  );
  const targets = new Map<string, Inst>();
  for (const row of rows) targets.set(keyString(row[targetIdName]), row);
  const linked = new Map<string, Inst[]>();
  for (const link of links) {
    const target = targets.get(keyString(link[rel.keyThrough!]));
    if (!target) continue;
    const k = keyString(link[rel.keyTo]);
    let list = linked.get(k);
    if (!list) linked.set(k, (list = []));
    list.push(target);
  }
  const merged = mergeQuery(scope, rel.scope);
  for (const p of parents) {
    let list = linked.get(keyString(p[rel.keyFrom])) ?? [];
    // With an order in the scope the targets keep the query's order; otherwise the links'.
    if (merged.order) list = rows.filter((r) => list.includes(r));
    p.__cachedRelations[rel.name] = page(list, merged);
  }
}

async function includeReferences(
  rel: RelationDefinition,
  parents: Inst[],
  scope: Query,
  options: object,
): Promise<void> {
  const idName = rel.modelTo!.definition.idName ?? 'id';
  const all = uniqueKeys(parents.flatMap((p) => (Array.isArray(p[rel.keyFrom]) ? p[rel.keyFrom] : [])));
  const rows = await fetchByKeys(rel, rel.modelTo, idName, all, scope, options);
  const byId = new Map<string, Inst>();
  for (const row of rows) byId.set(keyString(row[idName]), row);
  for (const p of parents) {
    const ids: unknown[] = Array.isArray(p[rel.keyFrom]) ? p[rel.keyFrom] : [];
    p.__cachedRelations[rel.name] = page(
      ids.map((id) => byId.get(keyString(id))).filter((x): x is Inst => x !== undefined),
      mergeQuery(scope, rel.scope),
    );
  }
}
