import { Registry } from '../../src/loopback/registry';
import { hasObservers } from '../../src/juggler/operation-hooks';
import { describeStore, STORES } from './stores';

/**
 * Change tracking and replication on every store: the change records a write leaves (revision,
 * previous revision, checkpoint), replication both ways between the store and an in-process
 * memory "device", conflicts and their resolution, and refused bulk updates leaving the store as it was.
 */

const json = (v: unknown) => JSON.parse(JSON.stringify(v));
const byId = (list: any[]) => json(list).sort((a: any, b: any) => String(a.id).localeCompare(String(b.id)));

for (const store of STORES) {
  describeStore(store, () => {
    let registry: Registry;
    let Server: any;
    let Device: any;
    let Plain: any;
    let n = 0;

    beforeEach(async () => {
      n++;
      registry = new Registry();
      const db = registry.createDataSource('db', store.settings as any);
      const device = registry.createDataSource('device', { connector: 'memory' });
      const props = { id: { type: 'string', id: true, defaultFn: 'guid' }, name: 'string', qty: 'number' };
      Server = registry.createModel(`CtServer${n}`, props, { trackChanges: true, changeCleanupInterval: -1 } as any);
      Server.attachTo(db);
      Device = registry.createModel(`CtDevice${n}`, props, { trackChanges: true, changeCleanupInterval: -1 } as any);
      Device.attachTo(device);
      Plain = registry.createModel(`CtPlain${n}`, props, {} as any);
      Plain.attachTo(db);
      await db.automigrate();
    });

    afterEach(async () => {
      await Server.dataSource.disconnect();
    });

    it('records a change per write: revision, previous revision across checkpoints, deletion', async () => {
      const Change = Server.getChangeModel();
      const car = await Server.create({ name: 'a', qty: 1 });
      let [ch] = json(await Change.find());
      expect(ch).toMatchObject({ modelName: Server.modelName, modelId: car.id, rev: Change.revisionForInst(car), checkpoint: 1 });
      expect(ch.prev ?? null).toBeNull();
      const firstRev = ch.rev;

      const cp = await Server.checkpoint();
      expect(cp.seq).toBe(2);
      await car.updateAttributes({ name: 'b' });
      [ch] = json(await Change.find());
      expect(ch).toMatchObject({ prev: firstRev, checkpoint: 2 });
      expect(ch.rev).not.toBe(firstRev);
      expect((await Change.findById(ch.id)).type()).toBe('update');

      await Server.deleteById(car.id);
      [ch] = json(await Change.find());
      expect(ch.rev ?? null).toBeNull();
      expect((await Change.findById(ch.id)).type()).toBe('delete');
      expect(await Server.changes(1, {})).toHaveLength(1);
      expect(await Server.changes(3, {})).toHaveLength(0);
    });

    it('costs nothing on a model without trackChanges', async () => {
      expect(Plain.Change).toBeUndefined();
      expect(hasObservers(Plain, 'after save')).toBe(false);
      expect(hasObservers(Plain, 'after delete')).toBe(false);
      expect(() => Plain.getChangeModel()).toThrow(/Cannot get a setup Change model/);
    });

    it('replicates device → server and server → device, deletes included', async () => {
      await Device.create([{ id: 'd1', name: 'one' }, { id: 'd2', name: 'two' }]);
      let conflicts = await Device.replicate(Server);
      expect(conflicts).toEqual([]);
      const names = (list: any[]) => byId(list).map((c: any) => [c.id, c.name]);
      expect(names(await Server.find())).toEqual([['d1', 'one'], ['d2', 'two']]);
      expect(names(await Device.find())).toEqual([['d1', 'one'], ['d2', 'two']]);

      await Server.updateAll({ id: 'd1' }, { name: 'one on server' });
      await Server.create({ id: 's1', name: 'server made' });
      await Server.deleteById('d2');
      conflicts = await Server.replicate(Device);
      expect(conflicts).toEqual([]);
      expect(names(await Device.find())).toEqual([
        ['d1', 'one on server'],
        ['s1', 'server made'],
      ]);
    });

    it('detects a conflict and resolves it using the source', async () => {
      await Device.create({ id: 'c1', name: 'base' });
      expect(await Device.replicate(Server)).toEqual([]);
      expect(await Server.replicate(Device)).toEqual([]);
      await Device.updateAll({ id: 'c1' }, { name: 'device edit' });
      await Server.updateAll({ id: 'c1' }, { name: 'server edit' });

      const conflicts = await Device.replicate(Server);
      expect(conflicts).toHaveLength(1);
      const conflict = conflicts[0];
      expect(conflict.modelId).toBe('c1');
      expect(await conflict.type()).toBe('update');
      const [source, target] = await conflict.models();
      expect([source.name, target.name]).toEqual(['device edit', 'server edit']);

      await conflict.resolveUsingSource();
      expect(await Device.replicate(Server)).toEqual([]);
      expect((await Server.findById('c1')).name).toBe('device edit');
    });

    it('resolves a conflict using the target (swapped, the source left alone)', async () => {
      await Server.create({ id: 't1', name: 'base' });
      expect(await Server.replicate(Device)).toEqual([]);
      await Device.updateAll({ id: 't1' }, { name: 'device edit' });
      await Server.updateAll({ id: 't1' }, { name: 'server edit' });
      const [conflict] = await Server.replicate(Device);
      await conflict.swapParties().resolveUsingTarget();
      expect(await Server.replicate(Device)).toEqual([]);
      expect((await Device.findById('t1')).name).toBe('server edit');
      expect((await Server.findById('t1')).name).toBe('server edit');
    });

    it('refuses a malformed bulk update with 400 and writes nothing', async () => {
      await Server.create({ id: 'x1', name: 'kept' });
      const before = byId(await Server.find());
      for (const bad of [{ not: 'an array' }, [{ type: 'explode', change: {}, data: {} }], [{ type: 'update', change: { modelId: 'x1' } }], [{ type: 'delete', change: {} }]]) {
        await expect(Server.bulkUpdate(bad)).rejects.toMatchObject({ statusCode: 400, code: 'INVALID_UPDATE' });
      }
      expect(byId(await Server.find())).toEqual(before);
    });

    it('answers 409 with the conflicting change when the target moved under a bulk update', async () => {
      const car = await Server.create({ id: 'm1', name: 'one' });
      const Change = Server.getChangeModel();
      const staleRev = Change.revisionForInst({ id: 'm1', name: 'something else' });
      const update = { type: 'update', change: { modelId: 'm1', prev: staleRev, rev: 'r2' }, data: { id: 'm1', name: 'overwritten' } };
      await expect(Server.bulkUpdate([update])).rejects.toMatchObject({ statusCode: 409, code: 'REPLICATION_CONFLICT', details: { conflicts: [expect.objectContaining({ modelId: 'm1' })] } });
      expect((await Server.findById(car.id)).name).toBe('one');
    });
  });
}
