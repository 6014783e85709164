import { DataSource } from '../../src/juggler/datasource';
import { createModelBuilder } from '../../src/juggler/core-models';
import { describeStore, STORES } from './stores';

/**
 * `Model.createChangeStream([options])` on every store: one change per write, typed as LB3 types
 * them (create / update / remove) with the target id, the where of bulk writes, `options.where`
 * and `options.fields` applied, and the observers gone once the stream is destroyed.
 */

const json = (v: unknown) => JSON.parse(JSON.stringify(v));
const tick = () => new Promise((resolve) => setImmediate(resolve));

for (const store of STORES) {
  describeStore(store, () => {
    let ds: DataSource;
    let Score: any;

    beforeAll(async () => {
      ds = new DataSource('db', store.settings, createModelBuilder());
      Score = ds.createModel('CsScore', { team: 'string', player: 'string', value: 'number', secret: 'string' }, { hidden: ['secret'] } as any);
      await ds.automigrate(['CsScore']);
    });

    afterAll(async () => {
      await ds?.disconnect();
    });

    beforeEach(async () => {
      await Score.destroyAll();
    });

    async function collect(options: object | undefined, writes: () => Promise<unknown>): Promise<any[]> {
      const stream = await Score.createChangeStream(options);
      const seen: any[] = [];
      // The data of a save is the live instance, as LB3: snapshot it as it came.
      stream.on('data', (change: any) => seen.push({ ...change, json: json(change.data), secret: change.data?.secret }));
      await writes();
      await tick();
      stream.destroy();
      return seen;
    }

    it('reports creates, updates and removes with their target ids, and bulk writes with their where (typed as LB3 types them)', async () => {
      let id: unknown;
      const seen = await collect(undefined, async () => {
        const s = await Score.create({ team: 'a', value: 1, secret: 's' });
        id = s.id;
        await s.updateAttributes({ value: 2 });
        await Score.updateAll({ team: 'a' }, { value: 3 });
        await s.destroy();
      });
      expect(seen.map((c) => [c.type, c.target])).toEqual([
        ['create', id],
        ['update', id],
        // LB3 types a bulk update by its target: with no id in the patch or where, 'create'.
        ['create', undefined],
        ['remove', id],
      ]);
      expect(seen[0].json).toEqual({ team: 'a', value: 1, id });
      expect(seen[0].secret).toBe('s');
      expect([seen[2].where, seen[2].json]).toEqual([{ team: 'a' }, { value: 3 }]);
      expect(seen[3].where).toEqual({ id });
    });

    it('applies options.where and options.fields to each change', async () => {
      const seen = await collect({ where: { player: 'bar' }, fields: ['team', 'value'] }, () =>
        Score.create([
          { team: 'baz', player: 'baz', value: 1 },
          { team: 'foo', player: 'bar', value: 3 },
        ]),
      );
      expect(seen.map((c) => [c.type, c.data])).toEqual([['create', { team: 'foo', value: 3 }]]);
    });

    it('leaves the model without its observers once destroyed, and emits nothing after', async () => {
      const before = Score._observers['after save']?.length ?? 0;
      const stream = await Score.createChangeStream();
      expect(Score._observers['after save']).toHaveLength(before + 1);
      const seen: any[] = [];
      stream.on('data', (c: any) => {
        seen.push(c);
        stream.destroy();
      });
      await Score.create({ team: 'x' });
      await Score.create({ team: 'y' });
      await Score.destroyAll();
      expect(seen).toHaveLength(1);
      expect(Score._observers['after save']).toHaveLength(before);
      expect(Score._observers['after delete']).toHaveLength(0);
    });

    it('answers through a callback too, and refuses a bad where with 400 before making a stream', async () => {
      const stream = await new Promise<any>((resolve, reject) => Score.createChangeStream((err: unknown, s: unknown) => (err ? reject(err) : resolve(s))));
      expect(typeof stream.on).toBe('function');
      stream.destroy();
      await expect(Score.createChangeStream({ where: { value: { inq: 'not a list' } } })).rejects.toMatchObject({ statusCode: 400, code: 'INVALID_FILTER' });
      expect(Score._observers['after delete']).toHaveLength(0);
    });
  });
}
