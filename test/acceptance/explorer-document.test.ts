import Ajv from 'ajv';
import fs from 'fs';
import os from 'os';
import path from 'path';
import request from 'supertest';
import loopback from '../../src';
import { mountExplorer } from '../../src/explorer';
import { bootExampleApp, REPO_ROOT } from '../support/example-app';
import { validateDocument } from '../support/validate-document';

/**
 * What the explorer's documents say beyond the routes: the app's name and version, the padlock
 * only where a token is needed (decided from the ACLs), the error answers, the shapes of create
 * and patch bodies, and names for nested object types.
 */

/** Every string in a document, keys too. */
const strings = (value: unknown): string[] =>
  typeof value === 'string'
    ? [value]
    : value && typeof value === 'object'
      ? Object.entries(value).flatMap(([k, v]) => [k, ...strings(v)])
      : [];

const ops = (doc: any) =>
  Object.values(doc.paths as Record<string, Record<string, any>>).flatMap((p) => Object.values(p));

/** An app with access control, on the memory store, answering errors with loopline's own handler. */
function securedApp(options: { auth?: boolean; settings?: Record<string, unknown> } = {}) {
  const app: any = loopback({ localRegistry: true, loadBuiltinModels: true });
  for (const [k, v] of Object.entries(options.settings ?? {})) app.set(k, v);
  const ds = app.dataSource('db', { connector: 'memory' });
  for (const name of ['AccessToken', 'ACL', 'Role', 'RoleMapping'])
    app.model(app.registry.getModel(name), { dataSource: ds, public: false });
  app.model(app.registry.getModel('User'), { dataSource: ds });
  const define = (
    name: string,
    settings: Record<string, unknown>,
    properties: Record<string, unknown> = { title: 'string' },
  ) =>
    app.model(app.registry.createModel({ name, base: 'PersistedModel', properties, ...settings }), {
      dataSource: ds,
    });
  define('Note', { relations: { secrets: { type: 'hasMany', model: 'Secret', foreignKey: 'noteId' } } });
  define('Secret', {
    acls: [
      { principalType: 'ROLE', principalId: '$everyone', permission: 'DENY' },
      { principalType: 'ROLE', principalId: '$everyone', permission: 'ALLOW', property: 'count' },
      { principalType: 'ROLE', principalId: '$owner', permission: 'ALLOW', property: 'findById' },
      { principalType: 'ROLE', principalId: 'auditor', permission: 'ALLOW', property: 'findOne' },
      {
        principalType: 'ROLE',
        principalId: '$everyone',
        permission: 'ALLOW',
        accessType: 'READ',
        property: ['titles', 'touch'],
      },
    ],
  });
  // As LB3: a custom remote method on a GET route is a READ, one on a POST route an EXECUTE.
  const Secret = app.models.Secret;
  Secret.titles = async () => ['t'];
  Secret.remoteMethod('titles', {
    http: { verb: 'get' },
    returns: { arg: 'titles', type: ['string'], root: true },
  });
  Secret.touch = async () => 'touched';
  Secret.remoteMethod('touch', {
    http: { verb: 'post' },
    returns: { arg: 'touched', type: 'string', root: true },
  });
  define('Vault', { defaultPermission: 'DENY', aclErrorStatus: 403 });
  if (options.auth !== false) app.enableAuth();
  app.middleware('auth', loopback.token());
  app.use('/api', loopback.rest());
  app.models.Role.registerResolver('auditor', async () => false);
  mountExplorer(app, {});
  return app;
}

