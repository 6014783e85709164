import request from 'supertest';
import loopback from '../../../src';

/**
 * `app.handler('rest').adapter.getClasses()`: LB3's description of the REST API (classes, methods
 * named as LB3 names them, routes and endpoints), compared with what real LB3 3.28 lists for the
 * same models; and the remote-method declarations it shows (createOnlyInstance, PUT before PATCH,
 * a scope's DELETE without a where).
 */
function build() {
  const app: any = loopback({ localRegistry: true });
  app.set('remoting', { urlencoded: { limit: '8kb' }, rest: { normalizeHttpPath: false } });
  app.dataSource('db', { connector: 'memory' });
  const Shop = app.registry.createModel({
    name: 'Shop',
    base: 'PersistedModel',
    properties: { name: 'string', big: 'boolean' },
    http: { path: '/shops' },
    scopes: { bigOnes: { where: { big: true } } },
    relations: { items: { type: 'hasMany', model: 'Item', foreignKey: 'shopId' } },
  });
  const Item = app.registry.createModel({
    name: 'Item',
    base: 'PersistedModel',
    properties: { label: 'string' },
    relations: { shop: { type: 'belongsTo', model: 'Shop', foreignKey: 'shopId' } },
  });
  const Keyed = app.registry.createModel({
    name: 'Keyed',
    base: 'PersistedModel',
    properties: { code: { type: 'string', id: true } },
    forceId: false,
    replaceOnPUT: false,
  });
  app.model(Shop, { dataSource: 'db' });
  app.model(Item, { dataSource: 'db' });
  app.model(Keyed, { dataSource: 'db' });
  app.use(loopback.rest());
  return { app, Shop, Item };
}

/** The format LB3's own remoting test uses: `name(arg:type[:model],…):returnType VERB /path`. */
function describeMethod(m: any): string[] {
  const args = m.accepts
    .filter((a: any) => typeof a.http !== 'function')
    .map((a: any) => `${a.arg}:${a.type}${a.model ? `:${a.model}` : ''}`);
  let ret = m.returns?.[0]?.type;
  if (ret && typeof ret === 'object' && !Array.isArray(ret)) ret = 'object';
  return m
    .getEndpoints()
    .map((e: any) => `${m.name}(${args.join(',')})${ret ? `:${ret}` : ''} ${e.verb} ${e.fullPath}`);
}

function classNamed(app: any, name: string): any {
  return app
    .handler('rest')
    .adapter.getClasses()
    .find((c: any) => c.name === name);
}

