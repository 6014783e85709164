import { Buffer } from 'buffer';

type Row = Record<string, unknown>;

/**
 * Rows kept by the memory store are private: every value going in or out is copied, so a caller
 * mutating what it got (or gave) cannot change the store behind the DAO's back.
 */
export function copyValue(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof Date) return new Date(v.getTime());
  if (Buffer.isBuffer(v)) return Buffer.from(v);
  if (Array.isArray(v)) return v.map(copyValue);
  const out: Row = {};
  for (const k of Object.keys(v)) {
    // A `__proto__` key parsed from JSON is data; assigning it would swap the copy's prototype.
    if (k === '__proto__')
      Object.defineProperty(out, k, {
        value: copyValue((v as Row)[k]),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else out[k] = copyValue((v as Row)[k]);
  }
  return out;
}

export function copyRow(row: Row, fields?: readonly string[]): Row {
  const out: Row = {};
  if (fields) {
    for (let i = 0; i < fields.length; i++) {
      const k = fields[i];
      if (Object.prototype.hasOwnProperty.call(row, k)) out[k] = copyValue(row[k]);
    }
    return out;
  }
  for (const k in row) out[k] = copyValue(row[k]);
  return out;
}
