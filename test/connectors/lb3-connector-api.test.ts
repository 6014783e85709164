import { DataSource } from '../../src/juggler/datasource';
import { createModelBuilder } from '../../src/juggler/core-models';
import { describeStore, STORES } from './stores';

/**
 * LB3's connector CRUD API on every store (`dataSource.connector.create(modelName, data, cb)` and
 * the rest), as LB3 code calls it to write behind the models' backs: callback and promise forms,
 * with and without options, rows really in the store, no hooks run, and the connector's own
 * (ModelDefinition-first) methods untouched.
 */

const json = (v: unknown) => JSON.parse(JSON.stringify(v));
const present = (v: unknown) => JSON.parse(JSON.stringify(v), (_k, x) => (x === null ? undefined : x));
const cb = <T>(fn: (done: (err: Error | null, value?: T) => void) => void) =>
  new Promise<T>((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value as T))));

for (const store of STORES) {
  describeStore(store, () => {
    let ds: DataSource;
    let Thing: any;
    let connector: any;
    let hooks: string[];

    beforeAll(async () => {
      ds = new DataSource('db', store.settings, createModelBuilder());
      Thing = ds.createModel('LcThing', { id: { type: 'string', id: true }, name: 'string', qty: 'number' });
      await ds.automigrate(['LcThing']);
      connector = ds.connector;
      hooks = [];
      for (const op of ['before save', 'after save', 'before delete', 'after delete'])
        Thing.observe(op, async () => void hooks.push(op));
    });

    afterAll(async () => {
      await ds?.disconnect();
    });

    beforeEach(async () => {
      await Thing.destroyAll();
      hooks.length = 0;
    });

    it('declares LB3 2.x arities (model, args, options, callback)', () => {
      expect(connector.create.length).toBe(4);
      expect(connector.updateAttributes.length).toBe(5);
      expect(connector.destroy.length).toBe(4);
      expect(connector.all.length).toBe(4);
    });

    it('creates, reads, patches, replaces and deletes by model name, with and without options, running no hooks', async () => {
      const id = await cb((done) => connector.create('LcThing', { id: 'a', name: 'one', qty: '2' }, done));
      expect(id).toBe('a');
      await connector.create('LcThing', { id: 'b', name: 'two' }, {});
      expect(present(await Thing.find({ order: 'id' }))).toEqual([
        { id: 'a', name: 'one', qty: 2 },
        { id: 'b', name: 'two' },
      ]);

      expect(present(await cb((done) => connector.find('LcThing', 'a', {}, done)))).toEqual({
        id: 'a',
        name: 'one',
        qty: 2,
      });
      expect(await connector.find('LcThing', 'zz')).toBeNull();
      expect(await cb((done) => connector.exists('LcThing', 'b', done))).toBe(true);
      expect(present(await connector.all('LcThing', { where: { qty: 2 } }, {}))).toEqual([
        { id: 'a', name: 'one', qty: 2 },
      ]);
      expect(await connector.count('LcThing', { name: 'two' })).toBe(1);

      const patched = await cb((done) =>
        connector.updateAttributes('LcThing', 'a', { name: 'patched' }, done),
      );
      expect(present(patched)).toEqual({ id: 'a', name: 'patched', qty: 2 });
      await connector.replaceById('LcThing', 'a', { name: 'replaced' }, {});
      expect(present(await Thing.findById('a'))).toEqual({ id: 'a', name: 'replaced' });
      expect(await connector.updateAll('LcThing', { id: 'b' }, { qty: 7 }, {})).toEqual({ count: 1 });
      expect(await connector.update('LcThing', { id: 'zz' }, { qty: 7 })).toEqual({ count: 0 });
      expect((await Thing.findById('b')).qty).toBe(7);

      expect(await cb((done) => connector.destroy('LcThing', 'a', done))).toEqual({ count: 1 });
      expect(await connector.destroyAll('LcThing', { name: 'two' }, {})).toEqual({ count: 1 });
      expect(await Thing.count()).toBe(0);
      expect(hooks).toEqual([]);
    });

    it('answers 404 for a patch of a missing id and a 400 code for an unknown model, the store unchanged', async () => {
      await Thing.create({ id: 'k', name: 'kept' });
      await expect(connector.updateAttributes('LcThing', 'nope', { name: 'x' }, {})).rejects.toMatchObject({
        statusCode: 404,
        code: 'MODEL_NOT_FOUND',
      });
      const err = await new Promise<any>((resolve) =>
        connector.create('NoSuchModel', { id: 'z' }, (e: Error) => resolve(e)),
      );
      expect(err).toMatchObject({ code: 'MODEL_NOT_ATTACHED' });
      expect(json(await Thing.find())).toEqual([expect.objectContaining({ id: 'k', name: 'kept' })]);
    });

    it("leaves the connector's own ModelDefinition-first methods as they are", async () => {
      await connector.create(Thing.definition, { id: 'own', name: 'direct' }, {});
      expect(await connector.count(Thing.definition, undefined, {})).toBe(1);
      expect(present(await connector.findById(Thing.definition, 'own', {}))).toEqual({
        id: 'own',
        name: 'direct',
      });
    });
  });
}
