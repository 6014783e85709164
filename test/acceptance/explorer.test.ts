import fs from 'fs';
import os from 'os';
import path from 'path';
import request from 'supertest';
import loopback from '../../src';
import { mountExplorer } from '../../src/explorer';
import { bootExampleApp } from '../support/example-app';
import { validateDocument as validate } from '../support/validate-document';

describe('the API explorer of the example app', () => {
  let app: any;
  beforeAll(async () => {
    app = await bootExampleApp();
  });

  it('serves Swagger UI from the package at /explorer/', async () => {
    const bare = await request(app).get('/explorer');
    expect([bare.status, bare.headers.location]).toEqual([301, '/explorer/']);
    const page = await request(app).get('/explorer/');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<script src="swagger-ui-bundle.js"></script>');
    const bundle = await request(app).get('/explorer/swagger-ui-bundle.js');
    expect([bundle.status, bundle.headers['content-type']]).toEqual([200, 'text/javascript; charset=utf-8']);
    expect((await request(app).get('/explorer/explorer-init.js')).text).toContain("url: './openapi.json'");
  });

  it("answers LB3's /explorer/config.json and names each route of a many-route method as loopback-swagger does", async () => {
    expect((await request(app).get('/explorer/config.json')).body).toEqual({ url: '/explorer/swagger.json' });
    const doc = (await request(app).get('/explorer/swagger.json')).body;
    expect(doc.paths['/Customers'].put.operationId).toBe('Customer.replaceOrCreate__put_Customers');
    expect(doc.paths['/Customers/replaceOrCreate'].post.operationId).toBe(
      'Customer.replaceOrCreate__post_Customers_replaceOrCreate',
    );
    expect(doc.paths['/Customers/{id}'].head.operationId).toBe('Customer.exists__head_Customers_{id}');
    expect(doc.paths['/Customers/{id}/exists'].get.operationId).toBe(
      'Customer.exists__get_Customers_{id}_exists',
    );
    expect(doc.paths['/Customers/{id}'].get.operationId).toBe('Customer.findById');
    // The body parameter keeps its argument's name, as LB3's.
    const userPath = Object.keys(doc.paths).find((p) => p.endsWith('/login'))!;
    const bodyOf = (op: any) => op.parameters.find((p: any) => p.in === 'body');
    expect(bodyOf(doc.paths[userPath].post)).toMatchObject({
      name: 'credentials',
      in: 'body',
      required: true,
    });
    expect(bodyOf(doc.paths['/Customers'].post)).toMatchObject({ name: 'data', in: 'body' });
  });

  it('describes every route, parameter, body and response in OpenAPI 3.1, valid by the official schema', async () => {
    const doc = (await request(app).get('/explorer/openapi.json')).body;
    expect(doc.openapi).toBe('3.1.0');
    const findById = doc.paths['/api/Customers/{id}'].get;
    expect(findById.operationId).toBe('Customer.findById');
    expect(findById.parameters).toEqual([
      { name: 'id', in: 'path', required: true, schema: {}, description: 'Model id' },
      expect.objectContaining({ name: 'filter', in: 'query', required: false, schema: { type: 'string' } }),
    ]);
    expect(findById.responses['200'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/Customer',
    });
    expect(doc.paths['/api/Customers'].post.requestBody.content['application/json'].schema.oneOf[0]).toEqual({
      $ref: '#/components/schemas/NewCustomer',
    });
    expect(Object.keys(doc.paths['/api/Customers/{id}/orders'])).toEqual(
      expect.arrayContaining(['get', 'post', 'delete']),
    );
    expect(doc.paths['/api/Customers/{id}'].delete.operationId).toBe('Customer.deleteById');
    const discount = doc.paths['/api/Products/{id}/discount'].get;
    expect(discount.parameters).toEqual([
      { name: 'id', in: 'path', required: true, schema: { type: 'number' } },
      { name: 'percent', in: 'query', required: true, schema: { type: 'number' } },
    ]);
    expect(discount.responses['200'].content['application/json'].schema).toEqual({
      type: 'object',
      properties: { price: { type: 'number' } },
    });
    const customer = doc.components.schemas.Customer;
    expect(customer.required).toEqual(['name', 'email']);
    expect(customer.properties.createdAt).toEqual({ type: 'string', format: 'date-time' });
    expect(customer.properties.internalNotes).toBeUndefined();
    expect(doc.components.securitySchemes.AccessToken).toEqual({
      type: 'apiKey',
      in: 'header',
      name: 'Authorization',
    });
    const result = validate(doc);
    expect(result).toEqual({ valid: true, version: '3.1', errors: null });
  });

  it('serves the same document as YAML, and LB3’s Swagger 2.0, valid too', async () => {
    const yaml = await request(app).get('/explorer/openapi.yaml');
    expect(yaml.headers['content-type']).toMatch(/^application\/yaml/);
    expect(yaml.text.startsWith('openapi: 3.1.0\n')).toBe(true);
    const swagger = (await request(app).get('/explorer/swagger.json')).body;
    expect([swagger.swagger, swagger.basePath]).toEqual(['2.0', '/api']);
    expect(swagger.paths['/Customers/{id}'].get.responses['200'].schema).toEqual({
      $ref: '#/definitions/Customer',
    });
    expect(validate(swagger)).toEqual({ valid: true, version: '2.0', errors: null });
  });
});