describe('the REST adapter description (getClasses)', () => {
  it("lists a model's methods with LB3's names, signatures, verbs and full paths", () => {
    const { app } = build();
    const shop = classNamed(app, 'Shop');
    expect(shop.getPath()).toBe('/shops');
    expect(shop.ctor.routes).toEqual([{ verb: 'all', path: '/:id' }]);
    const lines = shop.methods.flatMap(describeMethod);
    expect(lines).toEqual(
      expect.arrayContaining([
        'create(data:object:Shop):Shop POST /shops',
        'patchOrCreate(data:object:Shop):Shop PATCH /shops',
        'replaceOrCreate(data:object:Shop):Shop PUT /shops',
        'exists(id:any):boolean GET /shops/:id/exists',
        'exists(id:any):boolean HEAD /shops/:id',
        'find(filter:object):Shop GET /shops',
        'updateAll(where:object,data:object:Shop):object POST /shops/update',
        'prototype.patchAttributes(data:object:Shop):Shop PATCH /shops/:id',
        '__get__bigOnes(filter:object):Shop GET /shops/bigOnes',
        '__delete__bigOnes() DELETE /shops/bigOnes',
        'prototype.__get__items(filter:object):Item GET /shops/:id/items',
        'prototype.__findById__items(fk:any):Item GET /shops/:id/items/:fk',
        'prototype.__delete__items() DELETE /shops/:id/items',
      ]),
    );
    const find = shop.methods.find((m: any) => m.name === 'find');
    expect(find.fullName).toBe('Shop.find');
    expect(find.isReturningArray()).toBe(true);
    expect(find.getHttpMethod()).toBe('GET');
    expect(find.getFullPath()).toBe('/shops');
    expect(find.getArgByName('FILTER', [{ limit: 1 }, {}])).toEqual({ limit: 1 });
    const item = classNamed(app, 'Item');
    expect(item.methods.flatMap(describeMethod)).toContain(
      'prototype.__get__shop(refresh:boolean):Shop GET /Items/:id/shop',
    );
  });

  it('hands the options argument to readers as a function of the call, as LB3', () => {
    const { app } = build();
    const create = classNamed(app, 'Shop').methods.find((m: any) => m.name === 'create');
    const options = create.accepts.find((a: any) => a.arg === 'options');
    expect(typeof options.http).toBe('function');
    // The declaration itself is unchanged: the REST handler still fills the argument.
    expect(
      app.models.Shop.sharedClass.findMethodByName('create').accepts.find((a: any) => a.arg === 'options')
        .http,
    ).toBe('optionsFromRequest');
  });

  it('flags a create whose model forces its id (createOnlyInstance), by the target model for relations', () => {
    const { app } = build();
    const coi = (cls: string, name: string) =>
      classNamed(app, cls).methods.find((m: any) => m.name === name).accepts[0].createOnlyInstance;
    expect(coi('Shop', 'create')).toBe(true);
    expect(coi('Shop', '__create__bigOnes')).toBe(true);
    expect(coi('Shop', 'prototype.__create__items')).toBe(true);
    expect(coi('Keyed', 'create')).toBe(false);
    expect(app.models.Shop.getUpdateOnlyProperties()).toEqual(['id']);
    expect(app.models.Keyed.getUpdateOnlyProperties()).toEqual([]);
  });

  it("lists the methods in LB3's order, PUT before PATCH when PUT patches (replaceOnPUT: false)", () => {
    const { app } = build();
    const lines = classNamed(app, 'Keyed')
      .methods.filter((m: any) => !m.name.includes('__'))
      .flatMap(describeMethod);
    // Real LB3 3.28 lists exactly these, in this order, for such a model.
    expect(lines).toEqual([
      'create(data:object:Keyed):Keyed POST /Keyeds',
      'patchOrCreate(data:object:Keyed):Keyed PUT /Keyeds',
      'patchOrCreate(data:object:Keyed):Keyed PATCH /Keyeds',
      'replaceOrCreate(data:object:Keyed):Keyed POST /Keyeds/replaceOrCreate',
      'upsertWithWhere(where:object,data:object:Keyed):Keyed POST /Keyeds/upsertWithWhere',
      'exists(id:any):boolean GET /Keyeds/:id/exists',
      'exists(id:any):boolean HEAD /Keyeds/:id',
      'findById(id:any,filter:object):Keyed GET /Keyeds/:id',
      'replaceById(id:any,data:object:Keyed):Keyed POST /Keyeds/:id/replace',
      'find(filter:object):Keyed GET /Keyeds',
      'findOne(filter:object):Keyed GET /Keyeds/findOne',
      'updateAll(where:object,data:object:Keyed):object POST /Keyeds/update',
      'deleteById(id:any):object DELETE /Keyeds/:id',
      'count(where:object):number GET /Keyeds/count',
      'prototype.patchAttributes(data:object:Keyed):Keyed PUT /Keyeds/:id',
      'prototype.patchAttributes(data:object:Keyed):Keyed PATCH /Keyeds/:id',
      'createChangeStream(options:object):ReadableStream POST /Keyeds/change-stream',
      'createChangeStream(options:object):ReadableStream GET /Keyeds/change-stream',
    ]);
  });

  it('leaves out disabled methods, and follows methods added after the adapter was made', () => {
    const { app, Shop } = build();
    const adapter = app.handler('rest').adapter;
    Shop.disableRemoteMethodByName('deleteById');
    Shop.greet = async () => 'hi';
    Shop.remoteMethod('greet', { returns: { arg: 'msg', type: 'string' }, http: { verb: 'get' } });
    const names = adapter
      .getClasses()
      .find((c: any) => c.name === 'Shop')
      .methods.map((m: any) => m.name);
    expect(names).not.toContain('deleteById');
    expect(names).toContain('greet');
  });

  it("writes the form parser's nested-keys default into the app's remoting options, as LB3", () => {
    const { app } = build();
    expect(app.remotes().options.urlencoded).toEqual({ limit: '8kb', extended: true });
    // The adapter's own options are the `rest` part, as LB3's.
    expect(app.handler('rest').adapter.options).toEqual({ normalizeHttpPath: false });
  });

  it('DELETE on a scope deletes the whole scope: a where in the query does not narrow it', async () => {
    const { app, Shop } = build();
    await Shop.create([
      { name: 'a', big: true },
      { name: 'b', big: true },
      { name: 'c', big: false },
    ]);
    const res = await request(app)
      .delete('/shops/bigOnes')
      .query({ where: JSON.stringify({ name: 'a' }) });
    expect(res.status).toBe(204);
    expect((await Shop.find()).map((s: any) => s.name)).toEqual(['c']);
  });
});

describe('the REST adapter route list (allRoutes)', () => {
  it('lists every route flat, as LB3 lists them for loopback-swagger', () => {
    const { app } = build();
    const routes = app.handler('rest').adapter.allRoutes();
    const line = (r: any) => `${r.verb} ${r.path} ${r.method}`;
    expect(routes.map(line)).toEqual(
      expect.arrayContaining([
        'post /shops Shop.create',
        'get /shops Shop.find',
        'get /shops/:id Shop.findById',
        'head /shops/:id Shop.exists',
        'get /shops/:id/exists Shop.exists',
        'patch /shops/:id Shop.prototype.patchAttributes',
        'get /shops/:id/items Shop.prototype.__get__items',
        'get /shops/bigOnes Shop.__get__bigOnes',
      ]),
    );
    const find = routes.find((r: any) => r.method === 'Shop.find');
    expect(find).toMatchObject({ documented: true, description: expect.any(String), errors: undefined });
    expect(find.accepts.map((a: any) => a.arg)).toEqual(['filter', 'options']);
    expect(find.returns).toEqual([expect.objectContaining({ arg: 'data', root: true })]);
    expect(find.http).toEqual({ verb: 'get', path: '/' });
    const destroyScope = routes.find((r: any) => r.method === 'Shop.__delete__bigOnes');
    expect(destroyScope.returns).toBeUndefined();
    expect(routes.filter((r: any) => r.method === 'Shop.replaceById').map(line)).toEqual([
      'post /shops/:id/replace Shop.replaceById',
      'put /shops/:id Shop.replaceById',
    ]);
  });
});
