import request from 'supertest';
import loopback from '../../src';

/**
 * LB3's registry API as LB3 code calls it: the two forms of `createModel`, `configureModel` (what a
 * model-config.json entry does to a model), and remote methods declared in settings or config —
 * observed over REST where there is something to serve.
 */
function restApp(): any {
  const app: any = loopback({ localRegistry: true, loadBuiltinModels: true });
  app.dataSource('db', { connector: 'memory' });
  app.use('/api', loopback.rest());
  return app;
}

describe('createModel', () => {
  it('takes a key from config.options over the same key at the top level, base included', () => {
    const app: any = loopback({ localRegistry: true, loadBuiltinModels: true });
    const M = app.registry.createModel({
      name: 'Pref',
      base: 'User',
      ttl: 1,
      realmRequired: true,
      options: { base: 'Application', ttl: 2 },
    });
    expect(M.prototype).toBeInstanceOf(app.registry.getModel('Application'));
    expect(M.prototype).not.toBeInstanceOf(app.registry.getModel('User'));
    expect(M.settings.ttl).toBe(2);
    expect(M.settings.realmRequired).toBe(true);
  });

  it('names the base class as LB3 does: Model.super_ and settings.base, left out of the settings JSON', () => {
    const app: any = loopback({ localRegistry: true, loadBuiltinModels: true });
    const Parent = app.registry.createModel('Parent', {}, { foo: { bar: 'bat' } });
    const Child = app.registry.createModel('Child', {}, { super: 'Parent', foo: { bat: 'baz' } });
    expect(Child.super_).toBe(Parent);
    expect(Child.settings.base).toBe(Parent);
    expect(Parent.settings.base).toBe(loopback.PersistedModel);
    expect((loopback.PersistedModel as any).super_).toBe(loopback.Model);
    expect(Child.settings.foo).toEqual({ bar: 'bat', bat: 'baz' });
    expect(JSON.parse(JSON.stringify(Child.settings))).not.toHaveProperty('base');
    expect(Object.keys(Child.settings)).not.toContain('super');
  });

  it('refuses a prototype. method declared isStatic: true, naming the model and method', () => {
    const app: any = loopback({ localRegistry: true, loadBuiltinModels: true });
    expect(() =>
      app.registry.createModel('Bad', {}, { methods: { 'prototype.run': { isStatic: true } } }),
    ).toThrow(
      expect.objectContaining({
        code: 'INVALID_REMOTE_METHOD',
        message:
          'Remoting metadata for Bad.prototype.run "isStatic" does not match new method name-based style.',
      }),
    );
    expect(() => app.registry.createModel({ name: 'Bad2', methods: { run: null } })).toThrow(
      expect.objectContaining({
        code: 'INVALID_REMOTE_METHOD',
        message: expect.stringContaining('Bad2.run must be an object'),
      }),
    );
  });

  it('lets a subclass redeclare an inherited remote method; the base keeps its own', async () => {
    const app = restApp();
    const Greeter = app.registry.createModel(
      'Greeter',
      {},
      {
        methods: {
          greet: { http: { path: '/greet', verb: 'get' }, returns: { arg: 'msg', type: 'string' } },
        },
      },
    );
    const Polite = app.registry.createModel(
      'Polite',
      {},
      { base: 'Greeter', methods: { greet: { http: { path: '/hello', verb: 'get' } } } },
    );
    Greeter.greet = async () => 'hi';
    app.model(Greeter, { dataSource: 'db' });
    app.model(Polite, { dataSource: 'db' });
    expect(Greeter.sharedClass.findMethodByName('greet').http).toEqual({ path: '/greet', verb: 'get' });
    expect(Polite.sharedClass.findMethodByName('greet').http).toEqual({ path: '/hello', verb: 'get' });
    await request(app).get('/api/Greeters/greet').expect(200, { msg: 'hi' });
    await request(app).get('/api/Polites/hello').expect(200, { msg: 'hi' });
    await request(app).get('/api/Polites/greet').expect(404);
  });
});

