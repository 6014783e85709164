import type { ValidationError } from '../../errors';
import { defineHidden, hasOwn } from '../../util/own';
import type { UniqueKey } from '../unique-keys';
import { blank, rulesOf, type Rule, type ValidatableCtor } from './rules';
import { Errors, messageFor, validationErrorFor } from './messages';

/**
 * `validatesUniquenessOf`: the query that checks a value is free, the keys a store can enforce
 * it with, and the error of a write that lost the race.
 */

export async function checkUniqueness(
  inst: any,
  rule: Rule,
  options: object,
  fail: () => void,
): Promise<void> {
  const v = inst[rule.prop];
  if (blank(v) && !rule.options.allowNull) return;
  const Model = inst.constructor as ValidatableCtor;
  if (typeof Model.find !== 'function' || !Model.dataSource) return;
  const scopes = scopesOf(rule, Model);
  // A value its type refused already fails; as a where it would read as operators.
  if ([rule.prop, ...scopes].some((p) => hasOwn(inst.__invalidProperties ?? {}, p))) return;
  const ignoreCase = rule.options.ignoreCase && typeof v === 'string';
  const where: Record<string, unknown> = {};
  where[rule.prop] = ignoreCase
    ? { regexp: new RegExp(`^${v.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`, 'i') }
    : v;
  for (const scoped of scopes) where[scoped] = inst[scoped] ?? null;
  // An earlier item of the same array create holds the value: nothing of the batch is stored yet.
  const batch = batches.get(inst);
  const key = (x: any) =>
    [x[rule.prop], ...scopes.map((p) => x[p] ?? null)].map((k) =>
      k instanceof Date ? k.getTime() : ignoreCase && typeof k === 'string' ? k.toLowerCase() : k,
    );
  const mine = key(inst);
  const earlier = batch ? batch.slice(0, batch.indexOf(inst)) : [];
  if (earlier.some((other) => key(other).every((k, i) => k === mine[i]))) {
    fail();
    return;
  }
  const found = await Model.find({ where, limit: 2 }, options);
  const idName = Model.definition.idName;
  const others = found.filter(
    (f: any) => inst.isNewRecord() || !idName || String(f[idName]) !== String(inst[idName]),
  );
  if (others.length) fail();
}

/** scopedTo may be worked out per model (the built-in User's depends on each subclass's settings). */
function scopesOf(rule: Rule, Model: ValidatableCtor): string[] {
  const scopedTo = rule.options.scopedTo as string[] | ((M: unknown) => string[]) | undefined;
  return (typeof scopedTo === 'function' ? scopedTo(Model) : scopedTo) ?? [];
}

/**
 * The uniqueness rules a store can enforce (a unique index on SQL stores, the memory store's
 * check in the write's own step), so two concurrent writes cannot both pass the query above.
 * Conditional rules (`if`/`unless`) stay checked in code only.
 */
export function uniquenessKeys(Model: ValidatableCtor): UniqueKey[] {
  const out: UniqueKey[] = [];
  for (const rule of rulesOf(Model)) {
    if (rule.kind !== 'uniqueness' || rule.options.if !== undefined || rule.options.unless !== undefined)
      continue;
    const properties = [rule.prop, ...scopesOf(rule, Model).filter((p) => p !== rule.prop)];
    if (out.some((k) => k.properties.join() === properties.join())) continue;
    out.push({
      property: rule.prop,
      properties,
      ignoreCase: rule.options.ignoreCase === true,
      source: 'validation',
      allowNull: rule.options.allowNull === true,
    });
  }
  return out;
}

/**
 * The 422 of a sequential duplicate, for a write the store refused under the uniqueness key of
 * `property`: a concurrent write took the value after this one's validation passed.
 */
export function uniquenessErrorFor(inst: any, property: string): ValidationError {
  const rule = rulesOf(inst.constructor as ValidatableCtor).find(
    (r) => r.kind === 'uniqueness' && r.prop === property,
  );
  const errors = new Errors();
  errors.add(property, messageFor(rule, 'uniqueness'), rule?.options.code ?? 'uniqueness');
  defineHidden(inst, 'errors', errors);
  return validationErrorFor(inst);
}

/** The items of an array create while it runs: uniqueness holds among them too (none is stored yet). */
const batches = new WeakMap<object, readonly object[]>();

export async function asBatch<T>(instances: readonly object[], run: () => Promise<T>): Promise<T> {
  for (const inst of instances) batches.set(inst, instances);
  try {
    return await run();
  } finally {
    for (const inst of instances) batches.delete(inst);
  }
}
