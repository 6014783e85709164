import request from 'supertest';
import loopback from '../../src';

/** LB3's application API as LB3 code and tests use it: data source defaults, enableAuth, remotes. */
describe('LB3 application API', () => {
  it('a model starts with dataSource null, its own, whatever its base is attached to', async () => {
    const app: any = loopback({ localRegistry: true, loadBuiltinModels: true });
    const db = app.dataSource('db', { connector: 'memory' });
    const Base = app.registry.createModel('AppApiBase', { name: String });
    app.model(Base, { dataSource: 'db' });
    const Child = app.registry.createModel('AppApiChild', {}, { base: 'AppApiBase' });
    expect(Base.dataSource).toBe(db);
    expect(Child.dataSource).toBeNull();
    expect(Child.getDataSource()).toBeNull();
    app.model(Child, { dataSource: null });
    expect(Child.dataSource).toBeNull();
    // The base keeps serving from its store.
    await request(app.use('/api', loopback.rest())).get('/api/AppApiBases').expect(200, []);
    app.deleteModelByName('AppApiBase');
    expect(Base.dataSource).toBeNull();
  });

  it('enableAuth({dataSource}) attaches the access models, leaving one a subclass stands in for', () => {
    const app: any = loopback({ localRegistry: true, loadBuiltinModels: true });
    const db = app.dataSource('db', { connector: 'memory' });
    const Customer = app.registry.createModel('Customer', {}, { base: 'User' });
    app.model(Customer, { dataSource: 'db' });
    app.enableAuth({ dataSource: 'db' });
    expect(Object.keys(app.models)).not.toContain('User');
    for (const name of ['AccessToken', 'ACL', 'Role', 'RoleMapping']) {
      expect(app.models[name].dataSource).toBe(db);
      expect(app.models[name].shared).toBe(false);
    }
  });

  it('enableAuth({dataSource}) refuses a registry without the access models', () => {
    const app: any = loopback({ localRegistry: true, loadBuiltinModels: true });
    app.dataSource('db', { connector: 'memory' });
    app.registry.modelBuilder.deleteModelByName('RoleMapping');
    expect(() => app.enableAuth({ dataSource: 'db' })).toThrow(
      expect.objectContaining({ code: 'MODEL_NOT_DEFINED' }),
    );
  });

  it('app.remotes()._classes lists the shared classes by name, and loses a deleted model', () => {
    const app: any = loopback({ localRegistry: true, loadBuiltinModels: true });
    app.dataSource('db', { connector: 'memory' });
    const Thing = app.registry.createModel('AppApiThing', {});
    app.model(Thing, { dataSource: 'db' });
    expect(app.remotes()._classes.AppApiThing).toBe(Thing.sharedClass);
    app.deleteModelByName('AppApiThing');
    expect(Object.keys(app.remotes()._classes)).not.toContain('AppApiThing');
  });

  it('Model._ACL() is the most specific ACL model of the registry, kept until reset with null', () => {
    const app: any = loopback({ localRegistry: true, loadBuiltinModels: true });
    const ACL = app.registry.getModel('ACL');
    const Thing = app.registry.createModel('AclThing', {});
    expect(Thing._ACL()).toBe(ACL);
    const MyACL = app.registry.createModel('MyACL', {}, { base: 'ACL' });
    expect(Thing._ACL()).toBe(ACL);
    expect(Thing._ACL(null)).toBe(MyACL);
    expect(Thing._ACL(ACL)).toBe(ACL);
    expect(Thing._ACL()).toBe(ACL);
  });

  it('Model.definition.properties.x.type is the constructor LB3 code compares with', () => {
    const app: any = loopback({ localRegistry: true, loadBuiltinModels: true });
    const Part = app.registry.createModel('TypePart', { label: String }, { base: 'Model' });
    const M = app.registry.createModel('TypedThing', {
      s: String,
      n: { type: 'number' },
      b: 'boolean',
      d: Date,
      g: loopback.GeoPoint,
      x: 'any',
      o: 'object',
      tags: ['string'],
      part: 'TypePart',
      parts: ['TypePart'],
    });
    const type = (name: string) => M.definition.properties[name].type;
    expect([type('s'), type('n'), type('b'), type('d'), type('g'), type('o'), type('id')]).toEqual([
      String,
      Number,
      Boolean,
      Date,
      loopback.GeoPoint,
      Object,
      Number,
    ]);
    expect(type('x').name).toBe('Any');
    expect(type('tags')).toEqual([String]);
    expect(type('part')).toBe(Part);
    expect(type('parts')).toEqual([Part]);
    expect(M.getPropertyType('n')).toBe('Number');
  });
});
