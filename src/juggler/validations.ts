import { ValidationError } from '../errors';
import { hasOwn } from '../util/own';
import { shownValues, type ModelDefinition } from './model-definition';
import type { UniqueKey } from './unique-keys';
import { typeLabel } from './types';

/**
 * LB3's validations: the `validates*` statics, `required` and `forceId` from the definition,
 * unknown and mistyped properties, and `isValid`. Codes and default messages are LB3's
 * (`length.min`/"too short", `format.blank`/"is blank", …), so clients keep matching them.
 */

export interface ValidationOptions {
  message?: string | Record<string, string>;
  code?: string;
  allowNull?: boolean;
  allowBlank?: boolean;
  if?: string | ((this: any) => boolean);
  unless?: string | ((this: any) => boolean);
  [key: string]: unknown;
}

type Kind =
  | 'presence'
  | 'absence'
  | 'length'
  | 'numericality'
  | 'inclusion'
  | 'exclusion'
  | 'format'
  | 'uniqueness'
  | 'date'
  | 'custom';

interface Rule {
  prop: string;
  kind: Kind;
  options: ValidationOptions;
  /** custom/async: the user's function. */
  fn?: (...args: any[]) => unknown;
  async?: boolean;
}

const MESSAGES: Record<string, string> = {
  presence: "can't be blank",
  absence: "can't be set",
  'unknown-property': 'is not defined in the model',
  'length.min': 'too short',
  'length.max': 'too long',
  'length.is': 'length is wrong',
  'numericality.int': 'is not an integer',
  'numericality.number': 'is not a number',
  inclusion: 'is not included in the list',
  exclusion: 'is reserved',
  format: 'is invalid',
  uniqueness: 'is not unique',
  date: 'is not a valid date',
  custom: 'is invalid',
  blank: 'is blank',
  null: 'is null',
};

interface ValidatableCtor {
  modelName: string;
  definition: ModelDefinition;
  __validations?: Rule[];
  find?: (filter: object, options?: object) => PromiseLike<any[]>;
}

function ownRules(Model: ValidatableCtor): Rule[] {
  if (!hasOwn(Model, '__validations'))
    Object.defineProperty(Model, '__validations', { value: [], writable: true });
  return Model.__validations!;
}

/** Rules of the model and every base model, base first. */
function rulesOf(Model: ValidatableCtor): Rule[] {
  const chain: Rule[][] = [];
  for (let c: any = Model; c && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    if (hasOwn(c, '__validations')) chain.unshift(c.__validations);
  }
  return chain.flat();
}

function addRule(
  Model: ValidatableCtor,
  prop: string,
  kind: Kind,
  options: ValidationOptions = {},
  fn?: Rule['fn'],
  isAsync = false,
): void {
  ownRules(Model).push({ prop, kind, options: options ?? {}, fn, async: isAsync });
}

/** Splits LB3's `(prop1, prop2, ..., options?)` argument list. */
function propsAndOptions(args: unknown[]): [string[], ValidationOptions] {
  const last = args[args.length - 1];
  if (last && typeof last === 'object' && !Array.isArray(last))
    return [args.slice(0, -1).flat() as string[], last as ValidationOptions];
  return [args.flat() as string[], {}];
}

function blank(v: unknown): boolean {
  return (
    v === undefined ||
    v === null ||
    v === '' ||
    (Array.isArray(v) && v.length === 0) ||
    (typeof v === 'number' && isNaN(v))
  );
}

class Errors {
  declare codes: Record<string, string[]>;
  constructor() {
    Object.defineProperty(this, 'codes', { value: {}, enumerable: false });
  }
  add(prop: string, message: string, code: string): void {
    ((this as any)[prop] ??= []).push(message);
    (this.codes[prop] ??= []).push(code);
  }
}

/** A validator's own message before any kind is applied, as LB3 keeps them. */
const RULE_MESSAGES: Partial<Record<Kind, string | Record<string, string>>> = {
  presence: MESSAGES.presence,
  absence: MESSAGES.absence,
  length: { min: MESSAGES['length.min'], max: MESSAGES['length.max'], is: MESSAGES['length.is'] },
  numericality: { int: MESSAGES['numericality.int'], number: MESSAGES['numericality.number'] },
  inclusion: MESSAGES.inclusion,
  exclusion: MESSAGES.exclusion,
  uniqueness: MESSAGES.uniqueness,
  date: MESSAGES.date,
};

/**
 * LB3's message resolution, quirks included: a kind (`min`, `blank`, ...) looks inside an object
 * message, then falls back to the common `is blank`/`is null`, then to `is invalid`, so a plain
 * string message never replaces `is blank`.
 */
