import { DataSource } from '../../../src/juggler/datasource';
import { createModelBuilder } from '../../../src/juggler/core-models';

/**
 * Validations as LB3 (loopback-datasource-juggler@3, memory connector) reports them: every
 * expected `details` and `message` below is LB3's output for the same model and data.
 */

const DEFAULT_PROPS = { name: String, email: String, age: Number, role: String, code: String, vip: Boolean };

let counter = 0;
function model(
  configure?: (M: any) => void,
  props: Record<string, unknown> = DEFAULT_PROPS,
  settings: Record<string, unknown> = {},
  name = `M${++counter}`,
) {
  const ds = new DataSource('db', { connector: 'memory' }, createModelBuilder());
  const M: any = ds.createModel(name, props, settings);
  configure?.(M);
  return M;
}

async function createError(M: any, data: unknown): Promise<any> {
  return M.create(data).then(
    () => {
      throw new Error('expected the create to fail validation');
    },
    (e: any) => e,
  );
}

/** Asserts a create fails with LB3's 422 and that nothing reached the store. */
async function expectInvalid(
  M: any,
  data: Record<string, unknown>,
  codes: Record<string, string[]>,
  messages: Record<string, string[]>,
  message?: string,
) {
  const before = await M.count();
  const err = await createError(M, data);
  expect(err).toBeInstanceOf(Error);
  expect(err.name).toBe('ValidationError');
  expect(err.statusCode).toBe(422);
  expect(err.details).toEqual({ context: M.modelName, codes, messages });
  if (message !== undefined) expect(err.message).toBe(message);
  expect(await M.count()).toBe(before);
  return err;
}

describe('validatesPresenceOf', () => {
  it('rejects a missing value with LB3 details and message', async () => {
    const Customer = model((M) => M.validatesPresenceOf('email'), DEFAULT_PROPS, {}, 'Customer');
    const err = await expectInvalid(
      Customer,
      { name: 'a' },
      { email: ['presence'] },
      { email: ["can't be blank"] },
      "The `Customer` instance is not valid. Details: `email` can't be blank (value: undefined).",
    );
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(err.status).toBe(422);
  });

  it('checks several properties at once, in declaration order', async () => {
    const M = model((m) => m.validatesPresenceOf('email', 'name'));
    await expectInvalid(
      M,
      {},
      { email: ['presence'], name: ['presence'] },
      { email: ["can't be blank"], name: ["can't be blank"] },
      `The \`${M.modelName}\` instance is not valid. Details: \`email\` can't be blank (value: undefined); \`name\` can't be blank (value: undefined).`,
    );
  });

  it('treats an empty string and null as blank', async () => {
    const M = model((m) => m.validatesPresenceOf('email'));
    await expectInvalid(
      M,
      { email: '' },
      { email: ['presence'] },
      { email: ["can't be blank"] },
      `The \`${M.modelName}\` instance is not valid. Details: \`email\` can't be blank (value: "").`,
    );
    await expectInvalid(M, { email: null }, { email: ['presence'] }, { email: ["can't be blank"] });
    expect((await M.create({ email: 'x@y.z' })).email).toBe('x@y.z');
  });

  it('uses a custom message', async () => {
    const M = model((m) => m.validatesPresenceOf('name', { message: 'is required!' }));
    await expectInvalid(
      M,
      {},
      { name: ['presence'] },
      { name: ['is required!'] },
      `The \`${M.modelName}\` instance is not valid. Details: \`name\` is required! (value: undefined).`,
    );
  });

  it('honours if / unless conditions', async () => {
    const M = model((m) => m.validatesPresenceOf('name', { if: 'vip' }));
    await expectInvalid(M, { vip: true }, { name: ['presence'] }, { name: ["can't be blank"] });
    await expect(M.create({ vip: false })).resolves.toBeDefined();
    const U = model((m) => m.validatesPresenceOf('name', { unless: () => true }));
    await expect(U.create({})).resolves.toBeDefined();
  });
});