describe("the explorer's info", () => {
  it("takes the title, version and description from the app's package.json, looked for upwards from the app's folder", async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'loopline-explorer-app-'));
    fs.writeFileSync(
      path.join(root, 'package.json'),
      JSON.stringify({ name: 'acme-shop', version: '2.3.4', description: 'The shop API' }),
    );
    fs.mkdirSync(path.join(root, 'server'));
    const app = loopback();
    app.use('/api', loopback.rest());
    mountExplorer(app as any, { appRootDir: path.join(root, 'server') });
    const doc = (await request(app).get('/explorer/openapi.json')).body;
    expect(doc.info).toEqual({ title: 'acme-shop', version: '2.3.4', description: 'The shop API' });
    expect((await request(app).get('/explorer/swagger.json')).body.info).toEqual({
      title: 'acme-shop',
      version: '2.3.4',
      description: 'The shop API',
    });
  });

  it("lets LB3's apiInfo (option, else the app's setting) override it, and falls back to loopline's defaults", async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'loopline-explorer-app-'));
    fs.writeFileSync(
      path.join(root, 'package.json'),
      JSON.stringify({ name: 'acme-shop', version: '2.3.4' }),
    );
    const app = loopback();
    app.set('apiInfo', {
      title: 'Acme',
      description: ['Line one.', 'Line two.'],
      contact: { name: 'Ops' },
      notAnInfoKey: 1,
    });
    app.use('/api', loopback.rest());
    mountExplorer(app as any, { appRootDir: root });
    expect((await request(app).get('/explorer/openapi.json')).body.info).toEqual({
      title: 'Acme',
      version: '2.3.4',
      description: 'Line one.\nLine two.',
      contact: { name: 'Ops' },
    });
    const bare = loopback();
    bare.use('/api', loopback.rest());
    mountExplorer(bare as any, { appRootDir: '/', mountPath: '/docs' });
    expect((await request(bare).get('/docs/openapi.json')).body.info).toEqual({
      title: 'loopline API',
      version: '1.0.0',
    });
  });

  it('is, for an app booted from a folder, that of the package.json above it', async () => {
    const app = await bootExampleApp();
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
    const doc = (await request(app).get('/explorer/openapi.json')).body;
    expect([doc.info.title, doc.info.version]).toEqual([pkg.name, pkg.version]);
  });
});

describe('the padlock', () => {
  it('is on the operations a caller without a token cannot call, by the ACLs, and those answer 401 without one', async () => {
    const app = securedApp();
    const doc = (await request(app).get('/explorer/openapi.json')).body;
    const security = (p: string, verb: string) => doc.paths[`/api${p}`][verb].security;
    const open: Array<[string, string]> = [
      ['/Notes', 'get'],
      ['/Notes', 'post'],
      ['/Notes/{id}', 'get'],
      ['/Secrets/count', 'get'],
      ['/Users', 'post'],
      ['/Users/login', 'post'],
      ['/Secrets/titles', 'get'],
    ];
    const locked: Array<[string, string]> = [
      ['/Secrets', 'get'], // DENY $everyone
      ['/Secrets/{id}', 'get'], // $owner needs a token
      ['/Secrets/findOne', 'get'], // a resolver's role: unknown before a request
      ['/Notes/{id}/secrets', 'get'], // the related model's find is denied
      ['/Vaults', 'get'], // defaultPermission DENY
      ['/Users/logout', 'post'], // reads the token
      ['/Users/{id}', 'get'],
      ['/Secrets/touch', 'post'], // the READ rule does not cover an EXECUTE
    ];
    for (const [p, verb] of open) expect([p, verb, security(p, verb)]).toEqual([p, verb, []]);
    for (const [p, verb] of locked)
      expect([p, verb, security(p, verb)]).toEqual([p, verb, [{ AccessToken: [] }]]);
    expect(doc.components.securitySchemes.AccessToken).toEqual({
      type: 'apiKey',
      in: 'header',
      name: 'Authorization',
    });
    // What the document says is what the app does to a caller without a token.
    const note = await request(app).post('/api/Notes').send({ title: 'n' }).expect(200);
    await request(app).get('/api/Notes').expect(200);
    await request(app).get('/api/Secrets/count').expect(200);
    expect((await request(app).get('/api/Secrets/titles').expect(200)).body).toEqual(['t']);
    expect((await request(app).post('/api/Secrets/touch').expect(401)).body.error.code).toBe(
      'AUTHORIZATION_REQUIRED',
    );
    for (const url of [
      '/api/Secrets',
      '/api/Secrets/1',
      '/api/Secrets/findOne',
      `/api/Notes/${note.body.id}/secrets`,
      '/api/Vaults',
    ]) {
      const res = await request(app).get(url);
      expect([url, res.status, res.body.error.code]).toEqual([url, 401, 'AUTHORIZATION_REQUIRED']);
    }
    const swagger = (await request(app).get('/explorer/swagger.json')).body;
    expect(swagger.paths['/Secrets'].get.security).toEqual([{ AccessToken: [] }]);
    expect(swagger.paths['/Secrets/count'].get.security).toEqual([]);
  });

  it('is on no operation but those reading the token when access control is off', async () => {
    const app = securedApp({ auth: false });
    const doc = (await request(app).get('/explorer/openapi.json')).body;
    const locked = Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([p, o]) =>
      Object.entries(o)
        .filter(([, op]) => op.security.length)
        .map(([verb]) => `${verb} ${p}`),
    );
    expect(locked).toEqual(['post /api/Users/logout']);
  });
});

