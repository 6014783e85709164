import type { ModelDefinition } from '../../model-definition';
import { INVALID } from '../../types';

/** A row read back from JSON text: dates and buffers become Date and Buffer again, per property type. */
export function reviveRow(def: ModelDefinition, row: Record<string, unknown>): Record<string, unknown> {
  for (const name of def.propertyNames) {
    const v = row[name];
    if (v === null || v === undefined) continue;
    const type = def.properties[name].kind.name;
    if (type === 'Date' || type === 'Buffer') {
      const coerced = def.properties[name].kind.coerce(v);
      if (coerced !== INVALID) row[name] = coerced;
    }
  }
  return row;
}
