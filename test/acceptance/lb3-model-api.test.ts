import request from 'supertest';
import loopback from '../../src';

/**
 * LB3's model API as LB3 apps use it: the core classes extended in code, attached later, models
 * as event emitters, methods and scopes added after the model joined the app and then served
 * over REST, nested relation endpoints.
 */
function restApp(): any {
  const app: any = loopback({ localRegistry: true });
  app.dataSource('db', { connector: 'memory' });
  return app;
}

function serve(app: any): any {
  app.use('/api', loopback.rest());
  return app;
}

describe('LB3 model API', () => {
  it('extends loopback.PersistedModel and loopback.Model into the default registry', async () => {
    const Widget = (loopback.PersistedModel as any).extend('LbWidget', { name: String });
    expect(loopback.registry.findModel('LbWidget')).toBe(Widget);
    expect(Widget.base).toBe(loopback.PersistedModel);
    const Plain = (loopback.Model as any).extend('LbPlain', { title: String });
    expect(Plain.base).toBe(loopback.Model);
    expect(new Plain({ title: 't' }).title).toBe('t');
    // A subclass extends itself even when its parent's `extend` was replaced (LB3: own statics).
    const Gadget = Widget.extend('LbGadget', { size: Number });
    expect(Object.getPrototypeOf(Gadget)).toBe(Widget);
    expect(new Gadget({ name: 'a', size: 2 }).toObject()).toMatchObject({ name: 'a', size: 2 });
  });

  it('attaches with attachTo(ds), stores through it, and emits dataSourceAttached then attached', async () => {
    const Note = (loopback.PersistedModel as any).extend('LbNote', { text: String });
    const events: string[] = [];
    Note.on('dataSourceAttached', (M: unknown) => events.push(M === Note ? 'dataSourceAttached' : 'wrong'));
    Note.on('attached', (app: unknown) => events.push(app ? 'attached' : 'wrong'));
    const ds = loopback.createDataSource({ connector: loopback.Memory });
    Note.attachTo(ds);
    expect(Note.dataSource).toBe(ds);
    await Note.create({ text: 'hello' });
    expect((await Note.find()).map((n: any) => n.text)).toEqual(['hello']);
    const app: any = loopback();
    app.model(Note);
    expect(events).toEqual(['dataSourceAttached', 'attached']);
  });

  it('gives every model class an emitter of its own', () => {
    const A = loopback.createModel('LbEmitA', {});
    const B = loopback.createModel('LbEmitB', {});
    expect(A.once).not.toBe(B.once);
    const heard: string[] = [];
    A.on('x', () => heard.push('A'));
    B.on('x', () => heard.push('B'));
    A.setMaxListeners(3);
    expect(A.getMaxListeners()).toBe(3);
    A.emit('x');
    expect(heard).toEqual(['A']);
    expect(A.listenerCount('x')).toBe(1);
    A.removeAllListeners('x');
    expect(A.emit('x')).toBe(false);
  });

  it('getApp answers now when in an app, and once the model joins one otherwise', async () => {
    const M = loopback.createModel('LbGetApp', {});
    const app: any = loopback();
    const later = new Promise((resolve) => M.getApp((err: unknown, a: unknown) => resolve([err, a])));
    app.model(M);
    expect(await later).toEqual([null, app]);
    const now = await new Promise((resolve) => M.getApp((_e: unknown, a: unknown) => resolve(a)));
    expect(now).toBe(app);
  });

  it('isValid() answers synchronously when every rule is synchronous, a promise when one needs the store', async () => {
    const ds = loopback.createDataSource({ connector: loopback.Memory });
    const Person = (loopback.PersistedModel as any).extend('LbPerson', {
      first: String,
      last: String,
      email: String,
    });
    Person.attachTo(ds);
    Person.validatesPresenceOf('first', 'last');
    const joe = new Person({ first: 'joe' });
    expect(joe.isValid()).toBe(false);
    expect(Object.keys(joe.errors)).toEqual(['last']);
    Person.validatesUniquenessOf('email');
    await Person.create({ first: 'a', last: 'b', email: 'x@y.z' });
    const dup = new Person({ first: 'c', last: 'd', email: 'x@y.z' });
    const answer = dup.isValid();
    expect(answer).toBeInstanceOf(Promise);
    expect(await answer).toBe(false);
    expect(dup.errors.email).toEqual(['is not unique']);
  });

  it('serves a remote method and a scope added after app.model(), and emits remoteMethodAdded', async () => {
    const app = serve(restApp());
    const Item = app.registry.createModel('Item', { name: String, on: Boolean });
    app.model(Item, { dataSource: 'db' });
    await Item.create([
      { name: 'a', on: true },
      { name: 'b', on: false },
    ]);
    // The REST handler is built on the first request; what comes after must still be served.
    await request(app).get('/api/Items').expect(200);
    const added: unknown[] = [];
    app.on('remoteMethodAdded', (sc: unknown) => added.push(sc));
    Item.shout = async (word: string) => word.toUpperCase();
    Item.remoteMethod('shout', {
      accepts: { arg: 'word', type: 'string' },
      returns: { arg: 'loud', type: 'string' },
      http: { verb: 'get' },
    });
    Item.scope('lit', { where: { on: true } });
    expect(added).toEqual([Item.sharedClass, Item.sharedClass]);
    await request(app).get('/api/Items/shout?word=hey').expect(200, { loud: 'HEY' });
    const res = await request(app).get('/api/Items/lit').expect(200);
    expect(res.body.map((i: any) => i.name)).toEqual(['a']);
  });

  it("nestRemoting serves the related model's relations through the parent, only for its own children", async () => {
    const app = serve(restApp());
    const Book = app.registry.createModel('Book', { title: String }, { plural: 'books' });
    const Page = app.registry.createModel('Page', { n: Number }, { plural: 'pages' });
    const Note = app.registry.createModel('Note', { text: String }, { plural: 'notes' });
    for (const M of [Book, Page, Note]) app.model(M, { dataSource: 'db' });
    Book.hasMany(Page);
    Page.hasMany(Note);
    const added: unknown[] = [];
    app.on('remoteMethodAdded', (sc: unknown) => added.push(sc));
    Book.nestRemoting('pages');
    expect(added).toEqual([Book.sharedClass]);
    const [b1, b2] = await Book.create([{ title: 'one' }, { title: 'two' }]);
    const p1 = await b1.pages.create({ n: 1 });
    const p2 = await b2.pages.create({ n: 1 });
    await p1.notes.create({ text: 'of one' });
    await p2.notes.create({ text: 'of two' });
    const res = await request(app).get(`/api/books/${b1.id}/pages/${p1.id}/notes`).expect(200);
    expect(res.body.map((n: any) => n.text)).toEqual(['of one']);
    await request(app).post(`/api/books/${b1.id}/pages/${p1.id}/notes`).send({ text: 'more' }).expect(200);
    expect(await Note.count({ pageId: p1.id })).toBe(2);
    // The page of another book is not reached through this one.
    const other = await request(app).get(`/api/books/${b1.id}/pages/${p2.id}/notes`);
    expect(other.status).toBe(404);
  });

  it('knows LB3 access types of methods', () => {
    const M: any = loopback.createModel('LbAccess', {});
    expect(M._getAccessTypeForMethod('create')).toBe('WRITE');
    expect(M._getAccessTypeForMethod({ name: 'findById' })).toBe('READ');
    expect(M._getAccessTypeForMethod({ name: 'custom', http: { verb: 'get' } })).toBe('READ');
    expect(M._getAccessTypeForMethod({ name: 'custom', accessType: 'WRITE' })).toBe('WRITE');
    expect(M._getAccessTypeForMethod('custom')).toBe('EXECUTE');
    expect(() => M._getAccessTypeForMethod({ name: 'x', accessType: 'DROP' })).toThrow(/invalid accessType/);
  });
});