function messageFor(rule: Rule | undefined, code: string, kind?: string): string {
  if (!rule) return MESSAGES[code] ?? 'is invalid';
  const base = rule.options.message ?? RULE_MESSAGES[rule.kind] ?? 'is invalid';
  if (!kind) return typeof base === 'string' ? base : 'is invalid';
  if (typeof base === 'object' && typeof base[kind] === 'string') return base[kind];
  return kind === 'blank' || kind === 'null' ? MESSAGES[kind] : 'is invalid';
}

function conditionHolds(inst: any, rule: Rule): boolean {
  const test = (cond: ValidationOptions['if']) =>
    typeof cond === 'function'
      ? cond.call(inst)
      : typeof cond === 'string'
        ? typeof inst[cond] === 'function'
          ? inst[cond]()
          : !!inst[cond]
        : true;
  if (rule.options.if !== undefined && !test(rule.options.if)) return false;
  if (rule.options.unless !== undefined && test(rule.options.unless)) return false;
  return true;
}

/** LB3's null/blank pre-check shared by most validators; true means "stop, handled". */
function nullCheck(inst: any, rule: Rule, errors: Errors): boolean {
  const v = inst[rule.prop];
  const report = (kind: 'null' | 'blank') =>
    errors.add(rule.prop, messageFor(rule, kind, kind), `${rule.options.code ?? rule.kind}.${kind}`);
  if (v === null) {
    if (!rule.options.allowNull) report('null');
    return true;
  }
  if (blank(v)) {
    if (!rule.options.allowBlank) report('blank');
    return true;
  }
  return false;
}

/**
 * Runs one rule. Synchronous unless the rule needs the store (uniqueness) or is asynchronous
 * (validateAsync, a validator returning a promise): then the promise to wait for.
 */
function runRule(inst: any, rule: Rule, errors: Errors, options: object): void | Promise<void> {
  if (!conditionHolds(inst, rule)) return;
  const v = inst[rule.prop];
  // LB3: a custom `code` option replaces the rule's name, the kind is still appended (`myCode.min`).
  const fail = (code: string, kind?: string) =>
    errors.add(
      rule.prop,
      messageFor(rule, code, kind),
      rule.options.code !== undefined ? (kind ? `${rule.options.code}.${kind}` : rule.options.code) : code,
    );
  switch (rule.kind) {
    case 'presence':
      if (blank(v)) fail('presence');
      return;
    case 'absence':
      if (!blank(v)) fail('absence');
      return;
    case 'length': {
      if (nullCheck(inst, rule, errors)) return;
      const len = typeof v === 'string' || Array.isArray(v) ? v.length : String(v).length;
      const { min, max, is } = rule.options as { min?: number; max?: number; is?: number };
      if (typeof min === 'number' && len < min) fail('length.min', 'min');
      if (typeof max === 'number' && len > max) fail('length.max', 'max');
      if (typeof is === 'number' && len !== is) fail('length.is', 'is');
      return;
    }
    case 'numericality':
      if (nullCheck(inst, rule, errors)) return;
      if (typeof v !== 'number' || isNaN(v)) fail('numericality.number', 'number');
      else if (rule.options.int && !Number.isInteger(v)) fail('numericality.int', 'int');
      return;
    case 'inclusion':
      if (nullCheck(inst, rule, errors)) return;
      if (!((rule.options.in as unknown[]) ?? []).includes(v)) fail('inclusion');
      return;
    case 'exclusion':
      if (nullCheck(inst, rule, errors)) return;
      if (((rule.options.in as unknown[]) ?? []).includes(v)) fail('exclusion');
      return;
    case 'format': {
      if (nullCheck(inst, rule, errors)) return;
      const s = String(v);
      const withRe = rule.options.with as RegExp | undefined;
      const withoutRe = rule.options.without as RegExp | undefined;
      if ((withRe && !withRe.test(s)) || (withoutRe && withoutRe.test(s))) fail('format');
      return;
    }
    case 'date':
      if (v === undefined || v === null) return;
      // LB3 accepts anything `new Date()` can read (ISO strings, timestamps).
      if (isNaN((v instanceof Date ? v : new Date(v as string | number)).getTime())) fail('date');
      return;
    case 'uniqueness':
      return checkUniqueness(inst, rule, options, () => fail('uniqueness'));
    case 'custom': {
      // Each `err(kind?)` call is one error: LB3 appends the kind to the code (`custom.kind`) and
      // picks `message[kind]`.
      const kinds: Array<string | undefined> = [];
      const err = (kind?: string | false) => {
        if (kind === false) return;
        kinds.push(typeof kind === 'string' && kind ? kind : undefined);
      };
      const report = () => {
        for (const kind of kinds) fail(kind ? `custom.${kind}` : 'custom', kind);
      };
      if (rule.async) {
        return new Promise<void>((resolve) => {
          // LB3 passes the options to validators declared with three parameters.
          if (rule.fn!.length === 3) rule.fn!.call(inst, err, options, () => resolve());
          else rule.fn!.call(inst, err, () => resolve());
        }).then(report);
      }
      const result = rule.fn!.call(inst, err, options) as unknown;
      if (result && typeof (result as PromiseLike<unknown>).then === 'function')
        return Promise.resolve(result).then(report);
      report();
      return;
    }
  }
}

