import { ValidationError } from '../../errors';
import { shownValues } from '../model-definition';
import type { Kind, Rule, ValidatableCtor } from './rules';

/**
 * LB3's validation messages and codes (`length.min`/"too short", `format.blank`/"is blank", …),
 * kept so clients keep matching them, and the error an invalid instance raises.
 */

export const MESSAGES: Record<string, string> = {
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

/** `inst.errors`: messages per property, the codes beside them (non-enumerable), as LB3. */
export class Errors {
  declare codes: Record<string, string[]>;
  constructor() {
    Object.defineProperty(this, 'codes', { value: {}, enumerable: false });
  }
  add(prop: string, message: string, code: string): void {
    const messages = this as unknown as Record<string, string[]>;
    (messages[prop] ??= []).push(message);
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
export function messageFor(rule: Rule | undefined, code: string, kind?: string): string {
  if (!rule) return MESSAGES[code] ?? 'is invalid';
  const base = rule.options.message ?? RULE_MESSAGES[rule.kind] ?? 'is invalid';
  if (!kind) return typeof base === 'string' ? base : 'is invalid';
  if (typeof base === 'object' && typeof base[kind] === 'string') return base[kind];
  return kind === 'blank' || kind === 'null' ? MESSAGES[kind] : 'is invalid';
}

/** The 422 error for an instance that `isValid` found wanting. */
export function validationErrorFor(inst: any): ValidationError {
  const errors = inst.errors as Errors;
  const messages: Record<string, string[]> = {};
  for (const k of Object.keys(errors)) messages[k] = (errors as unknown as Record<string, string[]>)[k];
  return new ValidationError(
    (inst.constructor as ValidatableCtor).modelName,
    { ...errors.codes },
    messages,
    shownValues((inst.constructor as ValidatableCtor).definition, inst.__data),
  );
}
