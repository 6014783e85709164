import request from 'supertest';
import { describeStore, STORES } from '../connectors/stores';
import { authApp } from '../support/auth-app';

/**
 * Two user models in one app (issue 16, item 2): `Member` and `Staff` both extend User, so each
 * has its own user 1, 2, 3. Every access decision compares the pair (model, id): a Staff token is
 * never Member 1, whatever its id. Over REST, on every store.
 */
const OWNER_ONLY = [
  { principalType: 'ROLE', principalId: '$everyone', permission: 'DENY' },
  { principalType: 'ROLE', principalId: '$authenticated', permission: 'ALLOW', property: 'create' },
  { principalType: 'ROLE', principalId: '$owner', permission: 'ALLOW' },
];
const DENY_ALL = [{ principalType: 'ROLE', principalId: '$everyone', permission: 'DENY' }];
const MODELS = [
  'Member',
  'Staff',
  'Diary',
  'Secret',
  'Memo',
  'Note',
  'AccessToken',
  'ACL',
  'Role',
  'RoleMapping',
];

/** Both token formats decide the same: the suites run with stored tokens and with JWTs (memory store). */
type TokenFormat = 'stored' | 'jwt';

async function makeApp(settings: Record<string, unknown>, sql: boolean, format: TokenFormat = 'stored') {
  const { app } = authApp(
    (reg) => [
      reg.createModel({ name: 'Member', base: 'User', saltWorkFactor: 4 }),
      reg.createModel({ name: 'Staff', base: 'User', saltWorkFactor: 4 }),
      // Member-owned rows: belongsTo Member.
      reg.createModel({
        name: 'Diary',
        properties: { text: 'string', memberId: 'number' },
        relations: { member: { type: 'belongsTo', model: 'Member', foreignKey: 'memberId' } },
        acls: OWNER_ONLY,
      }),
      // Open only to the role `vip` (mapped in each test) and to ACL rows naming a user.
      reg.createModel({
        name: 'Secret',
        properties: { text: 'string' },
        acls: [...DENY_ALL, { principalType: 'ROLE', principalId: 'vip', permission: 'ALLOW' }],
      }),
      // Owned through a plain `userId` property, no relation: which user model is meant is unknown.
      reg.createModel({ name: 'Memo', properties: { text: 'string', userId: 'number' }, acls: OWNER_ONLY }),
      // Owned through a relation to the built-in User: ambiguous with two user models.
      reg.createModel({
        name: 'Note',
        properties: { text: 'string', userId: 'number' },
        relations: { user: { type: 'belongsTo', model: 'User', foreignKey: 'userId' } },
        acls: OWNER_ONLY,
      }),
    ],
    settings,
    { currentUserLiteral: 'me' },
  );
  if (format === 'jwt') app.set('accessTokenFormat', 'jwt');
  // The built-in User, attached as `enableAuth({dataSource})` does in LB3 apps.
  app.model(app.registry.getModel('User'), { dataSource: 'db', public: false });
  if (sql) await app.dataSources.db.automigrate([...MODELS, 'User']);
  const { Member, Staff, Diary, Memo, Note } = app.models;
  const member: string[] = [];
  const staff: string[] = [];
  for (const n of [1, 2, 3]) {
    await Member.create({ email: `m${n}@example.com`, password: 'same-secret' });
    await Staff.create({ email: `s${n}@example.com`, password: 'same-secret' });
    member.push((await Member.login({ email: `m${n}@example.com`, password: 'same-secret' })).id);
    staff.push((await Staff.login({ email: `s${n}@example.com`, password: 'same-secret' })).id);
  }
  await Diary.create({ text: 'dear diary', memberId: 1 });
  await app.models.Secret.create({ text: 'the vault code' });
  await Memo.create({ text: 'memo of user 1', userId: 1 });
  await Note.create({ text: 'note of user 1', userId: 1 });
  const Role = app.models.Role;
  const vip = await Role.create({ name: 'vip' });
  return { app, Diary, Member, Staff, Role, vip, member, staff };
}

const MEMORY = STORES.find((s) => s.name === 'memory')!;
const RUNS: Array<[(typeof STORES)[number], TokenFormat]> = [
  ...STORES.map((s): [(typeof STORES)[number], TokenFormat] => [s, 'stored']),
  [MEMORY, 'jwt'],
];

