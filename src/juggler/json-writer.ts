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

const pad2 = (n: number): string => (n < 10 ? '0' + n : '' + n);

/**
 * A Date's JSON text (`"2020-01-02T03:04:05.006Z"`, or `null` for an invalid date), as
 * JSON.stringify writes it through `toISOString`. Written here in plain arithmetic for the years
 * 0000–9999 (days to a civil date as in Howard Hinnant's `civil_from_days`): the builtin leaves
 * JavaScript for every call, which made it the largest cost of writing a page of rows with a
 * date. Other years (six digits and a sign) are left to the builtin.
 */
export function dateText(d: Date): string {
  const t = d.getTime();
  if (!(t >= -62167219200000 && t <= 253402300799999))
    return Number.isNaN(t) ? 'null' : '"' + d.toISOString() + '"';
  const days = Math.floor(t / 86400000);
  let ms = t - days * 86400000;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const h = Math.floor(ms / 3600000);
  ms -= h * 3600000;
  const mi = Math.floor(ms / 60000);
  ms -= mi * 60000;
  const sec = Math.floor(ms / 1000);
  ms -= sec * 1000;
  const y = year < 10 ? '000' + year : year < 100 ? '00' + year : year < 1000 ? '0' + year : '' + year;
  const frac = ms < 10 ? '00' + ms : ms < 100 ? '0' + ms : '' + ms;
  return `"${y}-${pad2(month)}-${pad2(day)}T${pad2(h)}:${pad2(mi)}:${pad2(sec)}.${frac}Z"`;
}

function propertyCode(p: WrittenProperty): string {
  const read = `v = data[${JSON.stringify(p.name)}];`;
  const guard = p.protected ? 'v !== undefined && !nested' : 'v !== undefined';
  // The common scalar cases inline; anything else (null, dates, arrays, instances) is valueText's.
  let text = 'valueText(v, nested)';
  if (p.typeName === 'String')
    text = `typeof v === 'string' && !NEEDS_ESCAPE.test(v) ? '"' + v + '"' : ${text}`;
  else if (p.typeName === 'Number') text = `typeof v === 'number' && Number.isFinite(v) ? '' + v : ${text}`;
  else if (p.typeName === 'Boolean') text = `v === true ? 'true' : v === false ? 'false' : ${text}`;
  else if (p.typeName === 'Date') text = `v instanceof Date ? dateText(v) : ${text}`;
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
  const factory = new Function('valueText', 'restText', 'NEEDS_ESCAPE', 'dateText', source) as (
    valueText: ValueText,
    restText: RestText,
    needsEscape: RegExp,
    date: typeof dateText,
  ) => InstanceWriter;
  return factory(valueText, restText, NEEDS_ESCAPE, dateText);
}
