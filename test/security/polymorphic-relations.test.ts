import path from 'path';
import request from 'supertest';
import loopback from '../../src';
import { boot } from '../../src/boot';
import { STORES, StoreConfig, describeStore, REPO_ROOT } from '../connectors/stores';

/**
 * Polymorphic relations over REST (issue 16, items 1, 3 and 7), on an LB3 app folder
 * (test/fixtures/poly-app): comments belong to a Post, a Diary or a Member through LB3's
 * `commentable` pattern; pictures point at the models their relation's `models` setting lists.
 * Key properties refuse operator objects, a discriminator names only the relation's targets, the
 * target's READ ACL applies, and rows stored before these checks read as "no related instance".
 */
const APP_DIR = path.join(REPO_ROOT, 'test/fixtures/poly-app/server');
const MODELS = ['Member', 'Post', 'Diary', 'Comment', 'Picture', 'AccessToken', 'ACL', 'RoleMapping', 'Role'];
const WATCHED = ['Post', 'Diary', 'Comment', 'Picture', 'AccessToken'];

async function bootPolyApp(store: StoreConfig) {
  const app: any = loopback({ localRegistry: true, loadBuiltinModels: true });
  await boot(app, { appRootDir: APP_DIR, dataSources: { db: { name: 'db', ...store.settings } } });
  if (store.name !== 'memory') await app.dataSources.db.automigrate(MODELS);
  const { Member, Post, Diary, Comment, Picture } = app.models;
  const ann = await Member.create({ email: 'ann@example.com', password: 'ann-secret' });
  const bob = await Member.create({ email: 'bob@example.com', password: 'bob-secret' });
  const post = await Post.create({ title: 'hello', draft: 'unpublished draft' });
  const diary = await Diary.create({ text: "bob's secret", ownerId: bob.id });
  const onPost = await post.comments.create({ body: 'on the post' });
  const onDiary = await diary.comments.create({ body: 'on the diary' });
  const onBob = await bob.comments.create({ body: 'on bob' });
  const picture = await Picture.create({ url: 'post.png', imageableType: 'Post', imageableId: post.id });
  // Rows written before keys were checked (or by code going around the models): the store keeps
  // them. The polymorphic keys are `any` (Comment is defined before the models of its inverse
  // relations, as in the issue), so every store holds the operator object.
  const connector = app.dataSources.db.connector;
  const legacy = async (Model: any, row: Record<string, unknown>) =>
    connector.create(Model.definition, row, {});
  const stolen = await legacy(Comment, {
    body: 'legacy',
    commentableType: 'AccessToken',
    commentableId: { neq: null },
  });
  const ghostPicture = await legacy(Picture, { url: 'ghost.png', imageableType: 'Ghost', imageableId: 1 });
  const stolenPicture = await legacy(Picture, {
    url: 'token.png',
    imageableType: 'AccessToken',
    imageableId: { neq: null },
  });
  const annToken = (await Member.login({ email: 'ann@example.com', password: 'ann-secret' })).id;
  const bobToken = (await Member.login({ email: 'bob@example.com', password: 'bob-secret' })).id;
  return {
    app,
    ann,
    bob,
    post,
    diary,
    onPost,
    onDiary,
    onBob,
    picture,
    stolen,
    ghostPicture,
    stolenPicture,
    annToken,
    bobToken,
  };
}

async function snapshot(app: any): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const name of WATCHED) {
    const Model = app.models[name];
    out[name] = (await Model.find({ order: 'id ASC' })).map((r: any) => ({ ...r.__data }));
  }
  return out;
}