for (const [store, format] of RUNS) {
  const describeRun = (fn: () => void) =>
    format === 'jwt' ? describe('memory, JWT access tokens', fn) : describeStore(store, fn);
  describeRun(() => {
    let h: Awaited<ReturnType<typeof makeApp>>;
    beforeAll(async () => {
      h = await makeApp(store.settings, store.name !== 'memory', format);
      if (format === 'jwt') expect(h.member[0].split('.')).toHaveLength(3);
    }, 60000);
    afterAll(async () => {
      await h?.app.dataSources.db.disconnect?.();
    });
    afterEach(async () => {
      await h.app.models.RoleMapping.destroyAll();
      await h.app.models.ACL.destroyAll();
    });

    it("Staff 1 is not the $owner of Member 1's rows: no read, no write, the store unchanged", async () => {
      const mine = await request(h.app).get('/api/Diaries/1').set('Authorization', h.member[0]);
      expect([mine.status, mine.body.text]).toEqual([200, 'dear diary']);
      const read = await request(h.app).get('/api/Diaries/1').set('Authorization', h.staff[0]);
      expect([read.status, read.body.error?.code]).toEqual([401, 'AUTHORIZATION_REQUIRED']);
      const patch = await request(h.app)
        .patch('/api/Diaries/1')
        .set('Authorization', h.staff[0])
        .send({ text: 'forged' });
      expect(patch.status).toBe(401);
      const del = await request(h.app).delete('/api/Diaries/1').set('Authorization', h.staff[0]);
      expect(del.status).toBe(401);
      expect((await h.Diary.findById(1))?.text).toBe('dear diary');
    });

    it('Staff 1 is not Member 1: /Members/1 is closed to her', async () => {
      const own = await request(h.app).get('/api/Members/1').set('Authorization', h.member[0]);
      expect(own.status).toBe(200);
      const read = await request(h.app).get('/api/Members/1').set('Authorization', h.staff[0]);
      expect(read.status).toBe(401);
      const patch = await request(h.app)
        .patch('/api/Members/1')
        .set('Authorization', h.staff[0])
        .send({ username: 'taken' });
      expect(patch.status).toBe(401);
      expect((await h.Member.findById(1)).username ?? null).toBeNull();
    });

    it("`me` is the token's user under its own model's path only", async () => {
      const member = await request(h.app).get('/api/Members/me').set('Authorization', h.member[0]);
      expect([member.status, member.body.email]).toEqual([200, 'm1@example.com']);
      const staff = await request(h.app).get('/api/Staffs/me').set('Authorization', h.staff[0]);
      expect([staff.status, staff.body.email]).toEqual([200, 's1@example.com']);
      const crossed = await request(h.app).get('/api/Members/me').set('Authorization', h.staff[0]);
      expect(crossed.status).toBe(401);
      expect(crossed.text).not.toContain('m1@example.com');
    });

    it("a Staff token cannot create a row in Member 1's name (owner key): 400, nothing stored", async () => {
      const before = await h.Diary.count();
      const res = await request(h.app)
        .post('/api/Diaries')
        .set('Authorization', h.staff[0])
        .send({ text: 'planted', memberId: 1 });
      expect([res.status, res.body.error?.code]).toEqual([400, 'PROPERTY_NOT_WRITABLE']);
      expect(await h.Diary.count()).toBe(before);
      const own = await request(h.app)
        .post('/api/Diaries')
        .set('Authorization', h.member[1])
        .send({ text: 'mine', memberId: 2 });
      expect([own.status, own.body.memberId]).toEqual([200, 2]);
      await h.Diary.destroyById(own.body.id);
    });

    it('with two user models, an ownerId/userId property or a relation to the base User owns nothing', async () => {
      for (const token of [h.member[0], h.staff[0]]) {
        expect((await request(h.app).get('/api/Memos/1').set('Authorization', token)).status).toBe(401);
        expect((await request(h.app).get('/api/Notes/1').set('Authorization', token)).status).toBe(401);
      }
    });

    it('a RoleMapping {USER, 3} gives the role to neither Staff 3 nor Member 3: USER names no model here', async () => {
      await h.vip.principals.create({ principalType: 'USER', principalId: '3' });
      expect((await request(h.app).get('/api/Secrets').set('Authorization', h.staff[2])).status).toBe(401);
      expect((await request(h.app).get('/api/Secrets').set('Authorization', h.member[2])).status).toBe(401);
    });

    it('a RoleMapping naming the model {Member, 3} gives the role to Member 3 only', async () => {
      await h.vip.principals.create({ principalType: 'Member', principalId: '3' });
      const member = await request(h.app).get('/api/Secrets').set('Authorization', h.member[2]);
      expect([member.status, member.body.map((s: any) => s.text)]).toEqual([200, ['the vault code']]);
      expect((await request(h.app).get('/api/Secrets').set('Authorization', h.staff[2])).status).toBe(401);
    });

    it('ACL rows with a user principal compare the model too', async () => {
      const ACL = h.app.models.ACL;
      await ACL.create({
        model: 'Secret',
        property: '*',
        accessType: '*',
        permission: 'ALLOW',
        principalType: 'USER',
        principalId: '2',
      });
      await ACL.create({
        model: 'Secret',
        property: '*',
        accessType: '*',
        permission: 'ALLOW',
        principalType: 'Staff',
        principalId: '1',
      });
      expect((await request(h.app).get('/api/Secrets').set('Authorization', h.member[1])).status).toBe(401);
      expect((await request(h.app).get('/api/Secrets').set('Authorization', h.staff[1])).status).toBe(401);
      expect((await request(h.app).get('/api/Secrets').set('Authorization', h.staff[0])).status).toBe(200);
      expect((await request(h.app).get('/api/Secrets').set('Authorization', h.member[0])).status).toBe(401);
    });

    it("a Staff token cannot change Member 1's password, even knowing it: 403, as LB3", async () => {
      const res = await request(h.app)
        .post('/api/Members/change-password')
        .set('Authorization', h.staff[0])
        .send({ oldPassword: 'same-secret', newPassword: 'stolen-secret' });
      expect(res.status).toBe(403);
      expect(await (await h.Member.findById(1)).hasPassword('same-secret')).toBe(true);
    });

    it("a password change ends the sessions of that user model only, not Staff 2's", async () => {
      const Token = h.app.models.AccessToken;
      const extra = (await h.Member.login({ email: 'm2@example.com', password: 'same-secret' })).id;
      const res = await request(h.app)
        .post('/api/Members/change-password')
        .set('Authorization', extra)
        .send({ oldPassword: 'same-secret', newPassword: 'new-secret' });
      expect(res.status).toBe(204);
      expect((await request(h.app).get('/api/Members/2').set('Authorization', h.member[1])).status).toBe(401);
      expect((await request(h.app).get('/api/Staffs/2').set('Authorization', h.staff[1])).status).toBe(200);
      expect((await request(h.app).get('/api/Members/2').set('Authorization', extra)).status).toBe(200);
      if (format === 'stored') {
        expect(await Token.findById(h.member[1])).toBeNull();
        expect(await Token.findById(h.staff[1])).not.toBeNull();
      }
      await (await h.Member.findById(2)).setPassword('same-secret');
    });
  });
}