describe('the explorer outside the example app', () => {
  const saved = process.env.NODE_ENV;
  afterEach(() => {
    process.env.NODE_ENV = saved;
  });

  function appWithModel() {
    const app = loopback();
    app.dataSource('db', { connector: 'memory' });
    app.model(loopback.createModel({ name: 'Note', properties: { title: 'string' } } as any), {
      dataSource: 'db',
    });
    app.use('/api', loopback.rest());
    return app;
  }

  it('is off in production unless enabled', async () => {
    process.env.NODE_ENV = 'production';
    const off = appWithModel();
    expect(mountExplorer(off, {})).toBeUndefined();
    expect((await request(off).get('/explorer/openapi.json')).status).toBe(404);
    const on = appWithModel();
    expect(mountExplorer(on, { enabled: true, mountPath: '/docs' })).toBe('/docs');
    expect((await request(on).get('/docs/openapi.json')).body.paths['/api/Notes']).toBeDefined();
  });

  it('serves the files of uiDirs before its own, an index.html too', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loopline-ui-'));
    fs.writeFileSync(path.join(dir, 'brand.css'), 'body { color: teal }');
    const app = appWithModel();
    mountExplorer(app, { uiDirs: dir });
    expect((await request(app).get('/explorer/brand.css')).text).toBe('body { color: teal }');
    expect((await request(app).get('/explorer/')).text).toContain('swagger-ui-bundle.js');
    fs.writeFileSync(path.join(dir, 'index.html'), '<p>our explorer</p>');
    const page = await request(app).get('/explorer/');
    expect([page.status, page.text]).toEqual([200, '<p>our explorer</p>']);
    expect((await request(app).get('/explorer')).headers.location).toBe('/explorer/');
    expect((await request(app).get('/explorer/swagger-ui.css')).status).toBe(200);
  });

  it('follows remote methods added after it was mounted', async () => {
    const app = appWithModel();
    mountExplorer(app, {});
    expect((await request(app).get('/explorer/openapi.json')).body.paths['/api/Notes/ping']).toBeUndefined();
    const Note = app.models.Note;
    Object.assign(Note, { ping: async () => 'pong' });
    Note.remoteMethod('ping', { http: { verb: 'get' }, returns: { arg: 'reply', type: 'string' } });
    expect(
      (await request(app).get('/explorer/openapi.json')).body.paths['/api/Notes/ping'].get.operationId,
    ).toBe('Note.ping');
  });
});
