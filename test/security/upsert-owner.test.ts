import request from 'supertest';
import { authApp } from '../support/auth-app';

/**
 * `PUT /Models` and `PATCH /Models` (replaceOrCreate, upsert) write the record whose id their body
 * carries, so `$owner` is judged on that record, as LB3 did (it read the id from the body). Only
 * these two: the body's or query's id of any other call (a find, an updateAll) never makes it a
 * call on the caller's own record. Under `forceId` a body id names an existing record or is 404.
 */
const OWNER_WRITES = [
  { principalType: 'ROLE', principalId: '$everyone', permission: 'DENY' },
  { principalType: 'ROLE', principalId: '$owner', permission: 'ALLOW' },
];

async function makeApp() {
  const { app, models } = authApp((reg) => [
    reg.createModel({ name: 'Member', base: 'User', saltWorkFactor: 4, acls: OWNER_WRITES }),
    reg.createModel({
      name: 'Note',
      properties: { text: 'string', memberId: 'number' },
      relations: { member: { type: 'belongsTo', model: 'Member', foreignKey: 'memberId' } },
      acls: OWNER_WRITES,
    }),
  ]);
  const [Member, Note] = models;
  const tokens: Record<string, string> = {};
  for (const name of ['ann', 'bob']) {
    await Member.create({ email: `${name}@example.com`, password: `${name}-secret` });
    tokens[name] = (await Member.login({ email: `${name}@example.com`, password: `${name}-secret` })).id;
  }
  await Note.create({ text: "ann's", memberId: 1 });
  await Note.create({ text: "bob's", memberId: 2 });
  return { app, Member, Note, tokens };
}

describe('upsert and replaceOrCreate: $owner of the body id', () => {
  let h: Awaited<ReturnType<typeof makeApp>>;
  beforeEach(async () => {
    h = await makeApp();
  });

  const send = (verb: 'put' | 'patch', path: string, token: string, body: unknown) => {
    const call = request(h.app)[verb](path);
    return call.set('Authorization', token).send(body as object);
  };

  it('the owner replaces and patches her own record through PUT/PATCH /Models', async () => {
    const put = await send('put', '/api/Notes', h.tokens.ann, { id: 1, text: 'replaced', memberId: 1 });
    expect([put.status, put.body.text]).toEqual([200, 'replaced']);
    const patch = await send('patch', '/api/Notes', h.tokens.ann, { id: 1, text: 'patched' });
    expect([patch.status, patch.body.text]).toEqual([200, 'patched']);
    const me = await send('patch', '/api/Members', h.tokens.ann, { id: 1, username: 'annie' });
    expect([me.status, me.body.username]).toEqual([200, 'annie']);
  });

  it("another user's record, or one that does not exist, is 401 and nothing changes", async () => {
    for (const [verb, body] of [
      ['put', { id: 2, text: 'taken', memberId: 2 }],
      ['patch', { id: 2, text: 'taken' }],
      ['put', { id: 99, text: 'made' }],
    ] as const) {
      const res = await send(verb, '/api/Notes', h.tokens.ann, body);
      expect([verb, res.status, res.body.error?.code]).toEqual([verb, 401, 'AUTHORIZATION_REQUIRED']);
    }
    const other = await send('patch', '/api/Members', h.tokens.ann, { id: 2, username: 'taken' });
    expect(other.status).toBe(401);
    expect((await h.Note.find({ order: 'id' })).map((n: any) => n.text)).toEqual(["ann's", "bob's"]);
    expect(await h.Note.count()).toBe(2);
    expect((await h.Member.findById(2)).username).toBeUndefined();
  });

  it('the id of another call (updateAll, find) is not its target: still 401', async () => {
    const all = await request(h.app)
      .post('/api/Notes/update')
      .query({ where: '{}' })
      .set('Authorization', h.tokens.ann)
      .send({ id: 1, text: 'everyone' });
    expect(all.status).toBe(401);
    expect(
      (await request(h.app).get('/api/Notes').query({ id: 1 }).set('Authorization', h.tokens.ann)).status,
    ).toBe(401);
    expect((await h.Note.find({ order: 'id' })).map((n: any) => n.text)).toEqual(["ann's", "bob's"]);
  });

  it('a user replacing her own record after it was deleted gets 404 MODEL_NOT_FOUND (forceId: never a create), as LB3', async () => {
    h.Member.beforeRemote(
      'replaceOrCreate',
      (_ctx: unknown, _unused: unknown, next: (err?: unknown) => void) => {
        h.Member.deleteById(1).then(() => next(), next);
      },
    );
    const res = await send('put', '/api/Members', h.tokens.ann, { id: 1, email: 'ann@example.com' });
    expect([res.status, res.body.error?.code]).toEqual([404, 'MODEL_NOT_FOUND']);
    expect(await h.Member.count()).toBe(1);
  });
});