async function checkUniqueness(inst: any, rule: Rule, options: object, fail: () => void): Promise<void> {
  const v = inst[rule.prop];
  if (blank(v) && !rule.options.allowNull) return;
  const Model = inst.constructor as ValidatableCtor;
  if (typeof Model.find !== 'function' || !(Model as any).dataSource) return;
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
  Object.defineProperty(inst, 'errors', {
    value: errors,
    writable: true,
    configurable: true,
    enumerable: false,
  });
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

/** The first mistyped property inside an embedded instance (or a list of them), at any depth. */
function mistypedEmbedded(value: unknown, path = ''): { path: string; type: string } | undefined {
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const bad = mistypedEmbedded(item, `${path}${i}.`);
      if (bad) return bad;
    }
    return undefined;
  }
  const def = (value as any)?.constructor?.definition as ModelDefinition | undefined;
  if (!def || !(value as any).__data) return undefined;
  const name = Object.keys((value as any).__invalidProperties ?? {})[0];
  if (name !== undefined) {
    return { path: path + name, type: def.properties[name] ? typeLabel(def.properties[name].kind) : 'value' };
  }
  for (const prop of embeddedNames(def)) {
    const bad = mistypedEmbedded((value as any).__data[prop], `${path}${prop}.`);
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

/** The 422 error for an instance that `isValid` found wanting. */
export function validationErrorFor(inst: any): ValidationError {
  const errors = inst.errors as Errors;
  const messages: Record<string, string[]> = {};
  for (const k of Object.keys(errors)) messages[k] = (errors as any)[k];
  return new ValidationError(
    (inst.constructor as ValidatableCtor).modelName,
    { ...errors.codes },
    messages,
    shownValues((inst.constructor as ValidatableCtor).definition, inst.__data),
  );
}

type Args = unknown[];

/** The `validates*` statics, installed on the root model class so every model inherits them. */
export function installValidationMethods(Root: abstract new (...args: any[]) => unknown): void {
  const statics: Record<string, (this: ValidatableCtor, ...args: any[]) => void> = {
    validatesPresenceOf(...args: Args) {
      const [props, options] = propsAndOptions(args);
      for (const p of props) addRule(this, p, 'presence', options);
    },
    validatesAbsenceOf(...args: Args) {
      const [props, options] = propsAndOptions(args);
      for (const p of props) addRule(this, p, 'absence', options);
    },
    validatesLengthOf(prop: string, options: ValidationOptions) {
      addRule(this, prop, 'length', options);
    },
    validatesNumericalityOf(prop: string, options: ValidationOptions = {}) {
      addRule(this, prop, 'numericality', options);
    },
    validatesInclusionOf(prop: string, options: ValidationOptions) {
      addRule(this, prop, 'inclusion', options);
    },
    validatesExclusionOf(prop: string, options: ValidationOptions) {
      addRule(this, prop, 'exclusion', options);
    },
    validatesFormatOf(prop: string, options: ValidationOptions) {
      addRule(this, prop, 'format', options);
    },
    validatesUniquenessOf(prop: string, options: ValidationOptions = {}) {
      addRule(this, prop, 'uniqueness', options);
    },
    validatesDateOf(prop: string, options: ValidationOptions = {}) {
      addRule(this, prop, 'date', options);
    },
    validate(prop: string, fn: Rule['fn'], options: ValidationOptions = {}) {
      addRule(this, prop, 'custom', options, fn);
    },
    validateAsync(prop: string, fn: Rule['fn'], options: ValidationOptions = {}) {
      addRule(this, prop, 'custom', options, fn, true);
    },
  };
  for (const [name, fn] of Object.entries(statics)) {
    Object.defineProperty(Root, name, { value: fn, writable: true, configurable: true, enumerable: false });
  }
  Object.defineProperty(Root.prototype, 'isValid', {
    value: function (this: any, cb?: (valid: boolean) => void, _data?: unknown, options?: object) {
      const result = validateInstance(this, options);
      if (typeof cb === 'function') {
        if (typeof result === 'boolean') cb(result);
        else result.then(cb, () => cb(false));
      }
      return result;
    },
    writable: true,
    configurable: true,
  });
}