describe('validatesAbsenceOf', () => {
  it('rejects a value with "can\'t be set"', async () => {
    const M = model((m) => m.validatesAbsenceOf('email'));
    await expectInvalid(
      M,
      { email: 'x' },
      { email: ['absence'] },
      { email: ["can't be set"] },
      `The \`${M.modelName}\` instance is not valid. Details: \`email\` can't be set (value: "x").`,
    );
    await expect(M.create({ name: 'n' })).resolves.toBeDefined();
    // An empty string counts as absent, as in LB3.
    await expect(M.create({ email: '' })).resolves.toBeDefined();
  });
});

describe('validatesLengthOf', () => {
  it('min: "too short"', async () => {
    const M = model((m) => m.validatesLengthOf('name', { min: 3 }));
    await expectInvalid(
      M,
      { name: 'ab' },
      { name: ['length.min'] },
      { name: ['too short'] },
      `The \`${M.modelName}\` instance is not valid. Details: \`name\` too short (value: "ab").`,
    );
    await expect(M.create({ name: 'abc' })).resolves.toBeDefined();
  });

  it('max: "too long"', async () => {
    const M = model((m) => m.validatesLengthOf('name', { max: 3 }));
    await expectInvalid(
      M,
      { name: 'abcd' },
      { name: ['length.max'] },
      { name: ['too long'] },
      `The \`${M.modelName}\` instance is not valid. Details: \`name\` too long (value: "abcd").`,
    );
    await expect(M.create({ name: 'abc' })).resolves.toBeDefined();
  });

  it('is: "length is wrong"', async () => {
    const M = model((m) => m.validatesLengthOf('name', { is: 3 }));
    await expectInvalid(
      M,
      { name: 'abcd' },
      { name: ['length.is'] },
      { name: ['length is wrong'] },
      `The \`${M.modelName}\` instance is not valid. Details: \`name\` length is wrong (value: "abcd").`,
    );
    await expectInvalid(M, { name: 'ab' }, { name: ['length.is'] }, { name: ['length is wrong'] });
    await expect(M.create({ name: 'abc' })).resolves.toBeDefined();
  });

  it('a missing value is blank: "length.blank" / "is blank"', async () => {
    const M = model((m) => m.validatesLengthOf('name', { min: 3 }));
    await expectInvalid(
      M,
      {},
      { name: ['length.blank'] },
      { name: ['is blank'] },
      `The \`${M.modelName}\` instance is not valid. Details: \`name\` is blank (value: undefined).`,
    );
  });

  it('null is "length.null" / "is null" unless allowNull', async () => {
    const M = model((m) => m.validatesLengthOf('name', { min: 3 }));
    await expectInvalid(M, { name: null }, { name: ['length.null'] }, { name: ['is null'] });
    const N = model((m) => m.validatesLengthOf('name', { min: 3, allowNull: true }));
    await expect(N.create({ name: null })).resolves.toBeDefined();
  });

  it('takes per-kind messages', async () => {
    const M = model((m) =>
      m.validatesLengthOf('name', { min: 3, max: 5, message: { min: 'way too short', max: 'way too long' } }),
    );
    await expectInvalid(M, { name: 'a' }, { name: ['length.min'] }, { name: ['way too short'] });
    await expectInvalid(M, { name: 'abcdef' }, { name: ['length.max'] }, { name: ['way too long'] });
  });

  it('measures arrays by their number of items', async () => {
    const M = model((m) => m.validatesLengthOf('tags', { max: 1 }), { tags: [String] });
    await expectInvalid(M, { tags: ['a', 'b'] }, { tags: ['length.max'] }, { tags: ['too long'] });
    await expect(M.create({ tags: ['a'] })).resolves.toBeDefined();
  });
});

