import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DataSource } from '../../../src/juggler/datasource';
import { createModelBuilder } from '../../../src/juggler/core-models';

/**
 * The memory connector, observed through models. Expected values (messages, status codes, the
 * file format) are what loopback-datasource-juggler@3 produces with its memory connector.
 */

function memory(settings: Record<string, unknown> = {}) {
  return new DataSource('db', { connector: 'memory', ...settings }, createModelBuilder());
}

const tmpDirs: string[] = [];
function tmpDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loopline-memory-'));
  tmpDirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of tmpDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * Written by LB3 (loopback-datasource-juggler 3.x, memory connector with `file`) after:
 * Item.create({name:'a', when: 2020-01-02T03:04:05Z, meta:{x:{y:1}}, tags:['t']}), Item.create({name:'b'}),
 * Other.create({title:'o'}), Item.create({id:10, name:'ten'}), Item.destroyById(2).
 * Item is `{name:String, when:Date, meta:Object, tags:[String]}` with forceId:false; Other is `{title:String}`.
 */
const LB3_FILE =
  '{\n  "ids": {\n    "Item": 11,\n    "Other": 2\n  },\n  "models": {\n    "Item": {\n      "1": "{\\"name\\":\\"a\\",\\"when\\":\\"2020-01-02T03:04:05.000Z\\",\\"meta\\":{\\"x\\":{\\"y\\":1}},\\"tags\\":[\\"t\\"],\\"id\\":1}",\n      "10": "{\\"name\\":\\"ten\\",\\"id\\":10}"\n    },\n    "Other": {\n      "1": "{\\"title\\":\\"o\\",\\"id\\":1}"\n    }\n  }\n}';

function defineLb3Models(ds: DataSource) {
  const Item: any = ds.createModel(
    'Item',
    { name: String, when: Date, meta: Object, tags: [String] },
    { forceId: false },
  );
  const Other: any = ds.createModel('Other', { title: String });
  return { Item, Other };
}

describe('memory connector: ids', () => {
  it('generates numeric auto-increment ids, one counter per model', async () => {
    const ds = memory();
    const A: any = ds.createModel('A', { name: String });
    const B: any = ds.createModel('B', { name: String });
    const a1 = await A.create({ name: 'a1' });
    const a2 = await A.create({ name: 'a2' });
    const b1 = await B.create({ name: 'b1' });
    const a3 = await A.create({ name: 'a3' });
    expect([a1.id, a2.id, a3.id]).toEqual([1, 2, 3]);
    expect(b1.id).toBe(1);
    expect(typeof a1.id).toBe('number');
    expect((await B.create({ name: 'b2' })).id).toBe(2);
  });

  it('accepts client-supplied ids when forceId is false and continues after the max', async () => {
    const ds = memory();
    const M: any = ds.createModel('M', { name: String }, { forceId: false });
    expect((await M.create({ id: 10, name: 'ten' })).id).toBe(10);
    expect((await M.create({ name: 'next' })).id).toBe(11);
    // A smaller client id does not move the counter back.
    expect((await M.create({ id: 5, name: 'five' })).id).toBe(5);
    expect((await M.create({ name: 'after' })).id).toBe(12);
    // The default order is by numeric id, as LB3's memory store.
    expect((await M.find()).map((m: any) => m.id)).toEqual([5, 10, 11, 12]);
  });

  it('rejects a duplicate id with 409 DUPLICATE_ID and leaves the store unchanged', async () => {
    const ds = memory();
    const M: any = ds.createModel('M', { name: String }, { forceId: false });
    await M.create({ id: 1, name: 'first' });
    const err = await M.create({ id: 1, name: 'second' }).catch((e: any) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err.statusCode).toBe(409);
    expect(err.status).toBe(409);
    expect(err.code).toBe('DUPLICATE_ID');
    // LB3's message, word for word.
    expect(err.message).toBe('Duplicate entry for M.id');
    expect(await M.count()).toBe(1);
    expect((await M.findById(1)).name).toBe('first');
    // '1' and 1 are the same row.
    const asString = await M.create({ id: '1', name: 'third' }).catch((e: any) => e);
    expect(asString.statusCode).toBe(409);
    expect((await M.find()).map((m: any) => m.toJSON())).toEqual([{ id: 1, name: 'first' }]);
  });

  it('generates string ids for a String id property', async () => {
    const ds = memory();
    const M: any = ds.createModel('M', { id: { type: String, id: true, generated: true }, name: String });
    const a = await M.create({ name: 'a' });
    const b = await M.create({ name: 'b' });
    expect(typeof a.id).toBe('string');
    expect(a.id).not.toBe(b.id);
    expect((await M.findById(a.id)).name).toBe('a');
  });

  it('keeps rows of a model without an id', async () => {
    const ds = memory();
    const Log: any = ds.createModel('Log', { msg: String }, { idInjection: false });
    await Log.create({ msg: 'one' });
    await Log.create({ msg: 'two' });
    expect(await Log.count()).toBe(2);
    expect((await Log.find()).map((l: any) => l.toJSON())).toEqual([{ msg: 'one' }, { msg: 'two' }]);
  });
});

