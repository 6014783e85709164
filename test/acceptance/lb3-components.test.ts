import fs from 'fs';
import os from 'os';
import path from 'path';
import request from 'supertest';
import { REPO_ROOT } from '../support/example-app';

/**
 * LB3's own components, the real npm packages, in an app folder written as their docs write one
 * (test/fixtures/lb3-components-app): loopback-component-explorer mounted from
 * component-config.json, loopback-component-passport's PassportConfigurator with passport-local
 * and an OAuth-style provider. Their `require('loopback')` is loopline (as under
 * `node -r loopline/register`; jest maps the name the same way).
 */
// Boot, bcrypt and the packages' file I/O take seconds on a loaded machine (CI runs suites in parallel).
jest.setTimeout(30000);

const FIXTURE = path.join(REPO_ROOT, 'test/fixtures/lb3-components-app');

// The app's storage data source (loopback-component-storage, tested in lb3-component-storage)
// gets a folder of its own.
const storageRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'loopline-lb3-components-'));
afterAll(() => fs.rmSync(storageRoot, { recursive: true, force: true }));

function loadApp(): Promise<any> {
  process.env.COMPONENTS_APP_STORAGE_ROOT = storageRoot;
  let app: any;
  jest.isolateModules(() => {
    app = require(path.join(FIXTURE, 'server/server.js'));
  });
  return new Promise((resolve, reject) => {
    if (!app.booting) return resolve(app);
    app.once('booted', () => resolve(app));
    setTimeout(() => reject(new Error('the app did not boot')), 10000).unref();
  });
}

describe('loopback-component-explorer (the LB3 package) from component-config.json', () => {
  let app: any;
  beforeAll(async () => {
    app = await loadApp();
  }, 30000);

  it('serves its Swagger UI at the mount path', async () => {
    await request(app).get('/explorer').expect(301).expect('location', '/explorer/');
    const res = await request(app).get('/explorer/').expect(200);
    expect(res.headers['content-type']).toMatch(/html/);
    expect(res.text).toContain('<title>LoopBack API Explorer</title>');
    const ui = await request(app).get('/explorer/swagger-ui.js').expect(200);
    expect(ui.text.length).toBeGreaterThan(1000);
    expect(app.get('loopback-component-explorer')).toMatchObject({ mountPath: '/explorer' });
  });

  it('answers where its document is and serves the Swagger 2.0 document loopback-swagger builds', async () => {
    const config = await request(app).get('/explorer/config.json').expect(200);
    expect(config.body).toEqual({ url: '/explorer/swagger.json' });
    const res = await request(app).get('/explorer/swagger.json').expect(200);
    const doc = res.body;
    expect(doc.swagger).toBe('2.0');
    expect(doc.basePath).toBe('/api');
    expect(doc.tags.map((t: { name: string }) => t.name).sort()).toEqual(['Note', 'container', 'user']);
    expect(doc.paths['/Notes'].get).toMatchObject({ tags: ['Note'], operationId: 'Note.find' });
    expect(doc.paths['/Notes/{id}'].get.parameters[0]).toMatchObject({
      name: 'id',
      in: 'path',
      required: true,
    });
    expect(doc.paths['/users/login'].post).toMatchObject({ operationId: 'user.login' });
    expect(doc.paths['/users/{id}/accessTokens']).toBeDefined();
    expect(doc.definitions.Note.properties.title).toEqual({ type: 'string' });
    expect(doc.definitions.Note.required).toEqual(['title']);
    expect(doc.info).toMatchObject({ title: 'Components app', version: '1.2.3' });
  });

  it('rebuilds the document when a remote method is added after boot', async () => {
    app.models.Note.greet = async (name: string) => `hello ${name}`;
    app.models.Note.remoteMethod('greet', {
      accepts: { arg: 'name', type: 'string', required: true },
      returns: { arg: 'greeting', type: 'string' },
      http: { verb: 'get' },
      description: 'Greets.',
    });
    const doc = (await request(app).get('/explorer/swagger.json').expect(200)).body;
    expect(doc.paths['/Notes/greet'].get).toMatchObject({ summary: 'Greets.', operationId: 'Note.greet' });
    expect(doc.paths['/Notes/greet'].get.parameters).toEqual([
      expect.objectContaining({ name: 'name', in: 'query', required: true, type: 'string' }),
    ]);
  });
});

