import fs from 'fs';
import os from 'os';
import path from 'path';
import request from 'supertest';
import loopback, { type ModelClass } from '../../src';
import { boot } from '../../src/boot';

/**
 * The push component in an LB3-style app folder, enabled from component-config.json: LB3's
 * endpoints over REST and their default access — a device registers itself, nobody else reads
 * installations or sends unless the app's ACLs say so.
 */
function writeApp(files: Record<string, unknown>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'loopline-push-'));
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(content, null, 2));
  }
  return root;
}

async function bootApp(pushModel?: object): Promise<any> {
  const root = writeApp({
    'server/config.json': { restApiRoot: '/api' },
    'server/datasources.json': { db: { name: 'db', connector: 'memory' } },
    'server/middleware.json': {
      auth: { 'loopback#token': {} },
      routes: { 'loopback#rest': { paths: ['${restApiRoot}'] } },
      final: { 'strong-error-handler': {} },
    },
    'server/model-config.json': {
      _meta: { sources: ['loopback/common/models', '../common/models'] },
      User: { dataSource: 'db' },
      AccessToken: { dataSource: 'db', public: false },
      ACL: { dataSource: 'db', public: false },
      RoleMapping: { dataSource: 'db', public: false },
      Role: { dataSource: 'db', public: false },
      Application: { dataSource: 'db', public: false },
      ...(pushModel ? { push: { dataSource: null } } : {}),
    },
    'server/component-config.json': {
      'loopline/push': pushModel ? { name: 'push' } : {},
      'loopback-component-explorer': { mountPath: '/explorer' },
    },
    ...(pushModel ? { 'common/models/push.json': pushModel } : {}),
  });
  const app = loopback({ localRegistry: true, loadBuiltinModels: true } as any);
  app.enableAuth();
  await boot(app, { appRootDir: path.join(root, 'server') });
  return app;
}

describe('push component over REST', () => {
  it('lets a device register anonymously, and denies listing installations and sending to anonymous callers', async () => {
    const app = await bootApp();
    const created = await request(app)
      .post('/api/Installations')
      .send({ appId: 'a1', deviceType: 'android', deviceToken: 'tok-1' })
      .expect(200);
    expect(created.body).toMatchObject({ appId: 'a1', deviceType: 'android', deviceToken: 'tok-1' });
    await request(app).get('/api/Installations').expect(401);
    await request(app)
      .get('/api/Installations/byUser')
      .query({ deviceType: 'android', userId: 'u' })
      .expect(401);
    const sent = await request(app)
      .post('/api/push')
      .query({ deviceQuery: JSON.stringify({ appId: 'a1' }) })
      .send({ alert: 'hi' })
      .expect(401);
    expect(sent.body.error.code).toBe('AUTHORIZATION_REQUIRED');
    // The explorer describes LB3's endpoint: the query in the query string, the notification as the body.
    const doc = (await request(app).get('/explorer/openapi.json').expect(200)).body;
    const post = doc.paths['/api/push'].post;
    expect(post.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'deviceQuery', in: 'query' })]),
    );
    expect(post.requestBody).toBeDefined();
    expect(doc.paths['/api/Installations/byApp'].get).toBeDefined();
  });

  it("serves LB3's POST /push?deviceQuery= on the app's own push model, with the ACL the app gives it", async () => {
    const app = await bootApp({
      name: 'push',
      base: 'Model',
      plural: 'push',
      acls: [
        {
          principalType: 'ROLE',
          principalId: '$authenticated',
          permission: 'ALLOW',
          property: 'notifyByQuery',
        },
      ],
    });
    await app.models.User.create({ email: 'ops@example.com', password: 'secret-pass' });
    const login = await request(app)
      .post('/api/Users/login')
      .send({ email: 'ops@example.com', password: 'secret-pass' })
      .expect(200);
    await app.models.Installation.create({
      appId: 'no-such-app',
      deviceType: 'android',
      deviceToken: 'tok-1',
    });
    await request(app).post('/api/push').send({ alert: 'hi' }).expect(401);
    const res = await request(app)
      .post('/api/push')
      .set('Authorization', login.body.id)
      .query({ deviceQuery: JSON.stringify({ deviceType: 'android' }) })
      .send({ alert: 'hi' })
      .expect(200);
    expect(res.body).toMatchObject({
      total: 1,
      sent: 0,
      failed: 1,
      results: [{ deviceType: 'android', status: 'failed', code: 'PUSH_APPLICATION_NOT_FOUND' }],
    });
    // A notification that is not a valid Notification is refused before anything is looked up.
    const bad = await request(app)
      .post('/api/push')
      .set('Authorization', login.body.id)
      .send({ badge: 'many' })
      .expect(422);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('runs an LB3 app folder unchanged: a loopback-component-push data source, models based on Installation and Notification', async () => {
    const root = writeApp({
      'server/config.json': { restApiRoot: '/api' },
      'server/datasources.json': {
        db: { name: 'db', connector: 'memory' },
        push: {
          name: 'push',
          connector: 'loopback-component-push',
          installation: 'installation',
          notification: 'notification',
          application: 'application',
        },
      },
      'server/middleware.json': {
        routes: { 'loopback#rest': { paths: ['${restApiRoot}'] } },
        final: { 'strong-error-handler': {} },
      },
      'server/model-config.json': {
        _meta: { sources: ['loopback/common/models', '../common/models'] },
        AccessToken: { dataSource: 'db', public: false },
        ACL: { dataSource: 'db', public: false },
        RoleMapping: { dataSource: 'db', public: false },
        Role: { dataSource: 'db', public: false },
        application: { dataSource: 'db', public: true },
        installation: { dataSource: 'db', public: true },
        notification: { dataSource: 'db', public: true },
        push: { dataSource: 'push', public: true },
      },
      'common/models/application.json': { name: 'application', base: 'Application' },
      'common/models/installation.json': { name: 'installation', base: 'Installation' },
      'common/models/notification.json': { name: 'notification', base: 'Notification' },
      'common/models/push.json': { name: 'push', base: 'Model', plural: 'Push' },
    });
    const app = loopback({ localRegistry: true, loadBuiltinModels: true } as any);
    app.enableAuth();
    await boot(app, { appRootDir: path.join(root, 'server') });
    const application = app.models.application as ModelClass & {
      register(owner: string, name: string, options: object): Promise<{ id: unknown }>;
    };
    const installation = app.models.installation as ModelClass & {
      findByApp(deviceType: string, appId: unknown): Promise<unknown[]>;
    };
    const push = app.models.push as ModelClass & {
      notifyByQuery(query: object, notification: object): Promise<{ results: unknown[] }>;
    };
    const registered = await application.register('owner', 'Shop', {
      pushSettings: { apns: { bundle: 'com.example' } },
    });
    const created = await request(app)
      .post('/api/installations')
      .send({ appId: registered.id, deviceType: 'ios', deviceToken: 'a'.repeat(64) })
      .expect(200);
    await request(app)
      .get('/api/installations/byApp')
      .query({ deviceType: 'ios', appId: registered.id })
      .expect(401);
    expect(await installation.findByApp('ios', registered.id)).toHaveLength(1);
    await request(app).post('/api/Push').send({ alert: 'hi' }).expect(401);
    const report = await push.notifyByQuery({ appId: registered.id }, { alert: 'hi' });
    expect(report.results).toEqual([
      expect.objectContaining({
        installationId: created.body.id,
        status: 'failed',
        code: 'PUSH_CREDENTIALS_MISSING',
      }),
    ]);
  });
});