describe('memory connector: the default order with text and integer ids', () => {
  // Rows keyed by integer ids (as numbers) and by any other text: LB3's plain-object order
  // (integer-like ids ascending, then the others by insertion) must come out of every read path.
  async function mixed() {
    const ds = memory();
    const M: any = ds.createModel(
      'M',
      { id: { type: String, id: true }, name: String, group: Number },
      { forceId: false },
    );
    for (const [id, group] of [
      ['b', 1],
      ['10', 2],
      ['a', 1],
      ['2', 2],
      ['-1', 1],
      ['07', 2],
      ['1.5', 1],
      ['0', 2],
    ] as const)
      await M.create({ id, name: `n${id}`, group });
    return M;
  }
  const ORDER = ['0', '2', '10', 'b', 'a', '-1', '07', '1.5'];

  it('lists, pages, picks by id and looks up by index in that order', async () => {
    const M = await mixed();
    expect((await M.find()).map((m: any) => m.id)).toEqual(ORDER);
    expect((await M.find({ limit: 3 })).map((m: any) => m.id)).toEqual(ORDER.slice(0, 3));
    expect((await M.find({ skip: 2, limit: 3 })).map((m: any) => m.id)).toEqual(ORDER.slice(2, 5));
    expect((await M.find({ skip: 7, limit: 3 })).map((m: any) => m.id)).toEqual(ORDER.slice(7));
    expect(
      (await M.find({ where: { id: { inq: ['1.5', 'a', '10', '0', 'b'] } } })).map((m: any) => m.id),
    ).toEqual(['0', '10', 'b', 'a', '1.5']);
    expect((await M.find({ where: { group: { inq: [2, 1] } } })).map((m: any) => m.id)).toEqual(ORDER);
    expect((await M.find({ where: { group: 1 } })).map((m: any) => m.id)).toEqual(['b', 'a', '-1', '1.5']);
    // A where the index cannot answer, paged without an order: the first matches.
    const odd = { name: { like: 'n%' }, id: { neq: '2' } };
    expect((await M.find({ where: odd, limit: 2 })).map((m: any) => m.id)).toEqual(['0', '10']);
    expect((await M.find({ where: odd, skip: 2, limit: 2 })).map((m: any) => m.id)).toEqual(['b', 'a']);
    expect(await M.count({ name: { like: 'n%' } })).toBe(8);
  });

  it('finds, replaces and deletes each row by its own id, and re-inserts a text id last', async () => {
    const M = await mixed();
    for (const id of ORDER) expect((await M.findById(id)).name).toBe(`n${id}`);
    expect(await M.findById('010')).toBeNull();
    await M.replaceById('a', { name: 'A', group: 1 });
    expect((await M.findById('a')).name).toBe('A');
    expect((await M.find()).map((m: any) => m.id)).toEqual(ORDER);
    await M.destroyById('b');
    await M.create({ id: 'b', name: 'again', group: 1 });
    await M.create({ id: '1', name: 'one', group: 1 });
    expect((await M.find()).map((m: any) => m.id)).toEqual([
      '0',
      '1',
      '2',
      '10',
      'a',
      '-1',
      '07',
      '1.5',
      'b',
    ]);
  });
});