describe('validatesNumericalityOf', () => {
  it('rejects a value that is not a number', async () => {
    const M = model((m) => m.validatesNumericalityOf('age'), { age: String });
    await expectInvalid(
      M,
      { age: 'x' },
      { age: ['numericality.number'] },
      { age: ['is not a number'] },
      `The \`${M.modelName}\` instance is not valid. Details: \`age\` is not a number (value: "x").`,
    );
    // LB3 does not read numbers out of strings here.
    await expectInvalid(M, { age: '12' }, { age: ['numericality.number'] }, { age: ['is not a number'] });
  });

  it('int: true rejects fractions with "is not an integer"', async () => {
    const M = model((m) => m.validatesNumericalityOf('age', { int: true }));
    await expectInvalid(
      M,
      { age: 1.5 },
      { age: ['numericality.int'] },
      { age: ['is not an integer'] },
      `The \`${M.modelName}\` instance is not valid. Details: \`age\` is not an integer (value: 1.5).`,
    );
    expect((await M.create({ age: 2 })).age).toBe(2);
    expect((await M.create({ age: -7 })).age).toBe(-7);
  });

  it('a missing value is "numericality.blank"', async () => {
    const M = model((m) => m.validatesNumericalityOf('age'));
    await expectInvalid(
      M,
      {},
      { age: ['numericality.blank'] },
      { age: ['is blank'] },
      `The \`${M.modelName}\` instance is not valid. Details: \`age\` is blank (value: undefined).`,
    );
    const N = model((m) => m.validatesNumericalityOf('age', { allowBlank: true }));
    await expect(N.create({})).resolves.toBeDefined();
  });

  it('accepts numbers, 0 included', async () => {
    const M = model((m) => m.validatesNumericalityOf('age'));
    expect((await M.create({ age: 0 })).age).toBe(0);
    expect((await M.create({ age: 3.25 })).age).toBe(3.25);
  });
});

describe('validatesInclusionOf / validatesExclusionOf', () => {
  it('inclusion: "is not included in the list"', async () => {
    const M = model((m) => m.validatesInclusionOf('role', { in: ['a', 'b'] }));
    await expectInvalid(
      M,
      { role: 'c' },
      { role: ['inclusion'] },
      { role: ['is not included in the list'] },
      `The \`${M.modelName}\` instance is not valid. Details: \`role\` is not included in the list (value: "c").`,
    );
    await expect(M.create({ role: 'a' })).resolves.toBeDefined();
  });

  it('inclusion: a missing value is "inclusion.blank"', async () => {
    const M = model((m) => m.validatesInclusionOf('role', { in: ['a', 'b'] }));
    await expectInvalid(M, {}, { role: ['inclusion.blank'] }, { role: ['is blank'] });
    // allowNull does not cover undefined (LB3 reports it as blank too).
    const N = model((m) => m.validatesInclusionOf('role', { in: ['a', 'b'], allowNull: true }));
    await expectInvalid(N, {}, { role: ['inclusion.blank'] }, { role: ['is blank'] });
    await expect(N.create({ role: null })).resolves.toBeDefined();
  });

  it('exclusion: "is reserved"', async () => {
    const M = model((m) => m.validatesExclusionOf('role', { in: ['admin'] }));
    await expectInvalid(
      M,
      { role: 'admin' },
      { role: ['exclusion'] },
      { role: ['is reserved'] },
      `The \`${M.modelName}\` instance is not valid. Details: \`role\` is reserved (value: "admin").`,
    );
    await expect(M.create({ role: 'user' })).resolves.toBeDefined();
    await expectInvalid(M, {}, { role: ['exclusion.blank'] }, { role: ['is blank'] });
  });
});

describe('validatesFormatOf', () => {
  it('with: a regexp, "is invalid"', async () => {
    const M = model((m) => m.validatesFormatOf('code', { with: /^[A-Z]+$/ }));
    await expectInvalid(
      M,
      { code: 'abc' },
      { code: ['format'] },
      { code: ['is invalid'] },
      `The \`${M.modelName}\` instance is not valid. Details: \`code\` is invalid (value: "abc").`,
    );
    await expect(M.create({ code: 'ABC' })).resolves.toBeDefined();
  });

  it('a missing value is "format.blank"', async () => {
    const M = model((m) => m.validatesFormatOf('code', { with: /^[A-Z]+$/ }));
    await expectInvalid(M, {}, { code: ['format.blank'] }, { code: ['is blank'] });
  });

  it('uses a custom message', async () => {
    const M = model((m) => m.validatesFormatOf('code', { with: /^[A-Z]+$/, message: 'must be caps' }));
    await expectInvalid(
      M,
      { code: 'abc' },
      { code: ['format'] },
      { code: ['must be caps'] },
      `The \`${M.modelName}\` instance is not valid. Details: \`code\` must be caps (value: "abc").`,
    );
  });

  it('without: a regexp that must not match', async () => {
    const M = model((m) => m.validatesFormatOf('code', { without: /\s/ }));
    await expectInvalid(M, { code: 'a b' }, { code: ['format'] }, { code: ['is invalid'] });
    await expect(M.create({ code: 'ab' })).resolves.toBeDefined();
  });
});

