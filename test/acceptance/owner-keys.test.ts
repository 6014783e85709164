import request from 'supertest';
import { authApp } from '../support/auth-app';

/**
 * Owner keys over REST: the key `$owner` reads may be set by a client only to its own user id, or
 * left as stored; `"ownerWritable": true` gives LB3's rule back. Refusals leave the store as it was.
 */
const ACLS = [
  { principalType: 'ROLE', principalId: '$everyone', permission: 'DENY' },
  { principalType: 'ROLE', principalId: '$authenticated', permission: 'ALLOW', accessType: 'READ' },
  { principalType: 'ROLE', principalId: '$authenticated', permission: 'ALLOW', property: 'create' },
  { principalType: 'ROLE', principalId: '$owner', permission: 'ALLOW', accessType: 'WRITE' },
  { principalType: 'ROLE', principalId: 'admin', permission: 'ALLOW' },
];

async function makeApp() {
  const { app, models } = authApp((reg) => [
    reg.createModel({
      name: 'Member',
      base: 'User',
      saltWorkFactor: 4,
      relations: { posts: { type: 'hasMany', model: 'Post', foreignKey: 'authorId' } },
    }),
    reg.createModel({
      name: 'Post',
      properties: { title: 'string', authorId: 'number' },
      relations: { author: { type: 'belongsTo', model: 'Member', foreignKey: 'authorId' } },
      acls: ACLS,
    }),
    reg.createModel({ name: 'Doc', properties: { body: 'string', ownerId: 'number' }, acls: ACLS }),
    reg.createModel({
      name: 'Task',
      ownerWritable: true,
      properties: { what: 'string', ownerId: 'number' },
      acls: ACLS,
    }),
    // Two users per message: naming the other one is the point, so neither key is guarded.
    reg.createModel({
      name: 'Message',
      properties: { text: 'string', senderId: 'number', recipientId: 'number' },
      relations: {
        sender: { type: 'belongsTo', model: 'Member', foreignKey: 'senderId' },
        recipient: { type: 'belongsTo', model: 'Member', foreignKey: 'recipientId' },
      },
      acls: ACLS,
    }),
    // No $owner in its ACLs: ownership grants nothing here, and LB3's rule stands.
    reg.createModel({
      name: 'Review',
      properties: { stars: 'number', authorId: 'number' },
      relations: { author: { type: 'belongsTo', model: 'Member', foreignKey: 'authorId' } },
    }),
  ]);
  const [Member, Post, Doc, Task] = models;
  const reg = app.registry;
  const tokens: string[] = [];
  for (const name of ['ann', 'bob', 'root']) {
    await Member.create({ email: `${name}@example.com`, password: `${name}-secret` });
    tokens.push(
      (
        await request(app)
          .post('/api/Members/login')
          .send({ email: `${name}@example.com`, password: `${name}-secret` })
      ).body.id,
    );
  }
  const Role = reg.getModel('Role');
  const admin = await Role.create({ name: 'admin' });
  await admin.principals.create({ principalType: 'USER', principalId: '3' });
  return { app, Post, Doc, Task, ann: tokens[0], bob: tokens[1], root: tokens[2] };
}

describe('owner keys over REST', () => {
  let h: Awaited<ReturnType<typeof makeApp>>;
  beforeAll(async () => {
    h = await makeApp();
  });

  it('a client creates records owned by itself, or without a key', async () => {
    const own = await request(h.app)
      .post('/api/Posts')
      .set('Authorization', h.ann)
      .send({ title: 'mine', authorId: 1 });
    expect([own.status, own.body.authorId]).toEqual([200, 1]);
    const keyless = await request(h.app)
      .post('/api/Posts')
      .set('Authorization', h.ann)
      .send({ title: 'nobody' });
    expect(keyless.status).toBe(200);
  });

  it("refuses a record in another user's name (belongsTo key and ownerId property): 400, nothing stored", async () => {
    const before = [await h.Post.count(), await h.Doc.count()];
    const post = await request(h.app)
      .post('/api/Posts')
      .set('Authorization', h.ann)
      .send({ title: 'forged', authorId: 2 });
    expect([post.status, post.body.error.code]).toEqual([400, 'PROPERTY_NOT_WRITABLE']);
    expect(post.body.error.message).toContain('"authorId"');
    const doc = await request(h.app)
      .post('/api/Docs')
      .set('Authorization', h.ann)
      .send({ body: 'forged', ownerId: '2' });
    expect([doc.status, doc.body.error.code]).toEqual([400, 'PROPERTY_NOT_WRITABLE']);
    const batch = await request(h.app)
      .post('/api/Posts')
      .set('Authorization', h.ann)
      .send([
        { title: 'ok', authorId: 1 },
        { title: 'forged', authorId: 2 },
      ]);
    expect(batch.status).toBe(400);
    expect([await h.Post.count(), await h.Doc.count()]).toEqual(before);
  });

  it('the owner cannot hand a record over, but may send the stored key back unchanged', async () => {
    const patch = await request(h.app)
      .patch('/api/Posts/1')
      .set('Authorization', h.ann)
      .send({ authorId: 2 });
    expect([patch.status, patch.body.error.code]).toEqual([400, 'PROPERTY_NOT_WRITABLE']);
    // An upsert is judged on the record its body names (as LB3): ann owns Post 1, and the key is refused.
    const upsert = await request(h.app)
      .patch('/api/Posts')
      .set('Authorization', h.ann)
      .send({ id: 1, title: 'moved', authorId: 2 });
    expect([upsert.status, upsert.body.error.code]).toEqual([400, 'PROPERTY_NOT_WRITABLE']);
    expect((await h.Post.findById(1)).toObject()).toEqual({ id: 1, title: 'mine', authorId: 1 });
    const put = await request(h.app)
      .put('/api/Posts/1')
      .set('Authorization', h.ann)
      .send({ title: 'kept', authorId: 1 });
    expect([put.status, put.body.authorId]).toEqual([200, 1]);
  });

  it('an admin editing a record keeps its owner; assigning it to someone else needs ownerWritable', async () => {
    const edit = await request(h.app)
      .put('/api/Posts/1')
      .set('Authorization', h.root)
      .send({ title: 'moderated', authorId: 1 });
    expect([edit.status, edit.body.authorId]).toEqual([200, 1]);
    const assign = await request(h.app)
      .patch('/api/Posts/1')
      .set('Authorization', h.root)
      .send({ authorId: 2 });
    expect([assign.status, assign.body.error.code]).toEqual([400, 'PROPERTY_NOT_WRITABLE']);
    const task = await request(h.app)
      .post('/api/Tasks')
      .set('Authorization', h.root)
      .send({ what: 'review', ownerId: 2 });
    expect([task.status, task.body.ownerId]).toEqual([200, 2]);
  });

  it('leaves models alone where ownership is ambiguous (two user relations) or grants nothing (no $owner ACL)', async () => {
    const message = await request(h.app)
      .post('/api/Messages')
      .set('Authorization', h.ann)
      .send({ text: 'hi bob', senderId: 1, recipientId: 2 });
    expect([message.status, message.body.recipientId]).toEqual([200, 2]);
    const review = await request(h.app).post('/api/Reviews').send({ stars: 5, authorId: 2 });
    expect([review.status, review.body.authorId]).toEqual([200, 2]);
  });

  it('server code sets owner keys freely', async () => {
    const post = await h.Post.create({ title: 'seeded', authorId: 2 });
    await post.updateAttributes({ authorId: 1 });
    expect((await h.Post.findById(post.id)).authorId).toBe(1);
  });
});