describe('memory connector: rows are private copies', () => {
  it('is not changed by mutating the input object', async () => {
    const ds = memory();
    const M: any = ds.createModel('M', { name: String, meta: Object, tags: [String] });
    const input: any = { name: 'a', meta: { deep: { n: 1 } }, tags: ['x'] };
    const created = await M.create(input);
    input.name = 'changed';
    input.meta.deep.n = 2;
    input.tags.push('y');
    const found = await M.findById(created.id);
    expect(found.name).toBe('a');
    expect(found.meta).toEqual({ deep: { n: 1 } });
    expect(Array.from(found.tags)).toEqual(['x']);
  });

  it('is not changed by mutating a returned instance or its nested values', async () => {
    const ds = memory();
    const M: any = ds.createModel('M', { name: String, meta: Object, when: Date });
    const created = await M.create({
      name: 'a',
      meta: { deep: { n: 1 } },
      when: new Date('2020-01-01T00:00:00Z'),
    });
    created.name = 'mutated';
    created.meta.deep.n = 99;
    const one = await M.findById(created.id);
    one.name = 'again';
    one.meta.deep.n = 42;
    one.when.setFullYear(1999);
    const [viaFind] = await M.find();
    viaFind.meta.deep.n = 7;
    const fresh = await M.findById(created.id);
    expect(fresh.name).toBe('a');
    expect(fresh.meta).toEqual({ deep: { n: 1 } });
    expect(fresh.when.toISOString()).toBe('2020-01-01T00:00:00.000Z');
  });

  it('copies an object value that first appears in a later row of a free-form model', async () => {
    const ds = memory();
    const M: any = ds.createModel('M', { name: String }, { strict: false });
    await M.create({ name: 'plain' });
    const [before] = await M.find();
    expect(before.extra).toBeUndefined();
    const created = await M.create({ name: 'rich', extra: { n: 1 } });
    const found = await M.findById(created.id);
    // an undeclared property read from the store has an accessor, and is a private copy
    expect(found.extra).toEqual({ n: 1 });
    found.extra.n = 2;
    const [, viaFind] = await M.find();
    expect(viaFind.extra).toEqual({ n: 1 });
    expect(viaFind.toJSON()).toEqual({ name: 'rich', extra: { n: 1 }, id: created.id });
  });

  it('answers a multi-key lookup in the default order, whatever the order of the keys', async () => {
    const ds = memory();
    const M: any = ds.createModel('M', { group: Number });
    for (const group of [3, 1, 2, 1, 3, 2]) await M.create({ group });
    const rows = await M.find({ where: { group: { inq: [2, 3, 1, 2] } } });
    expect(rows.map((r: any) => r.id)).toEqual([1, 2, 3, 4, 5, 6]);
    const two = await M.find({ where: { group: { inq: [3, 2] } } });
    expect(two.map((r: any) => [r.id, r.group])).toEqual([
      [1, 3],
      [3, 2],
      [5, 3],
      [6, 2],
    ]);
  });

  it('answers lookups whose lists already follow one another, and lookups past any buffer size', async () => {
    const ds = memory();
    const M: any = ds.createModel('M', { group: Number });
    await M.create([1, 1, 2, 2, 3].map((group) => ({ group })));
    const inOrder = await M.find({ where: { group: { inq: [1, 2, 3] } } });
    expect(inOrder.map((r: any) => r.id)).toEqual([1, 2, 3, 4, 5]);
    const reversed = await M.find({ where: { group: { inq: [3, 2, 1] } } });
    expect(reversed.map((r: any) => r.id)).toEqual([1, 2, 3, 4, 5]);
    const many = Array.from({ length: 3000 }, (_, i) => ({ group: 1000 + ((i * 7) % 50) }));
    await M.create(many);
    const groups = Array.from({ length: 50 }, (_, i) => 1049 - i);
    const found = await M.find({ where: { group: { inq: groups } } });
    expect(found).toHaveLength(3000);
    expect(found.map((r: any) => r.id)).toEqual(Array.from({ length: 3000 }, (_, i) => i + 6));
  });

  it('is not changed by mutating the data given to updateAll / patch', async () => {
    const ds = memory();
    const M: any = ds.createModel('M', { name: String, meta: Object });
    const created = await M.create({ name: 'a' });
    const data: any = { meta: { n: 1 } };
    await M.updateAll({ id: created.id }, data);
    data.meta.n = 2;
    const patch: any = { meta: { n: 3 } };
    const inst = await M.findById(created.id);
    await inst.patchAttributes(patch);
    patch.meta.n = 4;
    expect((await M.findById(created.id)).meta).toEqual({ n: 3 });
  });
});

