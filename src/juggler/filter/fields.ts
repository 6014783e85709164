import { InvalidFilterError } from '../../errors';
import type { ModelDefinition } from '../model-definition';
import type { ResolvedLimits } from './limits';
import { resolvePath } from './property-path';

type Row = Record<string, unknown>;

/**
 * `fields` in LB3's forms — `{a: true, b: true}`, `{secret: false}`, `['a', 'b']`, `'a,b'` — as the
 * list of property names to return (undefined: all). As in LB3, when any value is true only the
 * true ones are returned and the false ones are ignored; otherwise the false ones are removed.
 * Names come back in definition order; names the model does not define follow, as given.
 */
export function normalizeFields(
  fields: unknown,
  model: ModelDefinition,
  limits: ResolvedLimits,
): readonly string[] | undefined {
  if (fields === undefined || fields === null || fields === '') return undefined;
  let include: string[] | undefined;
  let exclude: string[] | undefined;
  if (typeof fields === 'string') {
    include = fields
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  } else if (Array.isArray(fields)) {
    const bad = fields.find((f) => typeof f !== 'string');
    if (bad !== undefined)
      throw new InvalidFilterError(
        `fields must list property names; ${JSON.stringify(bad) ?? String(bad)} is not one`,
      );
    include = fields as string[];
  } else if (fields !== null && typeof fields === 'object') {
    const entries = Object.entries(fields as Record<string, unknown>);
    const on = entries.filter(([, v]) => v === true || v === 'true' || v === 1 || v === '1');
    if (on.length) include = on.map(([k]) => k);
    else
      exclude = entries
        .filter(([, v]) => v === false || v === 'false' || v === 0 || v === '0')
        .map(([k]) => k);
  } else {
    throw new InvalidFilterError(
      'fields must be an object like {"name": true} or an array of property names',
    );
  }
  for (const name of include ?? exclude ?? []) {
    const { nested } = resolvePath(name, model, limits, 'fields');
    if (nested)
      throw new InvalidFilterError(`fields.${name}: fields name whole properties, not paths inside them`);
  }
  if (include) {
    const wanted = new Set(include);
    const known = model.propertyNames.filter((p) => wanted.has(p));
    const extra = Array.from(wanted).filter(
      (p) => !Object.prototype.hasOwnProperty.call(model.properties, p),
    );
    return Object.freeze([...known, ...extra]);
  }
  if (exclude && exclude.length) {
    const dropped = new Set(exclude);
    return Object.freeze(model.propertyNames.filter((p) => !dropped.has(p)));
  }
  return undefined;
}

/**
 * The row reduced to `fields` (all of it when undefined). `copy` lets a store copy values on the way
 * out in the same pass; properties the row lacks stay absent rather than becoming undefined.
 */
export function projectFields(
  row: Row,
  fields: readonly string[] | undefined,
  copy: (v: unknown) => unknown = identity,
): Row {
  const out: Row = {};
  if (fields) {
    for (let i = 0; i < fields.length; i++) {
      const k = fields[i];
      if (Object.prototype.hasOwnProperty.call(row, k)) out[k] = copy(row[k]);
    }
    return out;
  }
  for (const k of Object.keys(row)) out[k] = copy(row[k]);
  return out;
}

function identity(v: unknown): unknown {
  return v;
}
