import { Query } from 'pg';
import { pgConfig, StatementNames } from '../../../../src/juggler/connectors/postgresql/statement-names';
import { postgresqlSyntax } from '../../../../src/juggler/connectors/postgresql/syntax';
import { standardSyntax } from '../../../../src/juggler/connectors/sql/syntax';
import { WriteStatements, writtenProperties } from '../../../../src/juggler/connectors/sql/write-statements';
import type { ModelDefinition } from '../../../../src/juggler/model-definition';

/** A definition as far as the write statements read it: names, id, per-property settings. */
function def(names: string[], idName = 'id'): ModelDefinition {
  const properties: Record<string, unknown> = {};
  for (const n of names) properties[n] = { raw: {}, kind: { name: 'String' } };
  return {
    name: 'Thing',
    idName,
    propertyNames: names,
    properties,
    settings: {},
  } as unknown as ModelDefinition;
}

describe('write statements (texts kept by the set of written properties)', () => {
  const syntax = standardSyntax('postgresql', postgresqlSyntax);
  const host = {
    syntax,
    table: (d: ModelDefinition) => `"public"."${d.name.toLowerCase()}"`,
    col: (_d: ModelDefinition, p: string) => `"${p}"`,
  };
  const thing = def(['title', 'done', 'priority', 'id']);

  it('writes the properties with a value in definition order; an update also names those given as undefined', () => {
    expect(writtenProperties(thing, { priority: 1, title: 't', extra: 2 }).names).toEqual([
      'title',
      'priority',
    ]);
    expect(writtenProperties(thing, { priority: 1, title: undefined }).names).toEqual(['priority']);
    const update = writtenProperties(thing, { priority: 1, title: undefined, id: 5 }, 'id', true);
    expect(update.names).toEqual(['title', 'priority']);
    expect(update.key).toBe(writtenProperties(thing, { title: 'x', priority: 2 }, 'id', true).key);
    expect(update.key).not.toBe(writtenProperties(thing, { title: 'x' }, 'id', true).key);
  });

  it('keys a model of more than 30 properties by a string of flags', () => {
    const names = Array.from({ length: 40 }, (_, i) => `p${i}`);
    const wide = def([...names, 'id']);
    const a = writtenProperties(wide, { p0: 1, p39: 2 });
    expect(a.names).toEqual(['p0', 'p39']);
    expect(typeof a.key).toBe('string');
    expect(a.key).not.toBe(writtenProperties(wide, { p0: 1, p38: 2 }).key);
  });

  it('builds one text per set, numbered in binding order, with RETURNING where the store answers so', () => {
    const writes = new WriteStatements(host);
    const both = writtenProperties(thing, { done: true, title: 't' });
    const sql = writes.insert(thing, both);
    expect(sql).toBe('INSERT INTO "public"."thing" ("title", "done") VALUES ($1, $2) RETURNING "id" AS id');
    expect(writes.insert(thing, writtenProperties(thing, { title: 'u', done: false }))).toBe(sql);
    expect(writes.insert(thing, writtenProperties(thing, {}))).toBe(
      'INSERT INTO "public"."thing" DEFAULT VALUES RETURNING "id" AS id',
    );
    expect(writes.updateById(thing, writtenProperties(thing, { priority: 2, title: 'x' }, 'id', true))).toBe(
      'UPDATE "public"."thing" SET "title" = $1, "priority" = $2 WHERE "id" = $3 RETURNING "title", "done", "priority", "id"',
    );
  });

  it('builds the texts past the bound each time, and alike', () => {
    const writes = new WriteStatements(host, 1);
    const first = writes.insert(thing, writtenProperties(thing, { title: 't' }));
    const other = writtenProperties(thing, { done: true });
    expect(writes.insert(thing, other)).toBe(writes.insert(thing, other));
    expect(writes.insert(thing, writtenProperties(thing, { title: 'u' }))).toBe(first);
  });

  it('without RETURNING on a store that has none (MySQL)', () => {
    const mysql = {
      ...host,
      syntax: { ...syntax, insertReturnsId: false, updateReturning: false, placeholder: () => '?' },
    };
    const writes = new WriteStatements(mysql);
    expect(writes.insert(thing, writtenProperties(thing, { title: 't' }))).toBe(
      'INSERT INTO "public"."thing" ("title") VALUES (?)',
    );
    expect(writes.updateById(thing, writtenProperties(thing, { done: false }, 'id', true))).toBe(
      'UPDATE "public"."thing" SET "done" = ? WHERE "id" = ?',
    );
  });
});

describe('PostgreSQL statement shapes', () => {
  it('names a preparable text once, with a shape for objects and one for arrays, all anew after retire', () => {
    const names = new StatementNames(2);
    const a = names.shapeFor('SELECT 1', false);
    expect(a).toEqual({ name: expect.any(String), text: 'SELECT 1' });
    expect(names.shapeFor('SELECT 1', false)).toBe(a);
    expect(names.shapeFor('SELECT 1', true)).toEqual({ name: a.name, text: 'SELECT 1', rowMode: 'array' });
    expect(names.shapeFor('BEGIN', false)).toEqual({ text: 'BEGIN' });
    names.shapeFor('SELECT 2', false);
    expect(names.shapeFor('SELECT 3', true)).toEqual({ text: 'SELECT 3', rowMode: 'array' });
    names.retire();
    expect(names.shapeFor('SELECT 1', false).name).not.toBe(a.name);
  });

  it("is what pg's Query reads from a config with no own properties (its copy keeps the prototype)", () => {
    const shape = new StatementNames().shapeFor('SELECT $1::int', true);
    const callback = () => undefined;
    const query = new Query(pgConfig(shape) as never, [7], callback) as unknown as Record<string, unknown>;
    expect(query.text).toBe('SELECT $1::int');
    expect(query.name).toBe(shape.name);
    expect(query.values).toEqual([7]);
    expect(query.callback).toBe(callback);
    expect((query._result as { rowAsArray: boolean }).rowAsArray).toBe(true);
    expect(Object.keys(shape)).toEqual(['name', 'text', 'rowMode']);
  });
});
