import fs from 'fs';
import os from 'os';
import path from 'path';
import { generateTypes } from '../../../src/cli/types';
import { createModelBuilder } from '../../../src/juggler/core-models';
import { DataSource } from '../../../src/juggler/datasource';
import { SchemaRegistry } from '../../../src/explorer/schemas';
import { builtinType, IntegerType, INVALID, typeLabel } from '../../../src/juggler/types';

describe('the integer type', () => {
  it('is named by "integer" in any case, coerces whole numbers and numeric strings, and refuses the rest', () => {
    expect(builtinType('integer')).toBe(IntegerType);
    expect(builtinType('Integer')).toBe(IntegerType);
    expect(typeLabel(IntegerType)).toBe('integer');
    expect(IntegerType.coerce('12')).toBe(12);
    expect(IntegerType.coerce(' -3 ')).toBe(-3);
    expect(IntegerType.coerce(7)).toBe(7);
    expect(IntegerType.coerce('1e3')).toBe(1000);
    for (const bad of [1.5, '2.5', 'abc', '', Number.MAX_SAFE_INTEGER + 1, Infinity, true, {}])
      expect(IntegerType.coerce(bad)).toBe(INVALID);
  });

  it('is a Number to LB3 code; a relation key pointing at an integer id is an integer; validation says "integer"', async () => {
    const builder = createModelBuilder();
    const ds = new DataSource('db', { connector: 'memory' }, builder);
    const Shelf: any = ds.createModel('ItShelf', { id: { type: 'integer', id: true }, label: 'string' });
    const Book: any = ds.createModel('ItBook', { title: 'string', pages: 'integer' });
    Book.belongsTo(Shelf, { as: 'shelf', foreignKey: 'shelfId' });
    expect(Book.definition.properties.pages.type).toBe(Number);
    expect(Book.definition.properties.shelfId.kind.integer).toBe(true);
    const err = await Book.create({ pages: 10.5 }).catch((e: any) => e);
    expect(err.statusCode).toBe(422);
    expect(err.details).toMatchObject({
      codes: { pages: ['type'] },
      messages: { pages: ['is not a valid integer'] },
    });
    expect(await Book.count()).toBe(0);
    // A key already declared as a number keeps its type.
    const Note: any = ds.createModel('ItNote', { shelfId: 'number' });
    Note.belongsTo(Shelf, { as: 'shelf', foreignKey: 'shelfId' });
    expect(Note.definition.properties.shelfId.kind.integer).toBeUndefined();
  });

  it('is "integer" in OpenAPI and "number" in loopline types', () => {
    const builder = createModelBuilder();
    const M: any = builder.define('ItDoc', { count: 'integer', ratio: 'number' });
    const registry = new SchemaRegistry(
      (name) => (name === 'ItDoc' ? M.definition : undefined),
      new Set(['ItDoc']),
    );
    registry.ref('ItDoc');
    const schema = registry.build().ItDoc;
    expect(schema.properties.count).toMatchObject({ type: 'integer' });
    expect(schema.properties.ratio).toMatchObject({ type: 'number' });

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loopline-integer-'));
    try {
      fs.mkdirSync(path.join(dir, 'server'));
      fs.mkdirSync(path.join(dir, 'common', 'models'), { recursive: true });
      fs.writeFileSync(
        path.join(dir, 'server/model-config.json'),
        JSON.stringify({ _meta: { sources: ['../common/models'] }, Tally: { dataSource: 'db' } }),
      );
      fs.writeFileSync(
        path.join(dir, 'common/models/tally.json'),
        JSON.stringify({ name: 'Tally', properties: { count: { type: 'integer', required: true } } }),
      );
      expect(generateTypes(path.join(dir, 'server')).text).toContain('  count: number;');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