describe('memory connector: value round-trips', () => {
  it('returns dates, buffers, objects and arrays as they were stored', async () => {
    const ds = memory();
    const M: any = ds.createModel('M', {
      when: Date,
      blob: Buffer,
      meta: Object,
      list: [Number],
      any: 'any',
      flag: Boolean,
      n: Number,
    });
    const when = new Date('2021-06-07T08:09:10.123Z');
    const created = await M.create({
      when,
      blob: Buffer.from([1, 2, 255]),
      meta: { a: [1, { b: null }], s: 'x' },
      list: [3, 1, 2],
      any: { k: 'v' },
      flag: false,
      n: 0,
    });
    const found = await M.findById(created.id);
    expect(found.when).toBeInstanceOf(Date);
    expect(found.when.getTime()).toBe(when.getTime());
    expect(found.when).not.toBe(when);
    expect(Buffer.isBuffer(found.blob)).toBe(true);
    expect(Array.from(found.blob)).toEqual([1, 2, 255]);
    expect(found.meta).toEqual({ a: [1, { b: null }], s: 'x' });
    expect(Array.from(found.list)).toEqual([3, 1, 2]);
    expect(found.any).toEqual({ k: 'v' });
    expect(found.flag).toBe(false);
    expect(found.n).toBe(0);
  });

  it('filters on dates stored in memory', async () => {
    const ds = memory();
    const M: any = ds.createModel('M', { when: Date });
    await M.create([
      { when: new Date('2020-01-01') },
      { when: new Date('2021-01-01') },
      { when: new Date('2022-01-01') },
    ]);
    const found = await M.find({ where: { when: { gt: new Date('2020-06-01') } } });
    expect(found.map((m: any) => m.id)).toEqual([2, 3]);
  });
});

describe('memory connector: lookups and bulk operations', () => {
  it('findById finds the right row among 10k rows, by number or string', async () => {
    const ds = memory();
    const M: any = ds.createModel('M', { n: Number });
    const rows = [];
    for (let i = 0; i < 10000; i++) rows.push({ n: i * 3 });
    await M.create(rows);
    expect(await M.count()).toBe(10000);
    for (const id of [1, 2, 5000, 9999, 10000]) {
      const found = await M.findById(id);
      expect(found.id).toBe(id);
      expect(found.n).toBe((id - 1) * 3);
    }
    expect((await M.findById('7777')).n).toBe(7776 * 3);
    expect(await M.findById(10001)).toBeNull();
    expect(await M.findById(0)).toBeNull();
    // The id-only where clauses find the same rows.
    expect((await M.find({ where: { id: 4321 } })).map((m: any) => m.n)).toEqual([4320 * 3]);
    expect((await M.find({ where: { id: { inq: [9000, 3, 3, 123456] } } })).map((m: any) => m.id)).toEqual([
      3, 9000,
    ]);
    expect((await M.find({ where: { id: { eq: 42 } } })).map((m: any) => m.id)).toEqual([42]);
    expect(await M.exists(9876)).toBe(true);
  });

  it('counts what destroyAll and updateAll touched', async () => {
    const ds = memory();
    const M: any = ds.createModel('M', { name: String, age: Number });
    await M.create([
      { name: 'a', age: 1 },
      { name: 'b', age: 2 },
      { name: 'c', age: 3 },
      { name: 'd', age: 4 },
    ]);
    expect(await M.updateAll({ age: { gte: 3 } }, { name: 'old' })).toEqual({ count: 2 });
    expect(await M.updateAll({ age: 99 }, { name: 'none' })).toEqual({ count: 0 });
    expect((await M.find({ where: { name: 'old' } })).map((m: any) => m.age)).toEqual([3, 4]);
    expect(await M.destroyAll({ name: 'zzz' })).toEqual({ count: 0 });
    expect(await M.destroyAll({ age: { lt: 2 } })).toEqual({ count: 1 });
    expect(await M.count()).toBe(3);
    expect(await M.destroyAll({ id: 3 })).toEqual({ count: 1 });
    expect(await M.destroyAll()).toEqual({ count: 2 });
    expect(await M.count()).toBe(0);
    // Deleting does not reuse ids.
    expect((await M.create({ name: 'e' })).id).toBe(5);
  });

  it('updateAll never changes the id and keeps other fields', async () => {
    const ds = memory();
    const M: any = ds.createModel('M', { name: String, age: Number });
    await M.create({ name: 'a', age: 1 });
    await M.updateAll({}, { age: 2 });
    expect((await M.findById(1)).toJSON()).toEqual({ id: 1, name: 'a', age: 2 });
  });

  it('replaces and deletes by id', async () => {
    const ds = memory();
    const M: any = ds.createModel('M', { name: String, age: Number });
    await M.create([
      { name: 'a', age: 1 },
      { name: 'b', age: 2 },
    ]);
    await M.replaceById(1, { name: 'A' });
    expect((await M.findById(1)).toJSON()).toEqual({ id: 1, name: 'A' });
    expect(await M.destroyById(2)).toEqual({ count: 1 });
    expect(await M.destroyById(2)).toEqual({ count: 0 });
    expect((await M.find()).map((m: any) => m.id)).toEqual([1]);
  });

  it('supports skip, limit, order and fields', async () => {
    const ds = memory();
    const M: any = ds.createModel('M', { name: String, age: Number });
    await M.create([
      { name: 'c', age: 3 },
      { name: 'a', age: 1 },
      { name: 'b', age: 2 },
    ]);
    expect((await M.find({ order: 'name ASC', skip: 1, limit: 1 })).map((m: any) => m.name)).toEqual(['b']);
    expect((await M.find({ order: 'age DESC', fields: ['name'] })).map((m: any) => m.toJSON())).toEqual([
      { name: 'c' },
      { name: 'b' },
      { name: 'a' },
    ]);
  });
});

