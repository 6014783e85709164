import request from 'supertest';
import loopback from '../../../src';

/** A model's `http.path` as LB3 takes it: several segments, no leading slash, percent-encoded. */
function serve(path: string) {
  const app: any = loopback({ localRegistry: true });
  app.dataSource('db', { connector: 'memory' });
  const Note = app.registry.createModel('Note', { text: String }, { http: { path } });
  app.model(Note, { dataSource: 'db' });
  app.use(loopback.rest());
  return { app, Note };
}

describe('model http paths', () => {
  it('serves a path of several segments given without a leading slash', async () => {
    const { app, Note } = serve('domain1/Notes');
    await Note.create({ text: 'a' });
    const res = await request(app).get('/domain1/Notes');
    expect(res.status).toBe(200);
    expect(res.body.map((n: any) => n.text)).toEqual(['a']);
    const created = await request(app).post('/domain1/Notes').send({ text: 'b' });
    expect(created.status).toBe(200);
    expect((await request(app).get(`/domain1/Notes/${created.body.id}`)).body.text).toBe('b');
    expect(
      app
        .handler('rest')
        .adapter.getClasses()
        .find((c: any) => c.name === 'Note')
        .getPath(),
    ).toBe('/domain1/Notes');
  });

  it('serves a percent-encoded path as requested in its encoded form', async () => {
    const { app } = serve('domain%20one/Notes');
    expect((await request(app).get('/domain%20one/Notes')).status).toBe(200);
    expect((await request(app).get('/domain1/Notes')).status).toBe(404);
  });
});