describe('validatesUniquenessOf', () => {
  it('rejects a value another instance has: "is not unique"', async () => {
    const M = model((m) => m.validatesUniquenessOf('email'));
    await M.create({ email: 'a@b.c' });
    await expectInvalid(
      M,
      { email: 'a@b.c' },
      { email: ['uniqueness'] },
      { email: ['is not unique'] },
      `The \`${M.modelName}\` instance is not valid. Details: \`email\` is not unique (value: "a@b.c").`,
    );
    await expect(M.create({ email: 'other@b.c' })).resolves.toBeDefined();
    expect(await M.count()).toBe(2);
  });

  it('ignoreCase compares case-insensitively (and literally, not as a pattern)', async () => {
    const M = model((m) => m.validatesUniquenessOf('email', { ignoreCase: true }));
    await M.create({ email: 'a@b.c' });
    await expectInvalid(M, { email: 'A@B.C' }, { email: ['uniqueness'] }, { email: ['is not unique'] });
    // '.' is not a wildcard.
    await expect(M.create({ email: 'a@bxc' })).resolves.toBeDefined();
    const CaseSensitive = model((m) => m.validatesUniquenessOf('email'));
    await CaseSensitive.create({ email: 'a@b.c' });
    await expect(CaseSensitive.create({ email: 'A@B.C' })).resolves.toBeDefined();
  });

  it('scopedTo limits the check to instances sharing the scope', async () => {
    const M = model((m) => m.validatesUniquenessOf('email', { scopedTo: ['role'] }));
    await M.create({ email: 'a@b.c', role: 'x' });
    await expect(M.create({ email: 'a@b.c', role: 'y' })).resolves.toBeDefined();
    await expectInvalid(
      M,
      { email: 'a@b.c', role: 'x' },
      { email: ['uniqueness'] },
      { email: ['is not unique'] },
    );
  });

  it("lets an instance save itself again but not take another one's value", async () => {
    const M = model((m) => m.validatesUniquenessOf('email'));
    const a = await M.create({ email: 'a' });
    const b = await M.create({ email: 'b' });
    a.name = 'renamed';
    await expect(a.save()).resolves.toBeDefined();
    const err = await b.updateAttributes({ email: 'a' }).catch((e: any) => e);
    expect(err.statusCode).toBe(422);
    expect(err.details.codes).toEqual({ email: ['uniqueness'] });
    expect((await M.find({ order: 'id ASC' })).map((m: any) => m.email)).toEqual(['a', 'b']);
  });

  it('holds among the items of one array create (none is stored when two share a value)', async () => {
    const M = model((m) => m.validatesUniquenessOf('email', { scopedTo: ['role'], ignoreCase: true }));
    const err = await createError(M, [
      { email: 'a@b.c', role: 'x' },
      { email: 'a@b.c', role: 'y' },
      { email: 'A@B.C', role: 'x' },
    ]);
    expect(err.statusCode).toBe(422);
    expect(err.details.codes).toEqual({ email: ['uniqueness'] });
    expect(await M.count()).toBe(0);
    await expect(
      M.create([
        { email: 'a@b.c', role: 'x' },
        { email: 'a@b.c', role: 'y' },
      ]),
    ).resolves.toHaveLength(2);
  });

  it('reports a value its type refuses as a type error, not as a query', async () => {
    const M = model((m) => m.validatesUniquenessOf('email'));
    await expectInvalid(
      M,
      { email: { neq: null } },
      { email: ['type'] },
      { email: ['is not a valid string'] },
    );
  });
});