describe('memory connector: file persistence', () => {
  it("writes LB3's memory-connector file format, byte for byte", async () => {
    const file = path.join(tmpDir(), 'db.json');
    const ds = memory({ file });
    const { Item, Other } = defineLb3Models(ds);
    await Item.create({
      name: 'a',
      when: new Date('2020-01-02T03:04:05.000Z'),
      meta: { x: { y: 1 } },
      tags: ['t'],
    });
    await Item.create({ name: 'b' });
    await Other.create({ title: 'o' });
    await Item.create({ id: 10, name: 'ten' });
    await Item.destroyById(2);
    await ds.disconnect();
    const text = fs.readFileSync(file, 'utf8');
    expect(JSON.parse(text)).toEqual(JSON.parse(LB3_FILE));
    expect(text).toBe(LB3_FILE);
  });

  it('is on disk once the write resolves', async () => {
    const file = path.join(tmpDir(), 'db.json');
    const ds = memory({ file });
    const M: any = ds.createModel('M', { name: String });
    await M.create({ name: 'a' });
    const content = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(content.ids).toEqual({ M: 2 });
    expect(Object.keys(content.models.M)).toEqual(['1']);
    expect(JSON.parse(content.models.M['1'])).toEqual({ name: 'a', id: 1 });
    await M.updateAll({}, { name: 'b' });
    expect(JSON.parse(JSON.parse(fs.readFileSync(file, 'utf8')).models.M['1'])).toEqual({ name: 'b', id: 1 });
    await M.destroyAll();
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ ids: { M: 2 }, models: { M: {} } });
    await ds.disconnect();
  });

  it('loads a file written by LB3: rows, types and next ids are preserved', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'db.json');
    fs.writeFileSync(file, LB3_FILE);
    const ds = memory({ file });
    const { Item, Other } = defineLb3Models(ds);
    expect(await Item.count()).toBe(2);
    const one = await Item.findById(1);
    expect(one.name).toBe('a');
    expect(one.when).toBeInstanceOf(Date);
    expect(one.when.toISOString()).toBe('2020-01-02T03:04:05.000Z');
    expect(one.meta).toEqual({ x: { y: 1 } });
    expect(Array.from(one.tags)).toEqual(['t']);
    expect((await Item.findById(10)).name).toBe('ten');
    expect(await Item.findById(2)).toBeNull();
    // The stored next ids win: Item continues at 11, Other at 2.
    expect((await Item.create({ name: 'new' })).id).toBe(11);
    expect((await Other.create({ title: 'p' })).id).toBe(2);
    const dup = await Item.create({ id: 10, name: 'dup' }).catch((e: any) => e);
    expect(dup.statusCode).toBe(409);
    await ds.disconnect();
    const content = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(content.ids).toEqual({ Item: 12, Other: 3 });
    expect(Object.keys(content.models.Item)).toEqual(['1', '10', '11']);
    // Rows that were loaded are written back unchanged.
    expect(content.models.Item['1']).toBe(JSON.parse(LB3_FILE).models.Item['1']);
  });

  it('honours a stored next id above the largest row id', async () => {
    const file = path.join(tmpDir(), 'db.json');
    fs.writeFileSync(
      file,
      JSON.stringify({ ids: { M: 50 }, models: { M: { '3': JSON.stringify({ name: 'three', id: 3 }) } } }),
    );
    const ds = memory({ file });
    const M: any = ds.createModel('M', { name: String });
    expect((await M.create({ name: 'next' })).id).toBe(50);
  });

  it('continues after the largest row id when the stored next id is behind', async () => {
    const file = path.join(tmpDir(), 'db.json');
    fs.writeFileSync(
      file,
      JSON.stringify({ ids: { M: 1 }, models: { M: { '7': JSON.stringify({ name: 'seven', id: 7 }) } } }),
    );
    const ds = memory({ file });
    const M: any = ds.createModel('M', { name: String });
    expect((await M.create({ name: 'next' })).id).toBe(8);
  });

  it('round-trips dates and buffers through the file', async () => {
    const file = path.join(tmpDir(), 'db.json');
    const ds1 = memory({ file });
    const M1: any = ds1.createModel('M', { when: Date, blob: Buffer, meta: Object });
    await M1.create({
      when: new Date('2019-05-06T07:08:09.010Z'),
      blob: Buffer.from('hello'),
      meta: { nested: [1, 'two'] },
    });
    await ds1.disconnect();

    const ds2 = memory({ file });
    const M2: any = ds2.createModel('M', { when: Date, blob: Buffer, meta: Object });
    const found = await M2.findById(1);
    expect(found.when).toBeInstanceOf(Date);
    expect(found.when.toISOString()).toBe('2019-05-06T07:08:09.010Z');
    expect(Buffer.isBuffer(found.blob)).toBe(true);
    expect(found.blob.toString()).toBe('hello');
    expect(found.meta).toEqual({ nested: [1, 'two'] });
    expect(await M2.find({ where: { when: { gt: new Date('2019-01-01') } } })).toHaveLength(1);
  });

  it('keeps the models of the file that the app does not define', async () => {
    const file = path.join(tmpDir(), 'db.json');
    fs.writeFileSync(file, LB3_FILE);
    const ds = memory({ file });
    const Other: any = ds.createModel('Other', { title: String });
    await Other.create({ title: 'p' });
    await ds.disconnect();
    const content = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(content.ids.Item).toBe(11);
    expect(content.models.Item).toEqual(JSON.parse(LB3_FILE).models.Item);
    expect(Object.keys(content.models.Other)).toEqual(['1', '2']);
  });

  it('starts empty when the file does not exist yet, creating its folder on first write', async () => {
    const file = path.join(tmpDir(), 'nested', 'deeper', 'db.json');
    const ds = memory({ file });
    const M: any = ds.createModel('M', { name: String });
    expect(await M.count()).toBe(0);
    await M.create({ name: 'a' });
    expect(fs.existsSync(file)).toBe(true);
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).ids.M).toBe(2);
  });

  it('treats an empty file as an empty store', async () => {
    const file = path.join(tmpDir(), 'db.json');
    fs.writeFileSync(file, '');
    const ds = memory({ file });
    const M: any = ds.createModel('M', { name: String });
    expect(await M.count()).toBe(0);
    expect((await M.create({ name: 'a' })).id).toBe(1);
  });

  it('coalesces a burst of 200 creates, leaves no temp files and ends with every row', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'db.json');
    const ds = memory({ file });
    const M: any = ds.createModel('M', { n: Number });
    const renames = jest.spyOn(fs.promises, 'rename');
    let reads = 0;
    let stop = false;
    const invalid: string[] = [];
    // Readers during the burst must only ever see a complete JSON file.
    const reader = (async () => {
      while (!stop) {
        let text: string | undefined;
        try {
          text = fs.readFileSync(file, 'utf8');
        } catch {
          text = undefined; // not written yet
        }
        if (text !== undefined) {
          reads++;
          try {
            JSON.parse(text);
          } catch {
            invalid.push(text);
          }
        }
        await new Promise((r) => setImmediate(r));
      }
    })();
    try {
      const created = await Promise.all(Array.from({ length: 200 }, (_, i) => M.create({ n: i })));
      expect(new Set(created.map((c: any) => c.id)).size).toBe(200);
      stop = true;
      await reader;
      const writes = renames.mock.calls.filter(([, to]) => to === file).length;
      expect(writes).toBeGreaterThanOrEqual(1);
      expect(writes).toBeLessThan(20);
    } finally {
      stop = true;
      renames.mockRestore();
    }
    expect(invalid).toEqual([]);
    expect(reads).toBeGreaterThan(0);
    await ds.disconnect();
    expect(fs.readdirSync(dir)).toEqual(['db.json']);
    const content = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(Object.keys(content.models.M)).toHaveLength(200);
    expect(content.ids.M).toBe(201);
    const ns = Object.values(content.models.M as Record<string, string>)
      .map((t) => JSON.parse(t).n)
      .sort((a: number, b: number) => a - b);
    expect(ns).toEqual(Array.from({ length: 200 }, (_, i) => i));

    // A fresh process sees every acknowledged row.
    const ds2 = memory({ file });
    const M2: any = ds2.createModel('M', { n: Number });
    expect(await M2.count()).toBe(200);
    expect((await M2.findById(200)).toJSON()).toEqual({ id: 200, n: expect.any(Number) });
  });

  it('leaves no temp files after mixed writes', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'store.json');
    const ds = memory({ file });
    const M: any = ds.createModel('M', { name: String });
    await M.create({ name: 'a' });
    await Promise.all([M.create({ name: 'b' }), M.updateAll({}, { name: 'c' }), M.destroyAll({ id: 1 })]);
    await ds.disconnect();
    expect(fs.readdirSync(dir)).toEqual(['store.json']);
    const content = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(Object.keys(content.models.M)).toEqual(['2']);
  });

  it('fails with a clear 500 error when the file is not valid JSON (a torn file)', async () => {
    const file = path.join(tmpDir(), 'db.json');
    const torn = '{"ids":{"M":3},"models":{"M":{"1":"{\\"name\\":\\"a\\",\\"id\\":1}","2":"{\\"na';
    fs.writeFileSync(file, torn);
    const ds = memory({ file });
    const M: any = ds.createModel('M', { name: String });
    const err = await M.create({ name: 'x' }).catch((e: any) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err.statusCode).toBe(500);
    expect(err.code).toBe('CONFIGURATION_ERROR');
    expect(err.message).toContain(file);
    expect(err.message).toContain('is not valid JSON');
    const viaConnect = await ds.connect().catch((e: any) => e);
    expect(viaConnect.code).toBe('CONFIGURATION_ERROR');
    // The torn file is not overwritten.
    expect(fs.readFileSync(file, 'utf8')).toBe(torn);
  });

  it("fails with a clear error when the JSON is not the memory connector's format", async () => {
    const cases = [
      '[1,2,3]',
      '{"ids": [], "models": {}}',
      '{"ids": {}, "models": {"M": {"1": {"name": "not text"}}}}',
      'null',
    ];
    for (const text of cases) {
      const file = path.join(tmpDir(), 'db.json');
      fs.writeFileSync(file, text);
      const ds = memory({ file });
      const M: any = ds.createModel('M', { name: String });
      const err = await M.find().catch((e: any) => e);
      expect(err).toBeInstanceOf(Error);
      expect(err.code).toBe('CONFIGURATION_ERROR');
      expect(err.message).toContain(file);
      expect(fs.readFileSync(file, 'utf8')).toBe(text);
    }
  });
});
