import type { ModelDefinition } from '../model-definition';
import { defineHidden } from '../../util/own';
import { typeLabel } from '../types';
import { blank, rulesOf, type Rule, type ValidatableCtor } from './rules';
import { Errors, MESSAGES } from './messages';
import { runRule } from './run-rule';

/**
 * Validating an instance: `required` and `forceId` from the definition, unknown and mistyped
 * properties (embedded ones too), then the model's rules in order.
 */

/** What the check reads of a value that may be an embedded model instance. */
interface EmbeddedInstance {
  constructor?: { definition?: ModelDefinition };
  __data?: Record<string, unknown>;
  __invalidProperties?: Record<string, unknown>;
}

/** The first mistyped property inside an embedded instance (or a list of them), at any depth. */
function mistypedEmbedded(value: unknown, path = ''): { path: string; type: string } | undefined {
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const bad = mistypedEmbedded(item, `${path}${i}.`);
      if (bad) return bad;
    }
    return undefined;
  }
  const inst = value as EmbeddedInstance | null | undefined;
  const def = inst?.constructor?.definition;
  if (!def || !inst.__data) return undefined;
  const name = Object.keys(inst.__invalidProperties ?? {})[0];
  if (name !== undefined) {
    return { path: path + name, type: def.properties[name] ? typeLabel(def.properties[name].kind) : 'value' };
  }
  for (const prop of embeddedNames(def)) {
    const bad = mistypedEmbedded(inst.__data[prop], `${path}${prop}.`);
    if (bad) return bad;
  }
  return undefined;
}

const embedded = new WeakMap<ModelDefinition, readonly string[]>();

/** A model's properties holding embedded models (or lists of them), worked out once per model. */
function embeddedNames(def: ModelDefinition): readonly string[] {
  let names = embedded.get(def);
  if (!names) {
    names = def.propertyNames.filter(
      (n) => def.properties[n].kind.model || def.properties[n].kind.itemType?.model,
    );
    embedded.set(def, names);
  }
  return names;
}

/**
 * Validates an instance: fills `inst.errors` (LB3's shape: messages per property, `codes` beside
 * them, non-enumerable) and resolves to whether it is valid.
 */
/** Validates an instance (for the DAO, which always waits). */
export async function isValid(inst: any, options: object = {}): Promise<boolean> {
  return validateInstance(inst, options);
}

/**
 * Validates an instance and sets `inst.errors`. As LB3's `isValid()`, the answer is a boolean at
 * once when every rule is synchronous; a promise of it when a rule needs the store or is async.
 */
export function validateInstance(inst: any, options: object = {}): boolean | Promise<boolean> {
  const Model = inst.constructor as ValidatableCtor;
  const def = Model.definition;
  const data = inst.__data;
  // Made when the first error is found (or a rule needs it): a valid instance of a model without
  // rules allocates nothing but its `errors: false`.
  let errors: Errors | undefined;
  const names = def.propertyNames;
  for (let i = 0; i < names.length; i++) {
    const p = def.properties[names[i]];
    if (p.required && !(p.id !== undefined && p.generated) && blank(data[names[i]]))
      (errors ??= new Errors()).add(names[i], MESSAGES.presence, 'presence');
  }
  const idName = def.idName;
  if (
    def.forceId &&
    idName &&
    data[idName] !== undefined &&
    data[idName] !== null &&
    (typeof inst.isNewRecord === 'function' ? inst.isNewRecord() : true)
  ) {
    (errors ??= new Errors()).add(idName, MESSAGES.absence, 'absence');
  }
  const unknown = inst.__unknownProperties as string[] | undefined;
  if (unknown)
    for (const name of unknown)
      (errors ??= new Errors()).add(name, MESSAGES['unknown-property'], 'unknown-property');
  const invalid = inst.__invalidProperties as Record<string, unknown> | undefined;
  if (invalid) {
    for (const name of Object.keys(invalid)) {
      (errors ??= new Errors()).add(
        name,
        `is not a valid ${def.properties[name] ? typeLabel(def.properties[name].kind) : 'value'}`,
        'type',
      );
    }
  }
  for (const name of embeddedNames(def)) {
    const bad = mistypedEmbedded(data[name]);
    if (bad)
      (errors ??= new Errors()).add(
        name,
        `is invalid: \`${bad.path}\` is not a valid ${bad.type}`,
        'invalid',
      );
  }
  const rules = rulesOf(Model);
  if (rules.length === 0) return finish(inst, errors);
  const all = (errors ??= new Errors());
  const pending = runRules(inst, rules, all, options, 0);
  return pending ? pending.then(() => finish(inst, all)) : finish(inst, all);
}

/** Sets `inst.errors` (the errors, or false when there are none) and answers whether it is valid. */
function finish(inst: any, errors: Errors | undefined): boolean {
  const valid = errors === undefined || Object.keys(errors).length === 0;
  defineHidden(inst, 'errors', valid ? false : errors);
  return valid;
}

/** The rules from `from` on, in order; synchronous until one of them has to wait. */
function runRules(
  inst: any,
  rules: readonly Rule[],
  errors: Errors,
  options: object,
  from: number,
): void | Promise<void> {
  for (let i = from; i < rules.length; i++) {
    const waiting = runRule(inst, rules[i], errors, options);
    if (waiting) return waiting.then(() => runRules(inst, rules, errors, options, i + 1));
  }
}
