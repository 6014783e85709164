import http from 'http';
import request from 'supertest';
import { authApp } from '../support/auth-app';
import { subscribe } from '../support/sse-client';

/**
 * `GET|POST /<Models>/change-stream` as LB3 serves it: server-sent events (`:ok`, then one
 * `event: data` per write, JSON), `options` selecting the changes by where and fields. Beyond the
 * happy path: the model's READ ACL applies, hidden properties never travel (neither in a saved
 * instance nor in a bulk patch, nor as a where the client filters on), a bad where is 400 before
 * any stream starts, and a client going away drops the stream's observers.
 */

const ACLS = [
  { principalType: 'ROLE', principalId: '$everyone', permission: 'ALLOW', accessType: 'READ' },
  { principalType: 'ROLE', principalId: '$everyone', permission: 'ALLOW', accessType: 'WRITE' },
];

function makeApp() {
  const { app, models } = authApp((reg) => [
    reg.createModel({
      name: 'Score',
      properties: { team: 'string', value: 'number', secret: 'string' },
      hidden: ['secret'],
      acls: ACLS,
    }),
    reg.createModel({
      name: 'Vault',
      properties: { label: 'string' },
      acls: [{ principalType: 'ROLE', principalId: '$everyone', permission: 'DENY' }],
    }),
  ]);
  return { app, Score: models[0] };
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
}

describe('change streams over REST', () => {
  let h: ReturnType<typeof makeApp>;
  let server: http.Server;

  beforeAll(async () => {
    h = makeApp();
    await new Promise<void>((resolve) => {
      server = h.app.listen(0, '127.0.0.1', resolve);
    });
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  // Each test's subscriber is gone (its observers dropped) before the next starts.
  afterEach(async () => {
    await until(() => (h.Score._observers['after save']?.length ?? 0) === 0);
  });

  it('sends each write as a server-sent event, without hidden properties', async () => {
    const sub = await subscribe(server, '/api/Scores/change-stream');
    expect([sub.status, sub.contentType]).toEqual([200, 'text/event-stream']);
    const created = await request(h.app)
      .post('/api/Scores')
      .send({ team: 'a', value: 1, secret: 'pin' })
      .expect(200);
    await request(h.app)
      .post('/api/Scores/update')
      .query({ where: JSON.stringify({ team: 'a' }) })
      .send({ value: 2, secret: 'new-pin' })
      .expect(200);
    await request(h.app).delete(`/api/Scores/${created.body.id}`).expect(200);
    const events = await sub.events(3);
    sub.close();
    expect(sub.text().startsWith(':ok\n\n')).toBe(true);
    expect(sub.text()).not.toContain('pin');
    expect(events).toEqual([
      { type: 'create', target: created.body.id, data: { team: 'a', value: 1, id: created.body.id } },
      { type: 'create', where: { team: 'a' }, data: { value: 2 } },
      { type: 'remove', target: created.body.id, where: { id: created.body.id } },
    ]);
  });

  it('selects changes by options.where and narrows them by options.fields', async () => {
    const options = encodeURIComponent(JSON.stringify({ where: { team: 'b' }, fields: ['value'] }));
    const sub = await subscribe(server, `/api/Scores/change-stream?options=${options}`);
    await h.Score.create([
      { team: 'c', value: 1 },
      { team: 'b', value: 2 },
      { team: 'b', value: 3 },
    ]);
    const events = await sub.events(2);
    sub.close();
    expect(events.map((c: any) => [c.type, c.data])).toEqual([
      ['create', { value: 2 }],
      ['create', { value: 3 }],
    ]);
  });

  it('refuses a bad where, or one on a hidden property, with 400 before any stream', async () => {
    const observers = () => h.Score._observers['after save']?.length ?? 0;
    const before = observers();
    const bad = await request(h.app)
      .get('/api/Scores/change-stream')
      .query({ options: JSON.stringify({ where: { value: { inq: 'x' } } }) });
    expect([bad.status, bad.body.error.code]).toEqual([400, 'INVALID_FILTER']);
    const probing = await request(h.app)
      .get('/api/Scores/change-stream')
      .query({ options: JSON.stringify({ where: { secret: 'pin' } }) });
    expect([probing.status, probing.body.error.code]).toEqual([400, 'INVALID_FILTER']);
    expect(observers()).toBe(before);
  });

  it("honours the model's READ access control", async () => {
    const denied = await request(h.app).get('/api/Vaults/change-stream');
    expect([denied.status, denied.body.error.code]).toEqual([401, 'AUTHORIZATION_REQUIRED']);
  });

  it('drops the observers when the client goes away', async () => {
    const before = h.Score._observers['after save']?.length ?? 0;
    const sub = await subscribe(server, '/api/Scores/change-stream');
    await until(() => h.Score._observers['after save']?.length === before + 1);
    expect(h.Score._observers['after save']).toHaveLength(before + 1);
    sub.close();
    await until(() => h.Score._observers['after save'].length === before);
    expect(h.Score._observers['after save']).toHaveLength(before);
  });
});
