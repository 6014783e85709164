import { check, Schema, SchemaError } from './json-schema';
import { BootError } from './errors';
import { rel } from './json-file';
import { didYouMean } from '../util/did-you-mean';

/**
 * JSON schemas of the LB3 file formats loopline boots from. They check structure (what LB3 would
 * have choked on later, or silently ignored), and allow the extra settings LB3 apps carry.
 */
const typeName = {
  anyOf: [{ type: 'string', minLength: 1 }, { type: 'array', maxItems: 1 }, { type: 'object' }],
};

const property = {
  anyOf: [
    { type: 'string', minLength: 1 },
    { type: 'array', maxItems: 1 },
    {
      type: 'object',
      properties: {
        type: typeName,
        required: { type: 'boolean' },
        id: { type: ['boolean', 'number'] },
        generated: { type: 'boolean' },
        hidden: { type: 'boolean' },
        protected: { type: 'boolean' },
        index: { type: ['boolean', 'object'] },
        defaultFn: { enum: ['now', 'guid', 'uuid', 'uuidv4', 'shortid', 'nanoid'] },
        description: { type: ['string', 'array'] },
      },
    },
  ],
};

const modelDefinition = {
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string', minLength: 1 },
    base: { type: 'string', minLength: 1 },
    plural: { type: 'string', minLength: 1 },
    strict: { anyOf: [{ type: 'boolean' }, { enum: ['filter', 'throw', 'validate'] }] },
    idInjection: { type: 'boolean' },
    forceId: { type: ['boolean', 'string'] },
    hidden: { type: 'array', items: { type: 'string' } },
    protected: { type: 'array', items: { type: 'string' } },
    properties: { type: 'object', additionalProperties: property },
    relations: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        required: ['type'],
        properties: {
          type: {
            enum: [
              'belongsTo',
              'hasMany',
              'hasOne',
              'hasAndBelongsToMany',
              'referencesMany',
              'embedsOne',
              'embedsMany',
            ],
          },
          model: { type: 'string' },
          foreignKey: { type: 'string' },
          through: { type: 'string' },
        },
      },
    },
    acls: { type: 'array', items: { type: 'object' } },
    scope: { type: 'object' },
    scopes: { type: 'object', additionalProperties: { type: 'object' } },
    // Generated LB3 apps (slc, lb) write `"methods": []`: no remote methods.
    methods: {
      anyOf: [
        { type: 'object', additionalProperties: { type: 'object' } },
        { type: 'array', maxItems: 0 },
      ],
    },
    mixins: { type: 'object' },
    validations: { type: 'array' },
    options: { type: 'object' },
    http: { type: 'object', properties: { path: { type: 'string' } } },
  },
};

const modelConfig = {
  type: 'object',
  properties: {
    _meta: {
      type: 'object',
      properties: {
        sources: { type: 'array', items: { type: 'string' } },
        mixins: { type: 'array', items: { type: 'string' } },
      },
    },
  },
  additionalProperties: {
    type: 'object',
    properties: {
      dataSource: { type: ['string', 'null'] },
      public: { type: 'boolean' },
      relations: { type: 'object' },
      acls: { type: 'array' },
      options: { type: 'object' },
    },
  },
};

const dataSources = {
  type: 'object',
  additionalProperties: {
    type: 'object',
    properties: { connector: { type: ['string', 'object'] }, name: { type: 'string' } },
  },
};

const middlewareEntry = {
  type: 'object',
  properties: {
    enabled: { type: 'boolean' },
    paths: { type: ['string', 'array'], items: { type: 'string' } },
  },
};

const middleware = {
  type: 'object',
  additionalProperties: {
    type: 'object',
    additionalProperties: { anyOf: [middlewareEntry, { type: 'array', items: middlewareEntry }] },
  },
};

/** The schema of each boot file (exported for the test that holds the checker to Ajv's results). */
export const SCHEMAS: Readonly<Record<'model' | 'model-config' | 'datasources' | 'middleware', Schema>> = {
  model: modelDefinition,
  'model-config': modelConfig,
  datasources: dataSources,
  middleware,
};

export type SchemaName = keyof typeof SCHEMAS;

/** `/relations/author/type` → `relations.author.type`, `/acls/0` → `acls[0]`: the path as the file's reader says it. */
export function jsonPath(pointer: string): string {
  const parts = pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  return parts.reduce((out, p) => (/^\d+$/.test(p) ? `${out}[${p}]` : out ? `${out}.${p}` : p), '');
}

function describe(e: SchemaError, value: unknown): string {
  const where = jsonPath(e.instancePath) || '(the file)';
  if (e.keyword === 'enum') {
    const allowed = (e.params as { allowedValues: unknown[] }).allowedValues;
    const given = valueAt(value, e.instancePath);
    const hint =
      typeof given === 'string'
        ? didYouMean(
            given,
            allowed.filter((v): v is string => typeof v === 'string'),
          )
        : '';
    return `${where}: ${JSON.stringify(given)} must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}${hint}`;
  }
  if (e.keyword === 'required')
    return `${where}: must have the property "${(e.params as { missingProperty: string }).missingProperty}"`;
  return `${where}: ${e.message}`;
}

function valueAt(value: unknown, pointer: string): unknown {
  let at = value;
  for (const p of pointer.split('/').slice(1))
    at =
      at && typeof at === 'object'
        ? (at as Record<string, unknown>)[p.replace(/~1/g, '/').replace(/~0/g, '~')]
        : undefined;
  return at;
}

/** Validates a parsed file; the error names the file, the JSON path and what is wrong. */
export function validateFile(schema: SchemaName, value: unknown, file: string): void {
  if (check(SCHEMAS[schema], value)) return;
  const all: SchemaError[] = [];
  check(SCHEMAS[schema], value, '', all);
  const errors = all.filter((e) => e.keyword !== 'anyOf');
  const shown = (errors.length ? errors : all).slice(0, 3).map((e) => describe(e, value));
  throw new BootError(`${rel(file)}: ${shown.join('; ')}`, 'INVALID_CONFIG');
}
