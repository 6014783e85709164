import { FORBIDDEN_KEYS, isPlainObject } from '../util/own';

/** Deep merge for config layers: objects merge, arrays and scalars of the later layer win. */
export function mergeConfig(base: any, over: any): any {
  if (!isPlainObject(base) || !isPlainObject(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (FORBIDDEN_KEYS.has(k)) continue;
    out[k] = k in out ? mergeConfig(out[k], v) : v;
  }
  return out;
}

/**
 * `${name}` in config values: a whole-string reference keeps the referenced value's type
 * (`"${port}"` → 3000); references inside a longer string are interpolated. App settings are
 * looked up first, then environment variables.
 */
export function substitute(value: any, lookup: (name: string) => unknown): any {
  if (typeof value === 'string') {
    const whole = /^\$\{([^}]+)\}$/.exec(value);
    if (whole) {
      const v = lookup(whole[1]);
      return v === undefined ? value : v;
    }
    return value.replace(/\$\{([^}]+)\}/g, (m, name) => {
      const v = lookup(name);
      return v === undefined ? m : String(v);
    });
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, lookup));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = substitute(v, lookup);
    return out;
  }
  return value;
}