describe('validatesDateOf', () => {
  it('rejects a value that is not a date', async () => {
    const M = model((m) => m.validatesDateOf('when'), { when: String, ts: Number });
    await expectInvalid(
      M,
      { when: 'nope' },
      { when: ['date'] },
      { when: ['is not a valid date'] },
      `The \`${M.modelName}\` instance is not valid. Details: \`when\` is not a valid date (value: "nope").`,
    );
  });

  it('accepts anything Date can read, and a missing or null value', async () => {
    const M = model(
      (m) => {
        m.validatesDateOf('when');
        m.validatesDateOf('ts');
      },
      { when: String, ts: Number },
    );
    await expect(M.create({ when: '2020-01-01' })).resolves.toBeDefined();
    await expect(M.create({ ts: 0 })).resolves.toBeDefined();
    await expect(M.create({ when: null })).resolves.toBeDefined();
    await expect(M.create({})).resolves.toBeDefined();
  });
});

describe('custom validators', () => {
  it('validate(name, fn, {message})', async () => {
    const M = model((m) =>
      m.validate(
        'name',
        function (this: any, err: (kind?: string) => void) {
          if (this.name === 'bad') err();
        },
        { message: 'is bad' },
      ),
    );
    await expectInvalid(
      M,
      { name: 'bad' },
      { name: ['custom'] },
      { name: ['is bad'] },
      `The \`${M.modelName}\` instance is not valid. Details: \`name\` is bad (value: "bad").`,
    );
    await expect(M.create({ name: 'good' })).resolves.toBeDefined();
  });

  it('without a message says "is invalid"', async () => {
    const M = model((m) =>
      m.validate('name', function (this: any, err: () => void) {
        if (this.name === 'bad') err();
      }),
    );
    await expectInvalid(M, { name: 'bad' }, { name: ['custom'] }, { name: ['is invalid'] });
  });

  it('err(kind) adds the kind to the code and picks the message for that kind', async () => {
    const M = model((m) =>
      m.validate(
        'name',
        function (err: (kind: string) => void) {
          err('bad');
        },
        { message: { bad: 'really bad' } },
      ),
    );
    await expectInvalid(M, { name: 'q' }, { name: ['custom.bad'] }, { name: ['really bad'] });
  });

  it('each err() call is one error', async () => {
    const M = model((m) =>
      m.validate('name', function (err: (kind?: string) => void) {
        err();
        err('two');
      }),
    );
    await expectInvalid(
      M,
      { name: 'a' },
      { name: ['custom', 'custom.two'] },
      { name: ['is invalid', 'is invalid'] },
    );
  });

  it('a code option replaces the rule name and keeps the kind', async () => {
    const L = model((m) => m.validatesLengthOf('name', { min: 3, code: 'short' }));
    await expectInvalid(L, { name: 'a' }, { name: ['short.min'] }, { name: ['too short'] });
    const F = model((m) => m.validatesFormatOf('name', { with: /x/, code: 'fmt' }));
    await expectInvalid(F, { name: 'a' }, { name: ['fmt'] }, { name: ['is invalid'] });
  });

  it('validateAsync(name, fn(err, done), {message})', async () => {
    const M = model((m) =>
      m.validateAsync(
        'name',
        function (this: any, err: () => void, done: () => void) {
          setTimeout(() => {
            if (this.name === 'bad') err();
            done();
          }, 5);
        },
        { message: 'async bad' },
      ),
    );
    await expectInvalid(
      M,
      { name: 'bad' },
      { name: ['custom'] },
      { name: ['async bad'] },
      `The \`${M.modelName}\` instance is not valid. Details: \`name\` async bad (value: "bad").`,
    );
    await expect(M.create({ name: 'good' })).resolves.toBeDefined();
  });

  it('validateAsync with (err, options, done) receives the options', async () => {
    const seen: unknown[] = [];
    const M = model((m) =>
      m.validateAsync('name', function (this: any, err: () => void, options: unknown, done: () => void) {
        seen.push(options);
        if (this.name === 'bad') err();
        setImmediate(done);
      }),
    );
    await expectInvalid(M, { name: 'bad' }, { name: ['custom'] }, { name: ['is invalid'] });
    await expect(M.create({ name: 'ok' })).resolves.toBeDefined();
    expect(seen.length).toBeGreaterThanOrEqual(2);
    for (const o of seen) expect(typeof o).toBe('object');
  });

  it('reports every failing validator of a model together', async () => {
    const M = model((m) => {
      m.validatesPresenceOf('email');
      m.validatesLengthOf('name', { min: 3 });
    });
    await expectInvalid(
      M,
      { name: 'a' },
      { email: ['presence'], name: ['length.min'] },
      { email: ["can't be blank"], name: ['too short'] },
      `The \`${M.modelName}\` instance is not valid. Details: \`email\` can't be blank (value: undefined); \`name\` too short (value: "a").`,
    );
  });
});

