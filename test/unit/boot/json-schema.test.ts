import Ajv from 'ajv';
import { check, SchemaError } from '../../../src/boot/json-schema';
import { SCHEMAS, SchemaName } from '../../../src/boot/schemas';

/**
 * Boot checks its files with a small interpreter of the schemas instead of Ajv (Ajv's load and
 * compile cost a cold boot more than a hundred ms). It must say exactly what Ajv with `allErrors`
 * says: the same errors (path, keyword, params, message) in the same order, on every input.
 */
const ajv = new Ajv({ allErrors: true, strict: false });
const compiled = Object.fromEntries(
  Object.entries(SCHEMAS).map(([name, schema]) => [name, ajv.compile(schema)]),
) as Record<SchemaName, ReturnType<typeof ajv.compile>>;

function both(name: SchemaName, value: unknown): { ours: SchemaError[]; ajvs: SchemaError[] } {
  const ours: SchemaError[] = [];
  const valid = check(SCHEMAS[name], value, '', ours);
  // Without a list of errors, only whether it is valid: the same answer.
  expect(check(SCHEMAS[name], value)).toBe(valid);
  expect(valid).toBe(ours.length === 0);
  const validate = compiled[name];
  validate(value);
  const ajvs = (validate.errors ?? []).map(({ instancePath, keyword, params, message }) => ({
    instancePath,
    keyword,
    params,
    message: message ?? '',
  }));
  return { ours, ajvs };
}

const VALID: Record<SchemaName, unknown> = {
  model: {
    name: 'Note',
    base: 'PersistedModel',
    plural: 'Notes',
    strict: 'filter',
    idInjection: true,
    forceId: false,
    hidden: ['secret'],
    protected: ['email'],
    properties: {
      title: { type: 'string', required: true, index: true, defaultFn: 'uuid', description: ['a', 'b'] },
      tags: ['string'],
      body: 'string',
      id: { type: 'number', id: 1, generated: true },
    },
    relations: { author: { type: 'belongsTo', model: 'User', foreignKey: 'authorId' } },
    acls: [{ accessType: '*', permission: 'DENY' }],
    scope: { limit: 10 },
    scopes: { recent: { order: 'id DESC' } },
    methods: { greet: { http: { verb: 'get' } } },
    mixins: { TimeStamp: true },
    validations: [],
    options: { validateUpsert: true },
    http: { path: '/notes' },
  },
  'model-config': {
    _meta: { sources: ['../common/models'], mixins: ['../common/mixins'] },
    Note: { dataSource: 'db', public: true, relations: {}, acls: [], options: {} },
    Hidden: { dataSource: null, public: false },
  },
  datasources: { db: { name: 'db', connector: 'memory' }, pg: { connector: { createConnector: 1 } } },
  middleware: {
    routes: { 'loopback#rest': { paths: ['/api'], enabled: true } },
    final: { 'loopback#urlNotFound': [{ paths: '/x' }, {}] },
  },
};

/** A deterministic pseudo-random sequence (no flaky inputs). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

const ODD_VALUES: unknown[] = [
  null,
  0,
  1.5,
  -1,
  true,
  false,
  '',
  'x',
  'hasmany',
  'belongsTo',
  'filter',
  'uuid',
  '😀',
  [],
  ['a'],
  ['a', 'b'],
  [1],
  [{}],
  {},
  { type: 'string' },
  { type: 7 },
  { type: 'hasMany' },
  { type: [] },
  { required: 'yes' },
  { paths: 3 },
  { paths: [3] },
  { connector: 5 },
];

/** Every path inside `value` (objects and arrays), as key lists. */
function paths(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  const out = [at];
  if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value))
      out.push(...paths(v, [...at, Array.isArray(value) ? Number(k) : k]));
  return out;
}

function mutate(value: unknown, path: (string | number)[], replacement: unknown): unknown {
  if (!path.length) return replacement;
  const copy: any = Array.isArray(value) ? [...value] : { ...(value as object) };
  copy[path[0]] = mutate(copy[path[0]], path.slice(1), replacement);
  return copy;
}

describe('boot file schemas: the checker says what Ajv says', () => {
  for (const name of Object.keys(SCHEMAS) as SchemaName[]) {
    it(`${name}: a valid file passes both`, () => {
      const { ours, ajvs } = both(name, VALID[name]);
      expect(ajvs).toEqual([]);
      expect(ours).toEqual([]);
    });

    it(`${name}: every path replaced by odd values, one, two and three at a time`, () => {
      const random = rng(name.length * 7919);
      const all = paths(VALID[name]);
      let faults = 0;
      for (let i = 0; i < 1500; i++) {
        let value = VALID[name];
        const n = 1 + (i % 3);
        for (let j = 0; j < n; j++) {
          const at = paths(value);
          const path = i < all.length && j === 0 ? all[i] : at[Math.floor(random() * at.length)];
          const replacement = ODD_VALUES[Math.floor(random() * ODD_VALUES.length)];
          // Adding a key as well as replacing one: additionalProperties and unknown names.
          value =
            random() < 0.2 && path.length
              ? mutate(value, [...path.slice(0, -1), `extra${j}`], replacement)
              : mutate(value, path, replacement);
        }
        const { ours, ajvs } = both(name, value);
        if (ajvs.length) faults++;
        expect({ value, errors: ours }).toEqual({ value, errors: ajvs });
      }
      expect(faults).toBeGreaterThan(300);
    });
  }

  it('top-level values of every type', () => {
    for (const name of Object.keys(SCHEMAS) as SchemaName[])
      for (const value of ODD_VALUES) {
        const { ours, ajvs } = both(name, value);
        expect(ours).toEqual(ajvs);
      }
  });

  it('JSON pointer escaping of keys with / and ~', () => {
    const { ours, ajvs } = both('model-config', { 'a/b~c': 5 });
    expect(ajvs[0].instancePath).toBe('/a~1b~0c');
    expect(ours).toEqual(ajvs);
  });
});