/** One user model (`Member`, beside the built-in User it extends): LB3's single-user rules hold. */
describe.each(['stored', 'jwt'] as const)('one user model (%s tokens)', (format) => {
  async function singleApp() {
    const { app } = authApp((reg) => [
      reg.createModel({ name: 'Member', base: 'User', saltWorkFactor: 4 }),
      reg.createModel({
        name: 'Album',
        properties: { title: 'string', userId: 'number' },
        relations: { user: { type: 'belongsTo', model: 'User', foreignKey: 'userId' } },
        acls: OWNER_ONLY,
      }),
      reg.createModel({ name: 'Memo', properties: { text: 'string', ownerId: 'number' }, acls: OWNER_ONLY }),
      reg.createModel({
        name: 'Secret',
        properties: { text: 'string' },
        acls: [...DENY_ALL, { principalType: 'ROLE', principalId: 'vip', permission: 'ALLOW' }],
      }),
    ]);
    if (format === 'jwt') app.set('accessTokenFormat', 'jwt');
    app.model(app.registry.getModel('User'), { dataSource: 'db', public: false });
    const { Member, Album, Memo, Role } = app.models;
    const tokens: string[] = [];
    for (const n of [1, 2]) {
      await Member.create({ email: `m${n}@example.com`, password: 'same-secret' });
      tokens.push((await Member.login({ email: `m${n}@example.com`, password: 'same-secret' })).id);
    }
    await Album.create({ title: 'holidays', userId: 1 });
    await Memo.create({ text: 'memo', ownerId: 1 });
    await (await Role.create({ name: 'vip' })).principals.create({ principalType: 'USER', principalId: '2' });
    return { app, tokens };
  }

  it('a relation to the base User, an ownerId property and a {USER, id} mapping all name the Member', async () => {
    const { app, tokens } = await singleApp();
    for (const path of ['/api/Albums/1', '/api/Memos/1']) {
      expect((await request(app).get(path).set('Authorization', tokens[0])).status).toBe(200);
      expect((await request(app).get(path).set('Authorization', tokens[1])).status).toBe(401);
    }
    const album = await request(app)
      .post('/api/Albums')
      .set('Authorization', tokens[1])
      .send({ title: 'mine', userId: 2 });
    expect([album.status, album.body.userId]).toEqual([200, 2]);
    const forged = await request(app)
      .post('/api/Albums')
      .set('Authorization', tokens[1])
      .send({ title: 'forged', userId: 1 });
    expect([forged.status, forged.body.error?.code]).toEqual([400, 'PROPERTY_NOT_WRITABLE']);
    expect((await request(app).get('/api/Secrets').set('Authorization', tokens[1])).status).toBe(200);
    expect((await request(app).get('/api/Secrets').set('Authorization', tokens[0])).status).toBe(401);
  });
});