describe('LB3 application API', () => {
  it('app.connectors, app.connector(name, c) with LB3 aliases, and data sources that name them', () => {
    const app: any = loopback();
    expect(app.connectors.memory).toBe(loopback.Memory);
    expect(app.connectors.remote).toBe(loopback.Remote);
    expect(loopback.Remote).toBeDefined();
    app.connector('foo-bar', loopback.Memory);
    expect(app.connectors['foo-bar']).toBe(loopback.Memory);
    expect(app.connectors.FooBar).toBe(loopback.Memory);
    expect(app.connectors.fooBar).toBe(loopback.Memory);
    const ds = app.dataSource('custom', { connector: 'foo-bar' });
    expect(ds.connector.name).toBe('memory');
    expect(app.datasources).toBe(app.dataSources);
    expect(app.datasources.custom.app).toBe(app);
    expect(loopback().connectors['foo-bar']).toBeUndefined();
  });

  it('names the data source and connector when a data source cannot be made', () => {
    const app: any = loopback();
    app.connector('throwing', { initialize() {} });
    expect(() => app.dataSource('bad-ds', { connector: 'throwing' })).toThrow(/bad-ds.*throwing/);
    expect(app.dataSources['bad-ds']).toBeUndefined();
  });

  it('deleteModelByName takes the model off the app, its REST API and the registry', async () => {
    const app = serve(restApp());
    const Thing = app.registry.createModel('test-thing', { name: String });
    app.model(Thing, { dataSource: 'db' });
    expect(Object.keys(app.models)).toEqual(expect.arrayContaining(['test-thing', 'TestThing', 'testThing']));
    await request(app).get('/api/test-things').expect(200);
    const deleted: unknown[] = [];
    app.on('modelDeleted', (m: unknown) => deleted.push(m));
    app.deleteModelByName('test-thing');
    expect(Object.keys(app.models)).not.toEqual(expect.arrayContaining(['TestThing']));
    expect(app.models()).not.toContain(Thing);
    expect(app.registry.findModel('test-thing')).toBeUndefined();
    expect(deleted).toEqual([Thing]);
    await request(app).get('/api/test-things').expect(404);
  });

  it('app.model refuses a model name (as LB3 3.x) and accepts dataSource: false', () => {
    const app: any = loopback({ localRegistry: true });
    const M = app.registry.createModel('Solo', {});
    expect(() => app.model('Solo')).toThrow(/app\.registry\.createModel/);
    app.model(M, { dataSource: false });
    expect(M.getDataSource()).toBeNull();
    expect(app.remoteObjects()).toEqual({ Solo: M });
    expect(typeof app.handler('rest')).toBe('function');
  });

  it('exports what LB3 packages check: version, modelBuilder, Memory, isServer', () => {
    expect(loopback.version).toBe('3.28.0');
    expect(loopback.looplineVersion).toBe(require('../../package.json').version);
    expect(loopback.modelBuilder).toBe(loopback.registry.modelBuilder);
    expect(loopback.isServer).toBe(true);
    expect(loopback.isBrowser).toBe(false);
    expect(loopback.createDataSource({ connector: loopback.Memory }).connector.name).toBe('memory');
  });

  it('says what replaced the APIs LB3 3.0 removed', () => {
    expect(() => loopback.errorHandler()).toThrow(/no longer available.*strong-error-handler/);
    expect(() => loopback.getCurrentContext()).toThrow(/removed in version 3\.0/);
    expect(() => loopback.context()).toThrow(/loopback#context middleware was removed/);
  });

  it('names both models when a base model is unknown', () => {
    const app: any = loopback({ localRegistry: true });
    expect(() => app.registry.createModel('aModel', {}, { base: 'nonexistent' })).toThrow(
      expect.objectContaining({
        code: 'INVALID_MODEL_DEFINITION',
        message: expect.stringMatching(/model `aModel`.*unknown model `nonexistent`/),
      }),
    );
  });

  it("measures distances with LB3's earth radii, the unit by name or as {type}", () => {
    const here = new loopback.GeoPoint({ lat: 10, lng: 10 });
    const there = new loopback.GeoPoint({ lat: 5, lng: 5 });
    expect(Math.floor(here.distanceTo(there, { type: 'meters' }))).toBe(782777);
    expect(Math.floor(loopback.GeoPoint.distanceBetween(here, there, { type: 'feet' }))).toBe(2568169);
    expect(Math.floor(loopback.GeoPoint.distanceBetween(here, there, 'kilometers'))).toBe(782);
  });

  it('keeps data source operations and their remote flag', () => {
    const ds = loopback.createDataSource({ connector: loopback.Memory });
    const fn = () => 'pong';
    ds.defineOperation('ping', { accepts: [] }, fn);
    expect(ds.operations().ping).toMatchObject({ name: 'ping', fn });
    ds.enableRemote('ping');
    expect(ds.getOperation('ping')?.remoteEnabled).toBe(true);
    ds.disableRemote('ping');
    expect(ds.getOperation('ping')?.remoteEnabled).toBe(false);
    expect(() => ds.enableRemote('nope')).toThrow(/nope is not an operation/);
  });
});