describe('definition-driven validation', () => {
  it('required: true properties', async () => {
    const M = model(undefined, { name: { type: String, required: true }, note: String });
    await expectInvalid(
      M,
      { note: 'x' },
      { name: ['presence'] },
      { name: ["can't be blank"] },
      `The \`${M.modelName}\` instance is not valid. Details: \`name\` can't be blank (value: undefined).`,
    );
    await expectInvalid(M, { name: '' }, { name: ['presence'] }, { name: ["can't be blank"] });
    await expect(M.create({ name: 'ok' })).resolves.toBeDefined();
  });

  it('strict: true rejects unknown properties, naming each', async () => {
    const M = model(undefined, { name: String }, { strict: true });
    const err = await expectInvalid(
      M,
      { name: 'a', foo: 1, bar: 2 },
      { foo: ['unknown-property'], bar: ['unknown-property'] },
      { foo: ['is not defined in the model'], bar: ['is not defined in the model'] },
    );
    expect(err.message).toContain('`foo` is not defined in the model');
    expect(err.message).toContain('`bar` is not defined in the model');
    await expect(M.create({ name: 'a' })).resolves.toBeDefined();
  });

  it('forceId (the default for a generated id) rejects a client-supplied id', async () => {
    const M = model(undefined, { name: String });
    await expectInvalid(
      M,
      { id: 5, name: 'a' },
      { id: ['absence'] },
      { id: ["can't be set"] },
      `The \`${M.modelName}\` instance is not valid. Details: \`id\` can't be set (value: 5).`,
    );
    const F = model(undefined, { name: String }, { forceId: true });
    await expectInvalid(F, { id: 5, name: 'a' }, { id: ['absence'] }, { id: ["can't be set"] });
    const Free = model(undefined, { name: String }, { forceId: false });
    expect((await Free.create({ id: 5, name: 'a' })).id).toBe(5);
  });

  it('validation is inherited by models that extend another', async () => {
    const ds = new DataSource('db', { connector: 'memory' }, createModelBuilder());
    const Base: any = ds.createModel(`Base${++counter}`, { email: String });
    Base.validatesPresenceOf('email');
    const Child: any = ds.createModel(`Child${++counter}`, { extra: String }, { base: Base });
    const err = await createError(Child, { extra: 'x' });
    expect(err.details).toEqual({
      context: Child.modelName,
      codes: { email: ['presence'] },
      messages: { email: ["can't be blank"] },
    });
  });
});

describe('isValid', () => {
  it('calls back with false and fills errors (LB3 shape: messages with codes beside them)', async () => {
    const Customer = model((m) => m.validatesPresenceOf('email'), {
      name: { type: String, required: true },
      email: String,
    });
    const c = new Customer({ name: 'x' });
    const valid = await new Promise<boolean>((resolve) => c.isValid(resolve));
    expect(valid).toBe(false);
    expect(JSON.parse(JSON.stringify(c.errors))).toEqual({ email: ["can't be blank"] });
    expect(c.errors.codes).toEqual({ email: ['presence'] });
    expect(Object.keys(c.errors)).toEqual(['email']);
  });

  it('calls back with true and sets errors to false when valid', async () => {
    const Customer = model((m) => m.validatesPresenceOf('email'), {
      name: { type: String, required: true },
      email: String,
    });
    const c = new Customer({ name: 'x', email: 'e' });
    const valid = await new Promise<boolean>((resolve) => c.isValid(resolve));
    expect(valid).toBe(true);
    expect(c.errors).toBe(false);
  });

  it('runs async validators before calling back', async () => {
    const M = model((m) =>
      m.validateAsync('name', function (this: any, err: () => void, done: () => void) {
        setTimeout(() => {
          if (this.name === 'bad') err();
          done();
        }, 5);
      }),
    );
    const inst = new M({ name: 'bad' });
    expect(await new Promise<boolean>((resolve) => inst.isValid(resolve))).toBe(false);
    expect(inst.errors.codes).toEqual({ name: ['custom'] });
  });
});