for (const store of STORES) {
  describeStore(store, () => {
    let h: Awaited<ReturnType<typeof bootPolyApp>>;
    beforeAll(async () => {
      h = await bootPolyApp(store);
    }, 60000);
    afterAll(async () => {
      await h?.app.dataSources.db.disconnect();
    });

    /** No response may carry an access token, whoever asks. */
    const noToken = (res: request.Response) => {
      expect(res.text).not.toContain(h.annToken);
      expect(res.text).not.toContain(h.bobToken);
    };

    it('the attack of issue 16: an AccessToken "commentable" with an operator id is refused, and no token leaves', async () => {
      const before = await snapshot(h.app);
      const res = await request(h.app)
        .post('/api/Comments')
        .set('Authorization', h.annToken)
        .send({ body: 'x', commentableType: 'AccessToken', commentableId: { neq: null } });
      expect([res.status, res.body.error.code]).toEqual([400, 'INVALID_VALUE']);
      expect(res.body.error.message).toContain('Comment.commentableId');
      expect(await snapshot(h.app)).toEqual(before);
      // The same row stored before the fix points at nothing.
      const read = await request(h.app)
        .get(`/api/Comments/${h.stolen}/commentable`)
        .set('Authorization', h.annToken);
      expect(read.status).toBe(200);
      expect(read.body).toBeNull();
      noToken(read);
      const pictures = await request(h.app).get(`/api/Pictures/${h.stolenPicture}/imageable`);
      expect([pictures.status, pictures.body]).toEqual([200, null]);
      noToken(pictures);
      expect(await (await h.app.models.Comment.findById(h.stolen)).commentable()).toBeNull();
    });

    it('every write refuses an object or array as a key (id, foreign key, discriminator): 400 INVALID_VALUE, nothing stored', async () => {
      const c = h.onPost.id;
      const writes: Array<[string, string, unknown, string]> = [
        [
          'post',
          '/api/Comments',
          { body: 'x', commentableType: 'Post', commentableId: { gt: 0 } },
          'commentableId',
        ],
        [
          'post',
          '/api/Comments',
          [
            { body: 'ok', commentableType: 'Post', commentableId: h.post.id },
            { body: 'x', commentableType: 'Post', commentableId: [1, 2] },
          ],
          'commentableId',
        ],
        ['patch', '/api/Comments', { id: c, commentableId: { neq: null } }, 'commentableId'],
        [
          'put',
          '/api/Comments',
          { id: c, body: 'x', commentableType: 'Post', commentableId: { neq: null } },
          'commentableId',
        ],
        [
          'put',
          `/api/Comments/${c}`,
          { body: 'x', commentableType: 'Post', commentableId: { neq: null } },
          'commentableId',
        ],
        ['patch', `/api/Comments/${c}`, { commentableId: { neq: null } }, 'commentableId'],
        ['patch', `/api/Comments/${c}`, { commentableType: { neq: null } }, 'commentableType'],
        ['patch', `/api/Comments/${c}`, { authorId: { gt: 0 } }, 'authorId'],
        [
          'post',
          `/api/Comments/update?where=${encodeURIComponent(JSON.stringify({ id: c }))}`,
          { commentableId: { neq: null } },
          'commentableId',
        ],
        [
          'post',
          `/api/Comments/upsertWithWhere?where=${encodeURIComponent(JSON.stringify({ id: c }))}`,
          { authorId: { neq: null } },
          'authorId',
        ],
        ['post', `/api/Posts/${h.post.id}/comments`, { body: 'x', authorId: { neq: null } }, 'authorId'],
        ['post', '/api/Diaries', { text: 'x', ownerId: { gt: 0 } }, 'ownerId'],
        [
          'post',
          '/api/Pictures',
          { url: 'x', imageableType: 'Post', imageableId: { neq: null } },
          'imageableId',
        ],
        ['patch', `/api/Pictures/${h.picture.id}`, { imageableId: ['1'] }, 'imageableId'],
      ];
      const before = await snapshot(h.app);
      for (const [verb, url, body, property] of writes) {
        const res = await (request(h.app) as any)[verb](url).set('Authorization', h.annToken).send(body);
        expect([verb, url, res.status, res.body.error?.code]).toEqual([verb, url, 400, 'INVALID_VALUE']);
        expect(res.body.error.message).toContain(`.${property} `);
      }
      expect(await snapshot(h.app)).toEqual(before);
    });

    it('a discriminator names only the models the relation can point at: the inverse relations, or its "models" list', async () => {
      const before = await snapshot(h.app);
      const refused: Array<[string, string, unknown, string]> = [
        [
          'post',
          '/api/Comments',
          { body: 'x', commentableType: 'AccessToken', commentableId: 1 },
          'one of Diary, Member, Post; got "AccessToken"',
        ],
        ['post', '/api/Comments', { body: 'x', commentableType: 'Picture', commentableId: 1 }, '"Picture"'],
        [
          'post',
          '/api/Comments',
          { body: 'x', commentableType: 'NoSuchModel', commentableId: 1 },
          '"NoSuchModel"',
        ],
        ['patch', `/api/Comments/${h.onPost.id}`, { commentableType: 'AccessToken' }, '"AccessToken"'],
        ['post', '/api/Comments/update', { commentableType: 'Role' }, '"Role"'],
        [
          'post',
          '/api/Pictures',
          { url: 'x', imageableType: 'Diary', imageableId: h.diary.id },
          'one of Post; got "Diary"',
        ],
      ];
      for (const [verb, url, body, text] of refused) {
        const res = await (request(h.app) as any)[verb](url).set('Authorization', h.annToken).send(body);
        expect([verb, url, res.status, res.body.error?.code]).toEqual([verb, url, 400, 'INVALID_VALUE']);
        expect(res.body.error.message).toContain(text);
      }
      expect(await snapshot(h.app)).toEqual(before);
      const made = await request(h.app)
        .post('/api/Comments')
        .set('Authorization', h.annToken)
        .send({ body: 'fine', commentableType: 'Post', commentableId: h.post.id });
      expect([made.status, made.body.commentableType]).toEqual([200, 'Post']);
      await h.app.models.Comment.destroyById(made.body.id);
    });

    it('GET /Comments/{id}/commentable applies the READ ACL of the model the row points at, for that row', async () => {
      const annDiary = await request(h.app)
        .get(`/api/Comments/${h.onDiary.id}/commentable`)
        .set('Authorization', h.annToken);
      expect([annDiary.status, annDiary.body.error?.code]).toEqual([401, 'AUTHORIZATION_REQUIRED']);
      expect(annDiary.text).not.toContain("bob's secret");
      const bobDiary = await request(h.app)
        .get(`/api/Comments/${h.onDiary.id}/commentable`)
        .set('Authorization', h.bobToken);
      expect([bobDiary.status, bobDiary.body.text]).toEqual([200, "bob's secret"]);
      const annMember = await request(h.app)
        .get(`/api/Comments/${h.onBob.id}/commentable`)
        .set('Authorization', h.annToken);
      expect(annMember.status).toBe(401);
      expect(annMember.text).not.toContain('bob@example.com');
      const bobMember = await request(h.app)
        .get(`/api/Comments/${h.onBob.id}/commentable`)
        .set('Authorization', h.bobToken);
      expect([bobMember.status, bobMember.body.email, bobMember.body.password]).toEqual([
        200,
        'bob@example.com',
        undefined,
      ]);
      const post = await request(h.app)
        .get(`/api/Comments/${h.onPost.id}/commentable`)
        .set('Authorization', h.annToken);
      expect([post.status, post.body]).toEqual([200, { title: 'hello', id: h.post.id }]);
    });

    it('an include of a polymorphic relation checks READ on every model it may point at; hidden properties stay out', async () => {
      const include = encodeURIComponent(JSON.stringify({ include: 'commentable' }));
      for (const token of [h.annToken, h.bobToken]) {
        for (const url of [
          `/api/Comments?filter=${include}`,
          `/api/Comments/${h.onPost.id}?filter=${include}`,
          `/api/Posts/${h.post.id}/comments?filter=${include}`,
        ]) {
          const res = await request(h.app).get(url).set('Authorization', token);
          expect([url, res.status]).toEqual([url, 401]);
          expect(res.text).not.toContain("bob's secret");
          expect(res.text).not.toContain('bob@example.com');
        }
      }
      const pictures = await request(h.app).get(
        `/api/Pictures?filter=${encodeURIComponent(JSON.stringify({ include: 'imageable', order: 'id ASC' }))}`,
      );
      expect(pictures.status).toBe(200);
      expect(pictures.body.map((p: any) => [p.url, p.imageable])).toEqual([
        ['post.png', { title: 'hello', id: h.post.id }],
        ['ghost.png', null],
        ['token.png', null],
      ]);
      noToken(pictures);
    });

    it('a stored discriminator naming no model, or a model the relation cannot point at, reads as no related instance (never 500)', async () => {
      const ghost = await request(h.app).get(`/api/Pictures/${h.ghostPicture}/imageable`);
      expect([ghost.status, ghost.body]).toEqual([200, null]);
      const one = await request(h.app).get(
        `/api/Pictures/${h.ghostPicture}?filter=${encodeURIComponent(JSON.stringify({ include: 'imageable' }))}`,
      );
      expect([one.status, one.body.imageable]).toEqual([200, null]);
      const comments = await h.app.models.Comment.find({ include: 'commentable', order: 'id ASC' });
      const related = comments.map((c: any) => c.toJSON().commentable);
      expect(related.map((r: any) => r?.id ?? null)).toEqual([h.post.id, h.diary.id, h.bob.id, null]);
    });
  });
}

