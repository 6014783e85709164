import { Registry } from '../../src/loopback/model-api/registry';
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
      registry = new Registry({ loadBuiltinModels: true });
      const db = registry.createDataSource('db', store.settings as any);
      const device = registry.createDataSource('device', { connector: 'memory' });
      const props = { id: { type: 'string', id: true, defaultFn: 'guid' }, name: 'string', qty: 'number' };
      Server = registry.createModel(`CtServer${n}`, props, {
        trackChanges: true,
        changeCleanupInterval: -1,
      } as any);
      Server.attachTo(db);
      Device = registry.createModel(`CtDevice${n}`, props, {
        trackChanges: true,
        changeCleanupInterval: -1,
      } as any);
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
      expect(ch).toMatchObject({
        modelName: Server.modelName,
        modelId: car.id,
        rev: Change.revisionForInst(car),
        checkpoint: 1,
      });
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

    it('keeps change records in step with updateAll by where, replaceById, upsert and save, and changes(since) by checkpoint', async () => {
      const Change = Server.getChangeModel();
      const a = await Server.create({ id: 'a', name: 'a', qty: 1 });
      await Server.create({ id: 'b', name: 'b', qty: 1 });
      await Server.checkpoint();
      await Server.updateAll({ qty: 1 }, { qty: 2 });
      await Server.replaceById('a', { name: 'a2' });
      await Server.upsert({ id: 'c', name: 'c' });
      a.name = 'a3';
      await a.save();
      const records = json(await Change.find()).sort((x: any, y: any) => x.modelId.localeCompare(y.modelId));
      const rows = byId(await Server.find());
      expect(records.map((c: any) => [c.modelId, c.rev])).toEqual(
        rows.map((r: any) => [r.id, Change.revisionForInst(r)]),
      );
      expect(records.map((c: any) => c.checkpoint)).toEqual([2, 2, 2]);
      expect((await Server.changes(2, {})).map((c: any) => c.modelId).sort()).toEqual(['a', 'b', 'c']);
      expect(await Server.changes(3, {})).toEqual([]);
    });

    it('keeps one change record per instance, matching the row, under concurrent writes', async () => {
      const Change = Server.getChangeModel();
      const car = await Server.create({ id: 'race', name: 'start', qty: 0 });
      await Promise.all(
        Array.from({ length: 8 }, (_, i) => Server.updateAll({ id: car.id }, { qty: i + 1 })),
      );
      const records = json(await Change.find({ where: { modelId: 'race' } }));
      expect(records).toHaveLength(1);
      expect(records[0].rev).toBe(Change.revisionForInst(await Server.findById('race')));
      // Concurrent writes of different instances neither wait on each other for good nor lose a record.
      await Promise.all(
        Array.from({ length: 10 }, (_, i) => Server.create({ id: `p${i}`, name: 'parallel', qty: i })),
      );
      expect(await Change.count({ modelId: { like: 'p%' } })).toBe(10);
    });

    if (!store.features.transactions) {
      it("keeps the write and reports a failed change record on the model's error event (LB3; the memory store has no transactions)", async () => {
        const Change = Server.getChangeModel();
        const refused = new Error('change store refused');
        Change.observe('persist', async () => {
          throw refused;
        });
        const reported: unknown[] = [];
        Server.on('error', (err: unknown) => reported.push(err));
        await Server.create({ id: 'kept', name: 'kept' });
        expect((await Server.findById('kept')).name).toBe('kept');
        expect(reported).toHaveLength(1);
        expect(String(reported[0])).toContain('change store refused');
      });
    } else {
      it('commits a write and its change record together: a failing change write rolls the write back and reaches the caller', async () => {
        const Change = Server.getChangeModel();
        await Server.create({ id: 'before', name: 'before', qty: 1 });
        const refused = new Error('change store refused');
        let refuse = true;
        Change.observe('persist', async () => {
          if (refuse) throw refused;
        });
        // As LB3 reports a failed rectify: 500 CHANGE_RECTIFY_FAILED holding the store's error.
        const failed = { statusCode: 500, code: 'CHANGE_RECTIFY_FAILED', details: { errors: [refused] } };
        await expect(Server.create({ id: 'new', name: 'new' })).rejects.toMatchObject(failed);
        await expect(Server.updateAll({ id: 'before' }, { name: 'changed' })).rejects.toMatchObject(failed);
        // A where naming no id rectifies every record (LB3's rectifyAllChanges): the store's error as is.
        await expect(Server.updateAll({ qty: 1 }, { name: 'changed by where' })).rejects.toBe(refused);
        const inst = await Server.findById('before');
        await expect(inst.updateAttributes({ qty: 5 })).rejects.toMatchObject(failed);
        await expect(Server.deleteById('before')).rejects.toMatchObject(failed);
        // Nothing of the refused writes is in the store: neither the rows nor their change records.
        expect(json(await Server.find()).map((r: any) => [r.id, r.name, r.qty])).toEqual([
          ['before', 'before', 1],
        ]);
        const records = json(await Change.find());
        expect(records.map((c: any) => [c.modelId, c.rev])).toEqual([
          ['before', Change.revisionForInst(await Server.findById('before'))],
        ]);
        refuse = false;
        await Server.create({ id: 'new', name: 'new' });
        expect((await Change.find()).map((c: any) => c.modelId).sort()).toEqual(['before', 'new']);
      });

      it("announces a tracked model's writes to the change streams of another data source on the store, with no setting, once committed", async () => {
        const far = new Registry({ loadBuiltinModels: true });
        const farDs = far.createDataSource('db', { ...store.settings, changeFeedInterval: 50 } as any);
        const Far = far.createModel(
          Server.modelName,
          { id: { type: 'string', id: true }, name: 'string', qty: 'number' },
          { trackChanges: true, changeCleanupInterval: -1 } as any,
        );
        Far.attachTo(farDs);
        const stream = await (Far as any).createChangeStream();
        const seen: any[] = [];
        stream.on('data', (c: any) => seen.push([c.type, c.target]));
        try {
          const tx = await Server.beginTransaction({});
          await Server.create({ id: 'rolled', name: 'x' }, { transaction: tx });
          await tx.rollback();
          await Server.create({ id: 'n1', name: 'one' });
          await Server.updateAll({ id: 'n1' }, { qty: 2 });
          await Server.deleteById('n1');
          for (let i = 0; i < 200 && seen.length < 3; i++) await new Promise((r) => setTimeout(r, 20));
          await new Promise((r) => setTimeout(r, 200));
          expect(seen).toEqual([
            ['create', 'n1'],
            ['update', 'n1'],
            ['remove', 'n1'],
          ]);
        } finally {
          stream.destroy();
          await farDs.disconnect();
        }
      });

      it("writes the change record in the caller's transaction: a rollback leaves neither row nor record, a commit both", async () => {
        const Change = Server.getChangeModel();
        let tx = await Server.beginTransaction({});
        await Server.create({ id: 'rolled', name: 'x' }, { transaction: tx });
        await tx.rollback();
        expect(await Server.findById('rolled')).toBeNull();
        expect(await Change.find()).toEqual([]);
        tx = await Server.beginTransaction({});
        await Server.create({ id: 'kept', name: 'y' }, { transaction: tx });
        await tx.commit();
        expect(json(await Change.find()).map((c: any) => c.modelId)).toEqual(['kept']);
      });
    }

    it('costs nothing on a model without trackChanges', async () => {
      expect(Plain.Change).toBeUndefined();
      expect(hasObservers(Plain, 'after save')).toBe(false);
      expect(hasObservers(Plain, 'after delete')).toBe(false);
      expect(() => Plain.getChangeModel()).toThrow(/Cannot get a setup Change model/);
    });

    it('replicates device → server and server → device, deletes included', async () => {
      await Device.create([
        { id: 'd1', name: 'one' },
        { id: 'd2', name: 'two' },
      ]);
      let conflicts = await Device.replicate(Server);
      expect(conflicts).toEqual([]);
      const names = (list: any[]) => byId(list).map((c: any) => [c.id, c.name]);
      expect(names(await Server.find())).toEqual([
        ['d1', 'one'],
        ['d2', 'two'],
      ]);
      expect(names(await Device.find())).toEqual([
        ['d1', 'one'],
        ['d2', 'two'],
      ]);

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
      for (const bad of [
        { not: 'an array' },
        [{ type: 'explode', change: {}, data: {} }],
        [{ type: 'update', change: { modelId: 'x1' } }],
        [{ type: 'delete', change: {} }],
      ]) {
        await expect(Server.bulkUpdate(bad)).rejects.toMatchObject({
          statusCode: 400,
          code: 'INVALID_UPDATE',
        });
      }
      expect(byId(await Server.find())).toEqual(before);
    });

    it('answers 409 with the conflicting change when the target moved under a bulk update', async () => {
      const car = await Server.create({ id: 'm1', name: 'one' });
      const Change = Server.getChangeModel();
      const staleRev = Change.revisionForInst({ id: 'm1', name: 'something else' });
      const update = {
        type: 'update',
        change: { modelId: 'm1', prev: staleRev, rev: 'r2' },
        data: { id: 'm1', name: 'overwritten' },
      };
      await expect(Server.bulkUpdate([update])).rejects.toMatchObject({
        statusCode: 409,
        code: 'REPLICATION_CONFLICT',
        details: { conflicts: [expect.objectContaining({ modelId: 'm1' })] },
      });
      expect((await Server.findById(car.id)).name).toBe('one');
    });
  });
}
