/**
 * The part of JSON Schema the boot files' schemas use (type, enum, anyOf, required, properties,
 * additionalProperties, items, minLength, maxItems), checked by a small interpreter instead of a
 * schema compiler: loading and compiling a compiler cost a cold boot more than a hundred ms, for
 * four small schemas. Errors come out as Ajv reports them with `allErrors` (same keywords, paths,
 * messages and order), and test/unit/boot/json-schema.test.ts compares the two on every fault.
 */
export interface Schema {
  type?: string | string[];
  enum?: readonly unknown[];
  anyOf?: readonly Schema[];
  required?: readonly string[];
  properties?: Readonly<Record<string, Schema>>;
  additionalProperties?: Schema;
  items?: Schema;
  minLength?: number;
  maxItems?: number;
}

export interface SchemaError {
  /** JSON pointer to the faulty value (`/relations/author/type`). */
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message: string;
}

/** What a schema asks, worked out once per schema object. */
interface Plan {
  types: readonly string[];
  /** One type whose keywords the schema uses: checked where that type's keywords run (as Ajv does). */
  inline: boolean;
  string: boolean;
  array: boolean;
  object: boolean;
}

const plans = new WeakMap<Schema, Plan>();

function planOf(schema: Schema): Plan {
  let plan = plans.get(schema);
  if (!plan) {
    const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
    const uses = {
      string: schema.minLength !== undefined,
      array: schema.maxItems !== undefined || schema.items !== undefined,
      object:
        schema.required !== undefined ||
        schema.additionalProperties !== undefined ||
        schema.properties !== undefined,
    };
    const inline = types.length === 1 && uses[types[0] as keyof typeof uses] === true;
    plan = { types, inline, ...uses };
    plans.set(schema, plan);
  }
  return plan;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'null':
      return value === null;
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    default:
      return typeof value === type;
  }
}

const pointer = (path: string, key: string | number) =>
  `${path}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;

const own = (value: object, key: string): unknown =>
  Object.prototype.hasOwnProperty.call(value, key) ? (value as Record<string, unknown>)[key] : undefined;

function typeError(schema: Schema, path: string): SchemaError {
  const type = Array.isArray(schema.type) ? schema.type.join(',') : String(schema.type);
  return { instancePath: path, keyword: 'type', params: { type: schema.type }, message: `must be ${type}` };
}

/**
 * Whether `value` satisfies `schema`. With `errors`, appends everything that is wrong (Ajv's
 * `allErrors`); without, stops at the first fault and builds nothing (the path of every valid file).
 */
export function check(schema: Schema, value: unknown, path = '', errors?: SchemaError[]): boolean {
  // Without `errors` every fault returns false at once; the checks allocate nothing on the way
  // (no closures, no lists), since boot runs them over every model file.
  const plan = planOf(schema);
  let ok = true;
  if (plan.types.length && !plan.inline && !hasAnyType(value, plan.types)) {
    if (!errors) return false;
    ok = false;
    errors.push(typeError(schema, path));
  }

  if (schema.enum && !schema.enum.includes(value)) {
    if (!errors) return false;
    ok = false;
    errors.push({
      instancePath: path,
      keyword: 'enum',
      params: { allowedValues: schema.enum },
      message: 'must be equal to one of the allowed values',
    });
  }
  if (schema.anyOf) {
    const start = errors?.length ?? 0;
    if (schema.anyOf.some((branch) => check(branch, value, path, errors))) {
      if (errors) errors.length = start;
    } else {
      if (!errors) return false;
      ok = false;
      errors.push({
        instancePath: path,
        keyword: 'anyOf',
        params: {},
        message: 'must match a schema in anyOf',
      });
    }
  }

  if (plan.string && !checkKind(schema, plan, 'string', value, path, errors)) {
    if (!errors) return false;
    ok = false;
  }
  if (plan.array && !checkKind(schema, plan, 'array', value, path, errors)) {
    if (!errors) return false;
    ok = false;
  }
  if (plan.object && !checkKind(schema, plan, 'object', value, path, errors)) {
    if (!errors) return false;
    ok = false;
  }
  return ok;
}

function hasAnyType(value: unknown, types: readonly string[]): boolean {
  for (const t of types) if (hasType(value, t)) return true;
  return false;
}

/** One type's keywords, where the value has that type (a value of another type passes them, as in Ajv). */
function checkKind(
  schema: Schema,
  plan: Plan,
  type: 'string' | 'array' | 'object',
  value: unknown,
  path: string,
  errors: SchemaError[] | undefined,
): boolean {
  if (!hasType(value, type)) {
    if (!(plan.inline && plan.types[0] === type)) return true;
    errors?.push(typeError(schema, path));
    return false;
  }
  return type === 'string'
    ? checkString(schema, value as string, path, errors)
    : type === 'array'
      ? checkArray(schema, value as unknown[], path, errors)
      : checkObject(schema, value as Record<string, unknown>, path, errors);
}

function checkString(schema: Schema, value: string, path: string, errors?: SchemaError[]): boolean {
  // Ajv counts characters as code points, as JSON Schema says (a UTF-16 length of twice the limit has enough).
  const min = schema.minLength;
  if (min === undefined || value.length >= 2 * min || [...value].length >= min) return true;
  errors?.push({
    instancePath: path,
    keyword: 'minLength',
    params: { limit: min },
    message: `must NOT have fewer than ${min} characters`,
  });
  return false;
}

function checkArray(schema: Schema, value: unknown[], path: string, errors?: SchemaError[]): boolean {
  let ok = true;
  if (schema.maxItems !== undefined && value.length > schema.maxItems) {
    ok = false;
    if (!errors) return false;
    errors.push({
      instancePath: path,
      keyword: 'maxItems',
      params: { limit: schema.maxItems },
      message: `must NOT have more than ${schema.maxItems} items`,
    });
  }
  const items = schema.items;
  if (items)
    for (let i = 0; i < value.length; i++)
      if (!check(items, value[i], errors && pointer(path, i), errors)) {
        ok = false;
        if (!errors) return false;
      }
  return ok;
}

function checkObject(
  schema: Schema,
  value: Record<string, unknown>,
  path: string,
  errors?: SchemaError[],
): boolean {
  let ok = true;
  for (const name of schema.required ?? [])
    if (own(value, name) === undefined) {
      ok = false;
      if (!errors) return false;
      errors.push({
        instancePath: path,
        keyword: 'required',
        params: { missingProperty: name },
        message: `must have required property '${name}'`,
      });
    }
  const declared = schema.properties;
  const additional = schema.additionalProperties;
  if (additional)
    for (const key in value)
      if (
        Object.prototype.hasOwnProperty.call(value, key) &&
        !(declared && Object.prototype.hasOwnProperty.call(declared, key)) &&
        !check(additional, value[key], errors && pointer(path, key), errors)
      ) {
        ok = false;
        if (!errors) return false;
      }
  if (declared)
    for (const key in declared) {
      const at = own(value, key);
      if (at !== undefined && !check(declared[key], at, errors && pointer(path, key), errors)) {
        ok = false;
        if (!errors) return false;
      }
    }
  return ok;
}