/** The server API with LB3's plain contexts, and LB3's `ownerRelations` setting. */
describe('Role.isInRole with a plain context', () => {
  it('types the principal by its model: OneUser 1 owns her album, AnotherUser 1 and USER 1 do not', async () => {
    const { app } = authApp((reg) => [
      reg.createModel({ name: 'OneUser', base: 'User', saltWorkFactor: 4 }),
      reg.createModel({ name: 'AnotherUser', base: 'User', saltWorkFactor: 4 }),
      reg.createModel({
        name: 'Album',
        properties: { name: 'string', userId: 'number', owner: 'number' },
        relations: { user: { type: 'belongsTo', model: 'OneUser', foreignKey: 'userId' } },
      }),
      reg.createModel({
        name: 'Message',
        properties: { text: 'string', senderId: 'number', receiverId: 'number' },
        relations: {
          sender: { type: 'belongsTo', model: 'OneUser', foreignKey: 'senderId' },
          receiver: { type: 'belongsTo', model: 'OneUser', foreignKey: 'receiverId' },
        },
        ownerRelations: ['receiver'],
      }),
      reg.createModel({ name: 'Loose', properties: { userId: 'number' }, ownerRelations: true }),
    ]);
    const { Role, OneUser, AnotherUser, Album, Message, Loose } = app.models;
    await OneUser.create({ email: 'one@example.com', password: 'secret' });
    await AnotherUser.create({ email: 'another@example.com', password: 'secret' });
    const album = await Album.create({ name: 'a', userId: 1, owner: 1 });
    const owner = (principalType: string, model: unknown, id: unknown) =>
      Role.isInRole(Role.OWNER, { principalType, principalId: 1, model, id });
    expect(await owner('OneUser', Album, album.id)).toBe(true);
    expect(await owner('AnotherUser', Album, album.id)).toBe(false);
    expect(await owner('USER', Album, album.id)).toBe(false);
    expect(await owner('OneUser', 'OneUser', 1)).toBe(true);
    expect(await owner('AnotherUser', 'OneUser', 1)).toBe(false);
    expect(await Role.isInRole(Role.AUTHENTICATED, { principalType: 'OneUser', principalId: 1 })).toBe(true);
    expect(await Role.isInRole(Role.UNAUTHENTICATED, { principalType: 'OneUser', principalId: 1 })).toBe(
      false,
    );
    // ownerRelations: only the named relations make an owner, and no userId/owner fallback.
    const sent = await Message.create({ text: 'hi', senderId: 1, receiverId: 2 });
    const received = await Message.create({ text: 'hi', senderId: 2, receiverId: 1 });
    expect(await owner('OneUser', Message, sent.id)).toBe(false);
    expect(await owner('OneUser', Message, received.id)).toBe(true);
    const loose = await Loose.create({ userId: 1 });
    expect(await owner('USER', Loose, loose.id)).toBe(false);
  });

  it("a relation defined by its name finds its model as LB3 does: hasMany('albums') relates Album", async () => {
    const { app } = authApp((reg) => [
      reg.createModel({ name: 'OneUser', base: 'User', saltWorkFactor: 4 }),
      reg.createModel({ name: 'Album', properties: { name: 'string', oneUserId: 'number' } }),
    ]);
    const { OneUser, Album } = app.models;
    OneUser.hasMany('albums', { foreignKey: 'oneUserId' });
    expect(OneUser.relations.albums.modelTo).toBe(Album);
    const user = await OneUser.create({ email: 'one@example.com', password: 'secret' });
    await user.albums.create({ name: 'first' });
    expect((await user.albums()).map((a: any) => a.name)).toEqual(['first']);
  });
});
