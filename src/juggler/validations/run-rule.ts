import { blank, type Rule, type ValidationOptions } from './rules';
import { Errors, messageFor } from './messages';
import { checkUniqueness } from './uniqueness';

/** How each kind of rule checks one instance, LB3's null/blank and `if`/`unless` handling included. */

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
export function runRule(inst: any, rule: Rule, errors: Errors, options: object): void | Promise<void> {
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
