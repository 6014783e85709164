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
      // Every model's writes on the feed, polled often on MariaDB (the default is 200 ms).
      ds = new DataSource(
        'db',
        { ...store.settings, changeFeed: true, changeFeedInterval: 50 },
        createModelBuilder(),
      );
      Score = ds.createModel(
        'CsScore',
        { team: 'string', player: 'string', value: 'number', secret: 'string' },
        { hidden: ['secret'] } as any,
      );
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
      stream.on('data', (change: any) =>
        seen.push({ ...change, json: json(change.data), secret: change.data?.secret }),
      );
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

    const describeFeed = store.features.shared ? describe : describe.skip;
    describeFeed(
      "across processes (another data source on the same store stands for another worker; the memory store is one process's own)",
      () => {
        let other: DataSource;
        let OtherScore: any;

        beforeAll(async () => {
          other = new DataSource(
            'db',
            { ...store.settings, changeFeed: true, changeFeedInterval: 50 },
            createModelBuilder(),
          );
          OtherScore = other.createModel(
            'CsScore',
            { team: 'string', player: 'string', value: 'number', secret: 'string' },
            { hidden: ['secret'] } as any,
          );
        });

        afterAll(async () => {
          await other?.disconnect();
        });

        /** Waits until `count` changes came (the feed is asynchronous: NOTIFY, or the next poll). */
        function take(stream: any, count: number): Promise<any[]> {
          const seen: any[] = [];
          return new Promise((resolve, reject) => {
            const timer = setTimeout(
              () =>
                reject(new Error(`only ${seen.length} of ${count} changes came: ${JSON.stringify(seen)}`)),
              4000,
            );
            stream.on('data', (c: any) => {
              seen.push({
                type: c.type,
                target: c.target,
                where: c.where,
                data: c.data === undefined ? undefined : json(c.data),
              });
              if (seen.length === count) {
                clearTimeout(timer);
                resolve(seen);
              }
            });
          });
        }

        it('hears the creates, updates and removes made through the other one, with the data read from the store, hidden properties left out', async () => {
          const stream = await Score.createChangeStream();
          const came = take(stream, 4);
          const s = await OtherScore.create({ team: 'far', value: 1, secret: 's' });
          await s.updateAttributes({ value: 2 });
          await OtherScore.updateAll({ team: 'far' }, { value: 3, secret: 'patched' });
          await OtherScore.deleteById(s.id);
          const seen = await came;
          stream.destroy();
          expect(seen.map((c) => [c.type, c.target])).toEqual([
            ['create', s.id],
            ['update', s.id],
            ['create', undefined],
            ['remove', s.id],
          ]);
          // A bulk update carries its patch; an instance's data is read when its notice arrives: the row
          // as it is then, none once it is gone (here the row may be deleted before the create is read).
          expect(seen[2]).toMatchObject({ where: { team: 'far' }, data: { value: 3 } });
          for (const c of [seen[0], seen[1]])
            if (c.data !== undefined) expect(c.data).toMatchObject({ id: s.id, team: 'far' });
          expect(seen.every((c) => c.data === undefined || !('secret' in c.data))).toBe(true);
          expect(seen[3].where).toEqual({ id: s.id });
        });

        it('does not hear its own writes twice, applies where and fields, and hears nothing once destroyed', async () => {
          const stream = await Score.createChangeStream({
            where: { player: 'bar' },
            fields: ['team', 'value'],
          });
          const came = take(stream, 2);
          await Score.create({ team: 'here', player: 'bar', value: 1 });
          await OtherScore.create([
            { team: 'baz', player: 'baz', value: 1 },
            { team: 'there', player: 'bar', value: 2 },
          ]);
          const seen = await came;
          expect(seen.map((c) => [c.type, c.data])).toEqual([
            ['create', { team: 'here', value: 1 }],
            ['create', { team: 'there', value: 2 }],
          ]);
          const extra: unknown[] = [];
          stream.on('data', (c: unknown) => extra.push(c));
          stream.destroy();
          await OtherScore.create({ team: 'late', player: 'bar', value: 9 });
          await new Promise((resolve) => setTimeout(resolve, 400));
          expect(extra).toEqual([]);
        });

        it("leaves an untracked model on a data source without changeFeed to its own process's writes (no listening, no polling)", async () => {
          const plain = new DataSource(
            'db',
            { ...store.settings, changeFeedInterval: 50 },
            createModelBuilder(),
          );
          const PlainScore: any = plain.createModel('CsScore', {
            team: 'string',
            player: 'string',
            value: 'number',
            secret: 'string',
          });
          try {
            const stream = await PlainScore.createChangeStream();
            const seen: any[] = [];
            stream.on('data', (c: any) => seen.push(c.type));
            await OtherScore.create({ team: 'elsewhere' });
            await PlainScore.create({ team: 'here' });
            await new Promise((resolve) => setTimeout(resolve, 400));
            stream.destroy();
            expect(seen).toEqual(['create']);
          } finally {
            await plain.disconnect();
          }
        });

        it('carries a write made in a transaction only once it commits, and never one rolled back', async () => {
          const stream = await Score.createChangeStream();
          const came = take(stream, 1);
          const rolled = await OtherScore.beginTransaction({});
          await OtherScore.create({ team: 'rolled back' }, { transaction: rolled });
          await rolled.rollback();
          const kept = await OtherScore.beginTransaction({});
          const made = await OtherScore.create({ team: 'committed' }, { transaction: kept });
          await kept.commit();
          const seen = await came;
          await new Promise((resolve) => setTimeout(resolve, 300));
          stream.destroy();
          expect(seen.map((c) => [c.type, c.target, c.data?.team])).toEqual([
            ['create', made.id, 'committed'],
          ]);
        });
      },
    );

    it('answers through a callback too, and refuses a bad where with 400 before making a stream', async () => {
      const stream = await new Promise<any>((resolve, reject) =>
        Score.createChangeStream((err: unknown, s: unknown) => (err ? reject(err) : resolve(s))),
      );
      expect(typeof stream.on).toBe('function');
      stream.destroy();
      await expect(
        Score.createChangeStream({ where: { value: { inq: 'not a list' } } }),
      ).rejects.toMatchObject({ statusCode: 400, code: 'INVALID_FILTER' });
      expect(Score._observers['after delete']).toHaveLength(0);
    });
  });
}