describe('loopback-component-passport (the LB3 package) with passport-local', () => {
  let app: any;
  beforeAll(async () => {
    app = await loadApp();
    await app.models.user.create({
      email: 'ann@example.org',
      password: 'secret-pass-1',
      emailVerified: true,
    });
    await app.models.user.create({
      email: 'bob@example.org',
      password: 'secret-pass-2',
      emailVerified: false,
    });
  }, 30000);

  it("defines UserIdentity and UserCredential, which the app's models extend", () => {
    const loopback = app.loopback;
    expect(loopback.getModel('UserIdentity')).toBeDefined();
    expect(loopback.getModel('UserCredential')).toBeDefined();
    expect(app.models.userIdentity.prototype).toBeInstanceOf(loopback.getModel('UserIdentity'));
    expect(app.models.userCredential.prototype).toBeInstanceOf(loopback.getModel('UserCredential'));
    expect(typeof app.models.userIdentity.login).toBe('function');
    expect(typeof app.models.userCredential.link).toBe('function');
    expect(app.models.user.relations.identities.modelTo).toBe(app.models.userIdentity);
    expect(app.models.userIdentity.relations.user.modelTo).toBe(app.models.user);
  });

  it('logs in with email and password: the login made a loopline AccessToken that opens a protected route', async () => {
    await request(app).get('/api/Notes').expect(401);
    const res = await request(app)
      .post('/auth/local')
      .send({ email: 'ann@example.org', password: 'secret-pass-1' })
      .expect(200);
    const user = await app.models.user.findOne({ where: { email: 'ann@example.org' } });
    expect(res.body.user).toMatchObject({
      provider: 'local',
      id: user.id,
      emails: [{ value: 'ann@example.org' }],
    });
    const token = res.body.accessToken;
    expect(token).toMatchObject({ id: expect.stringMatching(/^\w{64}$/), userId: user.id, ttl: 1209600 });
    const stored = await app.models.AccessToken.findById(token.id);
    expect(stored.userId).toBe(user.id);
    await request(app).post('/api/Notes').set('Authorization', token.id).send({ title: 'mine' }).expect(200);
    const notes = await request(app).get('/api/Notes').set('Authorization', token.id).expect(200);
    expect(notes.body.map((n: { title: string }) => n.title)).toEqual(['mine']);
  });

  it('refuses a wrong password and an unknown email (no token made) and an unverified email', async () => {
    const before = await app.models.AccessToken.count();
    await request(app).post('/auth/local').send({ email: 'ann@example.org', password: 'wrong' }).expect(401);
    await request(app)
      .post('/auth/local')
      .send({ email: 'nobody@example.org', password: 'secret-pass-1' })
      .expect(401);
    await request(app).post('/auth/local').send({ email: 'ann@example.org' }).expect(400);
    expect(await app.models.AccessToken.count()).toBe(before);
    // As in LB3, the component checks emailVerified after User.login made the token: the login is
    // refused and the token never handed out.
    const bob = await request(app)
      .post('/auth/local')
      .send({ email: 'bob@example.org', password: 'secret-pass-2' })
      .expect(401);
    expect(bob.text).not.toMatch(/\w{64}/);
  });

  it('logs in through a third-party provider: a user, a UserIdentity and an AccessToken are made', async () => {
    const start = await request(app).get('/auth/example').expect(302);
    expect(start.headers.location).toBe('https://provider.example/authorize?client_id=client-1');
    const res = await request(app).get('/auth/example/callback?code=carol').expect(200);
    expect(res.body).toEqual({ access_token: expect.stringMatching(/^\w{64}$/), userId: expect.anything() });
    const user = await app.models.user.findById(res.body.userId);
    expect(user).toMatchObject({ username: 'example.carol', email: 'carol@loopback.example.com' });
    const identities = await app.models.userIdentity.find({ where: { userId: user.id } });
    expect(identities).toHaveLength(1);
    expect(identities[0]).toMatchObject({
      provider: 'example',
      authScheme: 'oAuth 2.0',
      externalId: 'ext-carol',
    });
    expect(identities[0].credentials).toEqual({
      accessToken: 'provider-token-carol',
      refreshToken: 'refresh-carol',
    });
    expect(identities[0].profile.displayName).toBe('User carol');
    const token = await app.models.AccessToken.findById(res.body.access_token);
    expect(token.userId).toEqual(user.id);
    await request(app).get('/api/Notes').set('Authorization', res.body.access_token).expect(200);

    // A second login through the same provider finds the identity: no second user.
    const again = await request(app).get('/auth/example/callback?code=carol').expect(200);
    expect(again.body.userId).toEqual(user.id);
    expect(again.body.access_token).not.toBe(res.body.access_token);
    expect(await app.models.userIdentity.count({ externalId: 'ext-carol' })).toBe(1);
    expect(await app.models.user.count({ username: 'example.carol' })).toBe(1);
  });

  it('logs in through a provider on the web: a signed access_token cookie and the session carry the user', async () => {
    const agent = request.agent(app);
    const res = await agent.get('/auth/example-web/callback?code=dave').expect(302);
    expect(res.headers.location).toBe('/auth/account');
    const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
    const tokenCookie = cookies.find((c) => c.startsWith('access_token='));
    // cookie-parser's signature: s:<value>.<hmac>, so loopline's token middleware trusts it.
    expect(decodeURIComponent(tokenCookie!.split(';')[0].slice('access_token='.length))).toMatch(
      /^s:\w{64}\./,
    );
    const user = await app.models.user.findOne({ where: { username: 'example.dave' } });
    expect(await app.models.AccessToken.count({ userId: user.id })).toBe(1);

    const account = await agent.get('/auth/account').expect(200);
    expect(account.body.user).toMatchObject({ id: user.id, username: 'example.dave' });
    expect(account.body.profiles).toEqual(['ext-dave']);
    expect(account.body.accounts).toEqual([]);
    // The cookie alone (no Authorization header) opens the protected REST route.
    await agent.get('/api/Notes').expect(200);
    await request(app).get('/auth/account').expect(302).expect('location', '/login');
  });

  it('links a provider account to a user as a UserCredential', async () => {
    const ann = await app.models.user.findOne({ where: { email: 'ann@example.org' } });
    const credential = await new Promise<any>((resolve, reject) =>
      app.models.userCredential.link(
        ann.id,
        'example',
        'oAuth 2.0',
        { id: 'ext-ann', provider: 'example' },
        { accessToken: 't' },
        {},
        (err: unknown, c: any) => (err ? reject(err) : resolve(c)),
      ),
    );
    expect(credential).toMatchObject({ provider: 'example', externalId: 'ext-ann', userId: ann.id });
    const linked = await new Promise<any[]>((resolve, reject) =>
      ann.credentials((err: unknown, list: any[]) => (err ? reject(err) : resolve(list))),
    );
    expect(linked.map((c) => c.externalId)).toEqual(['ext-ann']);
  });
});
