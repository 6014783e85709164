/**
 * The JSON text of a result, with a fast path for values that can write their own JSON (model
 * instances do, through a serialiser compiled once per model) and `JSON.stringify` for the rest.
 * Remoting uses this without knowing what a model is.
 */
export const TO_JSON_TEXT: unique symbol = Symbol.for('loopline.toJSONText');

interface SelfSerializing {
  /** The value's JSON text, or undefined to let JSON.stringify do it (e.g. a user toJSON). */
  [TO_JSON_TEXT](): string | undefined;
}

function selfText(value: unknown): string | undefined {
  if (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as SelfSerializing)[TO_JSON_TEXT] === 'function'
  ) {
    return (value as SelfSerializing)[TO_JSON_TEXT]();
  }
  return undefined;
}

export function toJSONText(value: unknown): string {
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i) out += ',';
      const item = value[i];
      out += selfText(item) ?? JSON.stringify(item) ?? 'null';
    }
    return out + ']';
  }
  return selfText(value) ?? JSON.stringify(value) ?? 'null';
}