describe('the error answers', () => {
  it('documents 401 (and the aclErrorStatus 403) where the padlock is, 404 where a record is looked up by id, 422 where data is validated', async () => {
    const app = securedApp();
    const doc = (await request(app).get('/explorer/openapi.json')).body;
    const ref = (name: string) => ({ $ref: `#/components/responses/${name}` });
    const statuses = (p: string, verb: string) => Object.keys(doc.paths[`/api${p}`][verb].responses).sort();
    expect(statuses('/Secrets', 'get')).toEqual(['200', '401']);
    expect(doc.paths['/api/Secrets'].get.responses['401']).toEqual(ref('AuthorizationRequired'));
    expect(statuses('/Vaults', 'get')).toEqual(['200', '401', '403']);
    expect(doc.paths['/api/Vaults'].get.responses['403']).toEqual(ref('AccessDenied'));
    expect(statuses('/Notes', 'get')).toEqual(['200']);
    expect(statuses('/Notes/{id}', 'get')).toEqual(['200', '404']);
    expect(statuses('/Notes/{id}', 'patch')).toEqual(['200', '404', '422']);
    expect(statuses('/Notes', 'post')).toEqual(['200', '422']);
    expect(statuses('/Notes/update', 'post')).toEqual(['200']);
    expect(statuses('/Notes/{id}/secrets', 'post')).toEqual(['200', '401', '404', '422']);
    expect(doc.components.responses.ValidationFailed.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/Error',
    });
    const swagger = (await request(app).get('/explorer/swagger.json')).body;
    expect(swagger.paths['/Notes'].post.responses['422']).toEqual({ $ref: '#/responses/ValidationFailed' });
    expect(swagger.responses.ValidationFailed.schema).toEqual({ $ref: '#/definitions/Error' });
  });

  it('describes the bodies loopline answers: a real 401, 404 and 422 match the Error schema', async () => {
    const app = securedApp();
    const doc = (await request(app).get('/explorer/openapi.json')).body;
    const matches = new Ajv({ strict: false }).compile(doc.components.schemas.Error);
    const bodies = [
      (await request(app).get('/api/Secrets').expect(401)).body,
      (await request(app).get('/api/Notes/999').expect(404)).body,
      (await request(app).post('/api/Notes').send({ id: 5, title: 'x' }).expect(422)).body,
    ];
    for (const body of bodies) expect([body, matches(body), matches.errors]).toEqual([body, true, null]);
    expect(bodies.map((b) => b.error.code)).toEqual([
      'AUTHORIZATION_REQUIRED',
      'MODEL_NOT_FOUND',
      'VALIDATION_FAILED',
    ]);
  });
});

