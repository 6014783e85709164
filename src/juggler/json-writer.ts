/**
 * A model's JSON writer, generated once per model definition: the text `JSON.stringify(toJSON())`
 * gives for an instance, with one straight-line read per defined property.
 *
 * A single writer looping over a property list reads `data[name]` with a different name at every
 * step and is shared by every model, so its property reads and stores stay megamorphic; on the
 * include workload that writer was the largest cost of a response. Generated code reads each
 * property at its own site. Only property names reach the source, each as a JSON string literal
 * (which is a valid, inert JavaScript string literal); values are never part of it.
 */

export interface WrittenProperty {
  name: string;
  /** `"name":`, ready to write. */
  jsonKey: string;
  typeName: string;
  hidden: boolean;
  protected: boolean;
}

export type ValueText = (v: unknown, nested: boolean) => string | undefined;
/** Writes what follows the defined properties (undeclared keys, included relations) and the closing brace. */
export type RestText = (inst: any, out: string, first: boolean, nested: boolean) => string;
export type InstanceWriter = (inst: any, nested: boolean) => string;

/** Characters JSON.stringify would escape (quote, backslash, controls, lone surrogate halves). */
// eslint-disable-next-line no-control-regex -- the control characters are what JSON escapes
export const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

function propertyCode(p: WrittenProperty): string {
  const read = `v = data[${JSON.stringify(p.name)}];`;
  const guard = p.protected ? 'v !== undefined && !nested' : 'v !== undefined';
  // The common scalar cases inline; anything else (null, dates, arrays, instances) is valueText's.
  let text = 'valueText(v, nested)';
  if (p.typeName === 'String')
    text = `typeof v === 'string' && !NEEDS_ESCAPE.test(v) ? '"' + v + '"' : ${text}`;
  else if (p.typeName === 'Number') text = `typeof v === 'number' && Number.isFinite(v) ? '' + v : ${text}`;
  else if (p.typeName === 'Boolean') text = `v === true ? 'true' : v === false ? 'false' : ${text}`;
  const key = JSON.stringify(p.jsonKey);
  const comma = JSON.stringify(',' + p.jsonKey);
  return `  ${read}
  if (${guard}) {
    t = ${text};
    if (t !== undefined) { out += (first ? ${key} : ${comma}) + t; first = false; }
  }
`;
}

export function compileJSONWriter(
  props: readonly WrittenProperty[],
  valueText: ValueText,
  restText: RestText,
): InstanceWriter {
  const body = props
    .filter((p) => !p.hidden)
    .map(propertyCode)
    .join('\n');
  const source = `return function writeInstance(inst, nested) {
  const data = inst.__data;
  let out = '{';
  let first = true;
  let v, t;
${body}
  return restText(inst, out, first, nested);
};`;
  const factory = new Function('valueText', 'restText', 'NEEDS_ESCAPE', source) as (
    valueText: ValueText,
    restText: RestText,
    needsEscape: RegExp,
  ) => InstanceWriter;
  return factory(valueText, restText, NEEDS_ESCAPE);
}
