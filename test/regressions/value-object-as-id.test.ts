import request from 'supertest';
import loopback from '../../src';
import { STORES, describeStore } from '../connectors/stores';

/**
 * Cause: server code that holds an id as an object standing for a string (a MongoDB ObjectID, or
 * LB3's own test's `{toString() {…}}`) could not save or look up the instance: the where clause
 * read the object as an operator object ("unknown operator toString") and the write guard as an
 * operator injection (400 INVALID_VALUE). LB3 stored and matched such an id as its text. A request
 * body cannot make such an object (JSON has no functions), so the guard still refuses
 * `{"id": {"toString": "x"}}` from a client.
 */
const ID = '58be263abc88dd483956030a';
const objectId = (): { toString(): string } => ({ toString: () => ID });

for (const store of STORES) {
  describeStore(store, () => {
    let app: any;
    let Doc: any;

    beforeAll(async () => {
      app = loopback({ localRegistry: true, loadBuiltinModels: true });
      app.dataSource('db', { ...store.settings });
      Doc = app.registry.createModel({
        name: 'ValueObjectIdDoc',
        properties: { pk: { type: 'string', id: true }, title: 'string' },
        options: { forceId: false },
      });
      app.model(Doc, { dataSource: 'db' });
      app.use('/api', loopback.rest());
      await app.dataSources.db.automigrate('ValueObjectIdDoc');
    }, 30000);

    afterAll(async () => {
      await app.dataSources.db.disconnect?.();
    });

    beforeEach(async () => {
      await Doc.destroyAll();
    });

    it('saves an instance whose id is set to an object standing for a string, as its text', async () => {
      const doc = await Doc.create({ pk: ID, title: 'before' });
      doc.pk = objectId();
      doc.title = 'after';
      await doc.save();
      expect(doc.pk).toBe(ID);
      const rows = await Doc.find();
      expect(rows.map((r: any) => r.toObject())).toEqual([{ pk: ID, title: 'after' }]);
    });

    it('matches such an id in a where clause by its text', async () => {
      await Doc.create({ pk: ID, title: 'one' });
      const found = await Doc.findOne({ where: { pk: objectId() } });
      expect(found?.title).toBe('one');
      expect(await Doc.count({ pk: { inq: [objectId()] } })).toBe(1);
    });

    it('still refuses an object id from a request body, and stores nothing', async () => {
      const res = await request(app)
        .post('/api/ValueObjectIdDocs')
        .send({ pk: { toString: 'x' }, title: 't' });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('INVALID_VALUE');
      expect(await Doc.count()).toBe(0);
      const query = await request(app)
        .get('/api/ValueObjectIdDocs')
        .query({ filter: JSON.stringify({ where: { pk: { toString: 'x' } } }) });
      expect(query.status).toBe(400);
      expect(query.body.error.code).toBe('INVALID_FILTER');
    });
  });
}
