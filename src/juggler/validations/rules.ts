import { hasOwn } from '../../util/own';
import type { ModelDefinition } from '../model-definition';

/**
 * The rules a model declares through its `validates*` statics (LB3's), kept per model class and
 * inherited down the class chain.
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

export type Kind =
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

export interface Rule {
  prop: string;
  kind: Kind;
  options: ValidationOptions;
  /** custom/async: the user's function. */
  fn?: Validator;
  async?: boolean;
}

/** A custom rule's function (`validate`, `validateAsync`), called with the instance as `this`. */
export type Validator = (this: any, err: (kind?: string | false) => void, ...rest: any[]) => unknown;

/** What the rules read of a model class. */
export interface ValidatableCtor {
  modelName: string;
  definition: ModelDefinition;
  dataSource?: unknown;
  __validations?: Rule[];
  find?: (filter: object, options?: object) => PromiseLike<any[]>;
}

function ownRules(Model: ValidatableCtor): Rule[] {
  if (!hasOwn(Model, '__validations'))
    Object.defineProperty(Model, '__validations', { value: [], writable: true });
  return Model.__validations!;
}

/** Bumped whenever a rule is added anywhere: the per-model lists below are built again then. */
let rulesVersion = 0;
const chains = new WeakMap<object, { version: number; rules: readonly Rule[] }>();

/**
 * Rules of the model and every base model, base first. Worked out once per model (and again
 * after any rule is added), since every validated write reads it.
 */
export function rulesOf(Model: ValidatableCtor): readonly Rule[] {
  const cached = chains.get(Model);
  if (cached && cached.version === rulesVersion) return cached.rules;
  const chain: Rule[][] = [];
  for (let c: object | null = Model; c && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    if (hasOwn(c, '__validations')) chain.unshift((c as ValidatableCtor).__validations!);
  }
  const rules = Object.freeze(chain.flat());
  chains.set(Model, { version: rulesVersion, rules });
  return rules;
}

export function addRule(
  Model: ValidatableCtor,
  prop: string,
  kind: Kind,
  options: ValidationOptions = {},
  fn?: Rule['fn'],
  isAsync = false,
): void {
  ownRules(Model).push({ prop, kind, options: options ?? {}, fn, async: isAsync });
  rulesVersion++;
}

/** Splits LB3's `(prop1, prop2, ..., options?)` argument list. */
export function propsAndOptions(args: unknown[]): [string[], ValidationOptions] {
  const last = args[args.length - 1];
  if (last && typeof last === 'object' && !Array.isArray(last))
    return [args.slice(0, -1).flat() as string[], last as ValidationOptions];
  return [args.flat() as string[], {}];
}

/** LB3's blank: undefined, null, '', an empty list or NaN. */
export function blank(v: unknown): boolean {
  return (
    v === undefined ||
    v === null ||
    v === '' ||
    (Array.isArray(v) && v.length === 0) ||
    (typeof v === 'number' && isNaN(v))
  );
}
