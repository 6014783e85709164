import { DataSource } from '../../../src/juggler/datasource';
import { createModelBuilder } from '../../../src/juggler/core-models';
import { MemoryTable } from '../../../src/juggler/connectors/memory/memory-table';
import { assertUnique } from '../../../src/juggler/connectors/memory/unique-check';

/**
 * The memory store's unique keys are checked against an index kept by every write (built on the
 * first write that checks a key): each write below must see exactly what a scan of the table
 * would see, after creates, patches, replaces, updateAll, deletes and a cleared table.
 */
function define() {
  const ds = new DataSource('db', { connector: 'memory' }, createModelBuilder());
  const Person: any = ds.createModel(
    'Person',
    {
      email: { type: String, index: { unique: true } },
      nick: String,
      n: Number,
    },
    { forceId: false },
  );
  return { ds, Person };
}

const duplicate = (property: string, id?: unknown) =>
  expect.objectContaining({
    code: 'DUPLICATE_ID',
    details: expect.objectContaining({ property, ...(id !== undefined ? { id } : {}) }),
  });

describe('memory store unique index', () => {
  it('refuses a second row with the value; a row without it is never a duplicate', async () => {
    const { Person } = define();
    await Person.create({ email: 'a@x' });
    await expect(Person.create({ email: 'a@x' })).rejects.toEqual(duplicate('email', 'a@x'));
    await Person.create({});
    await Person.create({ email: null });
    await Person.create({});
    expect(await Person.count()).toBe(4);
  });

  it('follows patches, replaces, updateAll and deletes', async () => {
    const { Person } = define();
    const a = await Person.create({ email: 'a@x', n: 1 });
    const b = await Person.create({ email: 'b@x', n: 2 });
    // A row keeps its own value.
    await a.patchAttributes({ email: 'a@x', n: 3 });
    await expect(b.patchAttributes({ email: 'a@x' })).rejects.toEqual(duplicate('email'));
    // Moving a value frees the old one.
    await a.patchAttributes({ email: 'c@x' });
    await b.patchAttributes({ email: 'a@x' });
    await expect(Person.create({ email: 'c@x' })).rejects.toEqual(duplicate('email'));
    await Person.create({ email: 'b@x' });
    await Person.replaceById(a.id, { email: 'd@x' });
    await Person.create({ email: 'c@x' });
    await expect(Person.replaceById(a.id, { email: 'a@x' })).rejects.toEqual(duplicate('email'));
    await expect(Person.updateAll({ n: 2 }, { email: 'z@x' })).resolves.toEqual({ count: 1 });
    await expect(Person.updateAll({}, { email: 'same@x' })).rejects.toEqual(duplicate('email'));
    await Person.destroyById(a.id);
    await Person.create({ email: 'd@x' });
    await Person.destroyAll({ email: 'z@x' });
    await Person.create({ email: 'z@x' });
    await Person.destroyAll();
    await Person.create({ email: 'z@x' });
    await expect(Person.create({ email: 'z@x' })).rejects.toEqual(duplicate('email'));
    expect((await Person.find({ order: 'id' })).map((p: any) => p.email)).toEqual(['z@x']);
  });

  it('a key declared after duplicates were stored names the first of them in the table order', async () => {
    const { Person } = define();
    await Person.create({ id: 5, nick: 'Same' });
    await Person.create({ id: 2, nick: 'same' });
    const other = await Person.create({ id: 9, nick: 'other' });
    Person.definition.settings.indexes = { nick_u: { keys: { nick: 1 }, options: { unique: true } } };
    await expect(other.patchAttributes({ nick: 'same' })).rejects.toEqual(duplicate('nick', 'same'));
    Person.validatesUniquenessOf('nick', { ignoreCase: true });
    await expect(other.patchAttributes({ nick: 'SAME' }, { validate: false })).rejects.toMatchObject({
      statusCode: 422,
    });
    // The store's own check: both stored rows clash under the case-insensitive rule, and the row
    // of id 2 comes first in the table's order (integer ids ascending), not in insertion order.
    const table = new MemoryTable(Person.definition, false);
    table.set(5, { id: 5, nick: 'Same' });
    table.set(2, { id: 2, nick: 'same' });
    expect(() => assertUnique(Person.definition, table, [{ row: { id: 9, nick: 'SAME' } }])).toThrow(
      duplicate('nick', 'same'),
    );
    table.delete(2);
    expect(() => assertUnique(Person.definition, table, [{ row: { id: 9, nick: 'SAME' } }])).toThrow(
      duplicate('nick', 'Same'),
    );
    table.clear();
    expect(() => assertUnique(Person.definition, table, [{ row: { id: 9, nick: 'SAME' } }])).not.toThrow();
  });

  it('of concurrent creates of one case-insensitive value, one is stored', async () => {
    const { Person } = define();
    Person.validatesUniquenessOf('nick', { ignoreCase: true });
    const results = await Promise.allSettled(['Ann', 'ANN', 'ann'].map((nick) => Person.create({ nick })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await Person.count()).toBe(1);
  });
});
