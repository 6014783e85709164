import type { ModelDefinition } from '../model-definition';
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
  const errors = new Errors();
  const isNew = typeof inst.isNewRecord === 'function' ? inst.isNewRecord() : true;
  for (const name of def.propertyNames) {
    const p = def.properties[name];
    if (p.required && !(p.id !== undefined && p.generated) && blank(inst.__data[name]))
      errors.add(name, MESSAGES.presence, 'presence');
  }
  const idName = def.idName;
  if (isNew && def.forceId && idName && inst.__data[idName] !== undefined && inst.__data[idName] !== null) {
    errors.add(idName, MESSAGES.absence, 'absence');
  }
  for (const name of inst.__unknownProperties ?? [])
    errors.add(name, MESSAGES['unknown-property'], 'unknown-property');
  for (const name of Object.keys(inst.__invalidProperties ?? {})) {
    errors.add(
      name,
      `is not a valid ${def.properties[name] ? typeLabel(def.properties[name].kind) : 'value'}`,
      'type',
    );
  }
  for (const name of embeddedNames(def)) {
    const bad = mistypedEmbedded(inst.__data[name]);
    if (bad) errors.add(name, `is invalid: \`${bad.path}\` is not a valid ${bad.type}`, 'invalid');
  }
  const finish = (): boolean => {
    Object.defineProperty(inst, 'errors', {
      value: Object.keys(errors).length ? errors : false,
      writable: true,
      configurable: true,
      enumerable: false,
    });
    return Object.keys(errors).length === 0;
  };
  const pending = runRules(inst, rulesOf(Model), errors, options, 0);
  return pending ? pending.then(finish) : finish();
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