describe('invalid writes never reach the store', () => {
  it('a failing updateAttributes leaves the stored row unchanged', async () => {
    const M = model(undefined, { name: { type: String, required: true } });
    await M.create({ name: 'n' });
    const inst = await M.findById(1);
    const err = await inst.updateAttributes({ name: '' }).catch((e: any) => e);
    expect(err.statusCode).toBe(422);
    expect(err.details.codes).toEqual({ name: ['presence'] });
    expect((await M.find()).map((m: any) => m.toJSON())).toEqual([{ id: 1, name: 'n' }]);
  });

  it('a failing create in a batch writes none of the batch', async () => {
    const M = model((m) => m.validatesPresenceOf('email'));
    const err = await M.create([{ email: 'a' }, {}]).catch((e: any) => e);
    expect(err.statusCode).toBe(422);
    expect(await M.count()).toBe(0);
  });

  it('a failing create calls back with the error', async () => {
    const M = model((m) => m.validatesPresenceOf('email'));
    const err = await new Promise<any>((resolve) => M.create({}, (e: any) => resolve(e)));
    expect(err.name).toBe('ValidationError');
    expect(err.details.codes).toEqual({ email: ['presence'] });
  });
});

describe('validation of writes, with and without rules', () => {
  it('a valid instance of a model without rules gets errors: false; a rule added later is applied from the next write on', async () => {
    const M = model(undefined, { name: { type: String, required: true }, age: Number }, { strict: true });
    const ok = await M.create({ name: 'a', age: 1 });
    expect(ok.errors).toBe(false);
    expect(Object.keys(ok)).not.toContain('errors');
    expect(ok.isValid()).toBe(true);
    // Required properties, unknown ones and wrong types, reported together as before.
    await expectInvalid(
      M,
      { age: 'old', extra: 1 },
      { name: ['presence'], extra: ['unknown-property'], age: ['type'] },
      { name: ["can't be blank"], extra: ['is not defined in the model'], age: ['is not a valid number'] },
    );
    M.validatesLengthOf('name', { min: 2 });
    await expectInvalid(M, { name: 'b' }, { name: ['length.min'] }, { name: ['too short'] });
    const invalid = new M({ name: 'c' });
    expect(invalid.isValid()).toBe(false);
    expect(invalid.errors).toEqual({ name: ['too short'] });
    expect(invalid.errors.codes).toEqual({ name: ['length.min'] });
    // A patch is validated as the patched instance, and a refused patch changes nothing.
    const err = await ok.patchAttributes({ name: 'z' }).catch((e: any) => e);
    expect(err.statusCode).toBe(422);
    expect(err.details.codes).toEqual({ name: ['length.min'] });
    expect((await M.findById(ok.id)).toJSON()).toEqual({ id: ok.id, name: 'a', age: 1 });
    expect((await M.find()).map((m: any) => m.name)).toEqual(['a']);
  });

  it('a rule added to a base model after its subclass has written applies to the subclass', async () => {
    const ds = new DataSource('db', { connector: 'memory' }, createModelBuilder());
    const Base: any = ds.createModel('VBase', { name: String });
    const Child: any = ds.createModel('VChild', { age: Number }, { base: 'VBase' });
    await Child.create({ age: 1 });
    Base.validatesPresenceOf('name');
    const err = await Child.create({ age: 2 }).catch((e: any) => e);
    expect(err.statusCode).toBe(422);
    expect(err.details).toEqual({
      context: 'VChild',
      codes: { name: ['presence'] },
      messages: { name: ["can't be blank"] },
    });
    expect(await Child.count()).toBe(1);
  });
});