describe('the schemas of the example app', () => {
  let doc: any;
  let swagger: any;
  beforeAll(async () => {
    const app = await bootExampleApp();
    doc = (await request(app).get('/explorer/openapi.json')).body;
    swagger = (await request(app).get('/explorer/swagger.json')).body;
  });

  it('leaves the forced id out of what a create sends, and requires nothing of what a patch sends', () => {
    const body = (p: string, verb: string) =>
      doc.paths[`/api${p}`][verb].requestBody.content['application/json'].schema;
    expect(body('/Customers', 'post').oneOf[0]).toEqual({ $ref: '#/components/schemas/NewCustomer' });
    expect(body('/Customers/{id}/orders', 'post').oneOf[0]).toEqual({
      $ref: '#/components/schemas/NewOrder',
    });
    expect(body('/Customers/{id}', 'patch').oneOf[0]).toEqual({
      $ref: '#/components/schemas/CustomerPartial',
    });
    expect(body('/Customers/{id}', 'put').oneOf[0]).toEqual({ $ref: '#/components/schemas/Customer' });
    const { NewCustomer, Customer, CustomerPartial } = doc.components.schemas;
    expect(Object.keys(Customer.properties)).toContain('id');
    // What a client sends has the hidden properties a response leaves out (internalNotes; an Account's password).
    const sent = [...Object.keys(Customer.properties), 'internalNotes'].sort();
    expect(Object.keys(NewCustomer.properties).sort()).toEqual(sent.filter((p) => p !== 'id'));
    expect(NewCustomer.required).toEqual(['name', 'email']);
    expect(CustomerPartial.required).toBeUndefined();
    expect(Object.keys(CustomerPartial.properties).sort()).toEqual(sent);
    expect(doc.components.schemas.NewAccount.required).toEqual(expect.arrayContaining(['email', 'password']));
    expect(doc.components.schemas.Account.properties.password).toBeUndefined();
    expect(swagger.paths['/Customers'].post.parameters.find((p: any) => p.in === 'body').schema).toEqual({
      $ref: '#/definitions/NewCustomer',
    });
  });

  it('names nested object types after their model and property, never AnonymousModel_N', () => {
    expect(doc.components.schemas.Order.properties.items).toEqual({
      type: 'array',
      items: { $ref: '#/components/schemas/Order_items' },
    });
    expect(doc.components.schemas.Order_items).toMatchObject({
      type: 'object',
      properties: { productId: { type: 'number' }, quantity: { type: 'number' } },
    });
    expect(strings(doc).filter((s) => s.includes('AnonymousModel'))).toEqual([]);
    expect(strings(swagger).filter((s) => s.includes('AnonymousModel'))).toEqual([]);
  });

  it('shows no {{…}} placeholder: LB3’s marked words are plain words', () => {
    expect(doc.paths['/api/Customers/{id}'].get.summary).toBe(
      'Find a model instance by id from the data source.',
    );
    expect(doc.paths['/api/Customers/update'].post.summary).toBe(
      'Update instances of the model matched by where from the data source.',
    );
    expect(strings(doc).filter((s) => /\{\{|\}\}/.test(s))).toEqual([]);
    expect(strings(swagger).filter((s) => /\{\{|\}\}/.test(s))).toEqual([]);
  });

  it('keeps both documents valid by the official schemas', () => {
    expect(ops(doc).length).toBeGreaterThan(50);
    expect(validateDocument(doc)).toEqual({ valid: true, version: '3.1', errors: null });
    expect(validateDocument(swagger)).toEqual({ valid: true, version: '2.0', errors: null });
  }, 60000);
});

describe('the documents of an app with access control', () => {
  it('are valid by the official schemas', async () => {
    const app = securedApp({
      settings: { apiInfo: { title: 'Secured', termsOfService: 'https://example.com/terms' } },
    });
    const doc = (await request(app).get('/explorer/openapi.json')).body;
    expect(doc.info.title).toBe('Secured');
    expect(validateDocument(doc)).toEqual({ valid: true, version: '3.1', errors: null });
    expect(validateDocument((await request(app).get('/explorer/swagger.json')).body)).toEqual({
      valid: true,
      version: '2.0',
      errors: null,
    });
  }, 60000);
});
