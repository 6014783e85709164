import request from 'supertest';
import { authApp } from '../support/auth-app';

/**
 * The ACL check of a filter's `include` (READ on every target) and LB3's two rules around it: a
 * relation with `options: {disableInclude: true}` (User's `accessTokens`) is skipped by an
 * include, never checked nor run, and `"checkIncludeAccess": false` in config.json gives back
 * LB3's unchecked includes (its user.integration.js "should prevent access tokens from being
 * included" reads the posts' users anonymously).
 */
async function makeApp() {
  const { app, models } = authApp((reg) => [
    reg.createModel({
      name: 'Member',
      base: 'User',
      saltWorkFactor: 4,
      // Signed-in members may list members (so a Post's `author` is includable for them).
      acls: [
        { principalType: 'ROLE', principalId: '$authenticated', permission: 'ALLOW', accessType: 'READ' },
      ],
    }),
    reg.createModel({
      name: 'Post',
      properties: { title: 'string', authorId: 'number' },
      relations: { author: { type: 'belongsTo', model: 'Member', foreignKey: 'authorId' } },
    }),
  ]);
  const [Member, Post] = models;
  await Member.create({ username: 'ann', email: 'ann@example.com', password: 'ann-secret' });
  const token = (await Member.login({ email: 'ann@example.com', password: 'ann-secret' })).id as string;
  await Post.create({ title: 'hello', authorId: 1 });
  return { app, token };
}

const postsWith = (app: any, include: unknown, token?: string) => {
  const req = request(app)
    .get('/api/Posts')
    .query({ filter: JSON.stringify({ include }) });
  return token ? req.set('Authorization', token) : req;
};

describe('include access', () => {
  let h: Awaited<ReturnType<typeof makeApp>>;
  beforeEach(async () => {
    h = await makeApp();
  });

  it("an include needs READ on its target: the members' list is not the public's", async () => {
    const res = await postsWith(h.app, 'author');
    expect([res.status, res.body.error?.code]).toEqual([401, 'AUTHORIZATION_REQUIRED']);
    const signedIn = await postsWith(h.app, 'author', h.token);
    expect(signedIn.status).toBe(200);
    expect(signedIn.body[0].author).toEqual({ username: 'ann', email: 'ann@example.com', id: 1 });
  });

  it('a disableInclude relation (accessTokens) is skipped: not included, not checked, as LB3', async () => {
    // AccessToken is closed to everyone over REST; the include still answers, without tokens.
    const res = await postsWith(h.app, { author: 'accessTokens' }, h.token);
    expect(res.status).toBe(200);
    expect(res.body[0].author.username).toBe('ann');
    expect(res.body[0].author).not.toHaveProperty('accessTokens');
    expect(res.text).not.toContain(h.token);
  });

  it('"checkIncludeAccess": false restores LB3\'s unchecked includes (hidden properties still out)', async () => {
    h.app.set('checkIncludeAccess', false);
    const res = await postsWith(h.app, { author: 'accessTokens' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      { title: 'hello', authorId: 1, id: 1, author: { username: 'ann', email: 'ann@example.com', id: 1 } },
    ]);
    // The model's own endpoint is still closed: only includes go unchecked.
    expect((await request(h.app).get('/api/Members')).status).toBe(401);
  });
});