describe('configureModel', () => {
  it("merges each configured relation into the model's and defines a changed one again", async () => {
    const app = restApp();
    const Author = app.registry.createModel('Author', { name: String });
    const Editor = app.registry.createModel('Editor', { name: String });
    const Note = app.registry.createModel(
      'Note',
      { text: String },
      { relations: { owner: { type: 'belongsTo', model: 'Author', foreignKey: 'ownerId' } } },
    );
    app.model(Author, { dataSource: 'db' });
    app.model(Editor, { dataSource: 'db' });
    expect(Note.relations.owner.modelTo).toBe(Author);
    app.model(Note, { dataSource: 'db', relations: { owner: { model: 'Editor' } } });
    expect(Note.settings.relations.owner).toEqual({
      type: 'belongsTo',
      model: 'Editor',
      foreignKey: 'ownerId',
    });
    expect(Note.relations.owner.modelTo).toBe(Editor);
    const ed = await Editor.create({ name: 'ed' });
    const note = await Note.create({ text: 't', ownerId: ed.id });
    const res = await request(app).get(`/api/Notes/${note.id}/owner`).expect(200);
    expect(res.body).toEqual({ id: ed.id, name: 'ed' });
  });

  it("leaves the base model's relations and ACLs alone when configuring a subclass", () => {
    const app: any = loopback({ localRegistry: true, loadBuiltinModels: true });
    const Base = app.registry.createModel(
      'Base',
      {},
      {
        relations: { owner: { type: 'belongsTo', model: 'Base' } },
        acls: [
          {
            property: 'find',
            accessType: 'EXECUTE',
            principalType: 'ROLE',
            principalId: '$everyone',
            permission: 'DENY',
          },
        ],
      },
    );
    const Sub = app.registry.createModel('Sub', {}, { base: 'Base' });
    app.registry.configureModel(Sub, {
      dataSource: null,
      relations: { owner: { model: 'Sub' } },
      acls: [
        {
          property: 'find',
          accessType: 'EXECUTE',
          principalType: 'ROLE',
          principalId: '$everyone',
          permission: 'ALLOW',
        },
      ],
    });
    expect(Base.settings.relations.owner.model).toBe('Base');
    expect(Base.settings.acls.map((a: any) => a.permission)).toEqual(['DENY']);
    expect(Sub.settings.acls.map((a: any) => a.permission)).toEqual(['ALLOW']);
  });

  it('replaces an ACL for the same property, access type and principal; adds any other', () => {
    const app: any = loopback({ localRegistry: true, loadBuiltinModels: true });
    const deny = {
      property: 'find',
      accessType: 'EXECUTE',
      principalType: 'ROLE',
      principalId: '$everyone',
      permission: 'DENY',
    };
    const M = app.registry.createModel('Guarded', {}, { acls: [deny] });
    const allowEveryone = { ...deny, permission: 'ALLOW' };
    const allowAdmin = { ...deny, principalId: 'admin', permission: 'ALLOW' };
    app.registry.configureModel(M, { dataSource: null, acls: [allowEveryone, allowAdmin] });
    expect(M.settings.acls).toEqual([allowEveryone, allowAdmin]);
    expect(() => app.registry.configureModel(M, { dataSource: null, acls: { nope: 1 } })).toThrow(
      /"acls" must be an array/,
    );
  });

  it('sets options as settings but never changes the base, with a warning', () => {
    const M = (loopback.Model as any).extend('Configured', {}, { ttl: 10, emailVerificationRequired: false });
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      loopback.configureModel(M, {
        dataSource: null,
        options: { ttl: 20, realmRequired: true, base: 'User' },
      });
      expect(M.settings).toMatchObject({ ttl: 20, emailVerificationRequired: false, realmRequired: true });
      expect(M.settings.base).toBe(loopback.Model);
      expect(warn).toHaveBeenCalledWith(
        expect.stringMatching(/model "Configured": option "base" cannot be reconfigured/),
        'LooplineConfigWarning',
      );
    } finally {
      warn.mockRestore();
    }
  });

  it('serves the methods it declares, static and prototype., for this model only', async () => {
    const app = restApp();
    const Tool = app.registry.createModel('Tool', { name: String });
    Tool.count2 = async () => 2;
    Tool.prototype.shout = async function (this: any) {
      return this.name.toUpperCase();
    };
    app.model(Tool, {
      dataSource: 'db',
      methods: {
        count2: { http: { verb: 'get' }, returns: { arg: 'n', type: 'number' } },
        'prototype.shout': { http: { verb: 'get' }, returns: { arg: 'loud', type: 'string' } },
      },
    });
    const Hammer = app.registry.createModel('Hammer', {}, { base: 'Tool' });
    app.model(Hammer, { dataSource: 'db' });
    const t = await Tool.create({ name: 'saw' });
    await request(app).get('/api/Tools/count2').expect(200, { n: 2 });
    await request(app).get(`/api/Tools/${t.id}/shout`).expect(200, { loud: 'SAW' });
    await request(app).get('/api/Hammers/count2').expect(404);
    expect(() =>
      app.registry.configureModel(Tool, { dataSource: null, methods: { 'prototype.x': { isStatic: true } } }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_REMOTE_METHOD' }));
  });

  it('takes the related model as a class, and hides its endpoints by a sharedMethods glob', async () => {
    const app = restApp();
    const Owner = app.registry.createModel('Owner', { name: String });
    const Pet = app.registry.createModel('Pet', { name: String });
    app.model(Pet, { dataSource: 'db' });
    app.model(Owner, {
      dataSource: 'db',
      relations: { pet: { type: 'hasOne', model: Pet } },
      options: { remoting: { sharedMethods: { '*__pet': false } } },
    });
    expect(Owner.relations.pet.modelTo).toBe(Pet);
    const names = Owner.sharedClass.methods().map((m: any) => m.stringName);
    expect(names).not.toContain('Owner.prototype.__get__pet');
    expect(names).toContain('Owner.find');
    const o = await Owner.create({ name: 'o' });
    await request(app).post(`/api/Owners/${o.id}/pet`).send({ name: 'rex' }).expect(404);
    expect(await Pet.count()).toBe(0);
    await request(app).get(`/api/Owners/${o.id}`).expect(200);
  });
});

describe('built-in models in a local registry', () => {
  afterEach(() => {
    delete (loopback as any).localRegistry;
  });

  it('holds Model and PersistedModel only unless loadBuiltinModels is true, as LB3', () => {
    const bare: any = loopback({ localRegistry: true });
    expect(bare.registry).not.toBe(loopback.registry);
    expect(bare.registry.findModel('User')).toBeUndefined();
    expect(bare.registry.findModel('AccessToken')).toBeUndefined();
    expect(bare.registry.findModel('PersistedModel')).toBeDefined();
    expect(() => bare.registry.createModel({ name: 'Member', base: 'User' })).toThrow();

    const full: any = loopback({ localRegistry: true, loadBuiltinModels: true });
    expect(full.registry.findModel('User').modelName).toBe('User');
    expect(full.registry.findModel('User')).not.toBe(loopback.User);

    expect(new loopback.Registry().findModel('Role')).toBeUndefined();
    expect(new loopback.Registry({ loadBuiltinModels: true }).findModel('Role')?.modelName).toBe('Role');
    // The shared registry always has them.
    expect(loopback().registry.findModel('User')).toBe(loopback.User);
  });

  it('gives every app its own registry when loopback.localRegistry is set', () => {
    (loopback as any).localRegistry = true;
    const app: any = loopback();
    expect(app.registry).not.toBe(loopback.registry);
    expect(app.registry.findModel('User')).toBeUndefined();
  });

  it('serves a model of a registry without built-ins over REST', async () => {
    const app: any = loopback({ localRegistry: true });
    app.dataSource('db', { connector: 'memory' });
    const Book = app.registry.createModel('Book', { title: 'string' });
    app.model(Book, { dataSource: 'db' });
    app.use('/api', loopback.rest());
    await request(app).post('/api/Books').send({ title: 'x' }).expect(200, { title: 'x', id: 1 });
    await request(app)
      .get('/api/Books')
      .expect(200, [{ title: 'x', id: 1 }]);
  });
});