describe("LB3's polymorphic access tokens (AccessToken belongsTo user, discriminator principalType)", () => {
  it('tokens of every user model declaring the inverse relation are made and resolve; another principalType is refused', async () => {
    const app: any = loopback({ localRegistry: true, loadBuiltinModels: true });
    const ds = app.dataSource('db', { connector: 'memory' });
    const { registry } = app;
    const AccessToken = registry.getModel('AccessToken');
    const OneUser = registry.createModel({ name: 'OneUser', base: 'User', saltWorkFactor: 4 });
    const AnotherUser = registry.createModel({ name: 'AnotherUser', base: 'User', saltWorkFactor: 4 });
    for (const M of [AccessToken, OneUser, AnotherUser]) app.model(M, { dataSource: ds });
    const poly = { foreignKey: 'userId', discriminator: 'principalType' };
    AccessToken.belongsTo('user', { idName: 'id', polymorphic: { idType: 'string', ...poly } });
    OneUser.hasMany(AccessToken, { as: 'accessTokens', polymorphic: poly });
    AnotherUser.hasMany(AccessToken, { as: 'accessTokens', polymorphic: poly });
    const credentials = { email: 'same@example.com', password: 'same-secret' };
    await OneUser.create(credentials);
    await AnotherUser.create(credentials);
    const one = await OneUser.login(credentials);
    const another = await AnotherUser.login(credentials);
    const stored = [await AccessToken.findById(one.id), await AccessToken.findById(another.id)];
    expect(stored.map((t) => t.principalType)).toEqual(['OneUser', 'AnotherUser']);
    expect((await stored[1].user()).constructor.modelName).toBe('AnotherUser');
    await expect(AccessToken.create({ userId: 1, principalType: 'User' })).rejects.toMatchObject({
      statusCode: 400,
      code: 'INVALID_VALUE',
    });
  });
});
