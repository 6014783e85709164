import loopback, { AccessContext, AccessRequest, Principal } from '../../../src';

/**
 * LB3's static access-control API on Role, RoleMapping and ACL, called as LB3 apps and LB3's own
 * tests call it: plain `{principalType, principalId, model, id}` contexts, callbacks or promises.
 */

function givenApp() {
  const app = (loopback as any)({ localRegistry: true, loadBuiltinModels: true });
  app.dataSource('db', { connector: 'memory' });
  for (const name of ['User', 'AccessToken', 'ACL', 'Role', 'RoleMapping', 'Application'])
    app.model(app.registry.getModel(name), { dataSource: 'db' });
  const m = app.models;
  return {
    app,
    User: m.User,
    Role: m.Role,
    RoleMapping: m.RoleMapping,
    ACL: m.ACL,
    Application: m.Application,
  };
}

describe('Role: isInRole, getRoles, isOwner and principal lists (LB3 API)', () => {
  it('isInRole and getRoles take a plain principal; getRoles lists built-in roles, then mapped role ids or names', async () => {
    const { User, Role, RoleMapping } = givenApp();
    const user = await User.create({ email: 'a@example.com', password: 'pass' });
    const role = await Role.create({ name: 'editor' });
    await role.principals.create({ principalType: RoleMapping.USER, principalId: user.id });
    expect(await Role.isInRole('editor', { principalType: 'USER', principalId: user.id })).toBe(true);
    expect(await Role.isInRole('editor', { principalType: 'APP', principalId: user.id })).toBe(false);
    expect(await Role.isInRole('editor', { principalType: 'USER', principalId: 999 })).toBe(false);
    expect(await Role.getRoles({ principalType: 'USER', principalId: user.id })).toEqual([
      '$authenticated',
      '$everyone',
      role.id,
    ]);
    expect(
      await Role.getRoles({ principalType: 'USER', principalId: user.id }, { returnOnlyRoleNames: true }),
    ).toEqual(['$authenticated', '$everyone', 'editor']);
    expect(await Role.getRoles({ principalType: 'USER', principalId: null })).toEqual([
      '$unauthenticated',
      '$everyone',
    ]);
    const viaCallback = await new Promise((resolve, reject) =>
      Role.isInRole(
        'editor',
        { principalType: 'USER', principalId: user.id },
        (err: Error | null, yes: boolean) => (err ? reject(err) : resolve(yes)),
      ),
    );
    expect(viaCallback).toBe(true);
  });

  it('a duplicate role name is 422 with a uniqueness code', async () => {
    const { Role } = givenApp();
    await Role.create({ name: 'admin' });
    await expect(Role.create({ name: 'admin' })).rejects.toMatchObject({
      statusCode: 422,
      details: { codes: { name: ['uniqueness'] } },
    });
    expect(await Role.count()).toBe(1);
  });

  it('role.users(), role.applications(), role.roles() list the mapped principals; users(query) adds the ids to the query', async () => {
    const { User, Role, RoleMapping, Application } = givenApp();
    const [u1] = await User.create([
      { email: 'a@example.com', password: 'p' },
      { email: 'b@example.com', password: 'p' },
    ]);
    const application = await Application.create({ name: 'app' });
    const [role, child] = await Role.create([{ name: 'r' }, { name: 'child' }]);
    await role.principals.create([
      { principalType: RoleMapping.USER, principalId: u1.id },
      { principalType: RoleMapping.APP, principalId: application.id },
      { principalType: RoleMapping.ROLE, principalId: child.id },
    ]);
    expect((await role.users()).map((u: any) => u.id)).toEqual([u1.id]);
    expect((await role.applications()).map((a: any) => a.id)).toEqual([application.id]);
    expect((await role.roles()).map((r: any) => r.name)).toEqual(['child']);
    const query: any = { fields: ['id', 'email'] };
    const users = await role.users(query);
    expect(users.map((u: any) => u.toJSON())).toEqual([{ id: u1.id, email: 'a@example.com' }]);
    expect(query.where).toEqual({ id: { inq: [String(u1.id)] } });
  });

  it('Role.isOwner(Model, id, userId) and $owner through a plain context', async () => {
    const { app, User, Role } = givenApp();
    const user = await User.create({ email: 'a@example.com', password: 'p' });
    expect(await Role.isOwner(User, user.id, user.id)).toBe(true);
    expect(await Role.isOwner(User, user.id, 999)).toBe(false);
    const Album = app.registry.createModel(
      'Album',
      { name: String },
      { relations: { user: { type: 'belongsTo', model: 'User', foreignKey: 'userId' } } },
    );
    app.model(Album, { dataSource: 'db' });
    const album = await Album.create({ name: 'a', userId: user.id });
    expect(
      await Role.isInRole('$owner', {
        principalType: 'USER',
        principalId: user.id,
        model: Album,
        id: album.id,
      }),
    ).toBe(true);
    expect(
      await Role.isInRole('$owner', { principalType: 'USER', principalId: 999, model: Album, id: album.id }),
    ).toBe(false);
  });

  it('ownerRelations: unset, the first belongsTo to a user owns; true, any; a list, those named', async () => {
    const { app, User, Role } = givenApp();
    const [sender, receiver] = await User.create([
      { email: 's@example.com', password: 'p' },
      { email: 'r@example.com', password: 'p' },
    ]);
    const relations = {
      sender: { type: 'belongsTo', model: 'User', foreignKey: 'senderId' },
      receiver: { type: 'belongsTo', model: 'User', foreignKey: 'receiverId' },
    };
    const owns = async (ownerRelations: unknown) => {
      const M = app.registry.createModel(
        `Msg${String(ownerRelations)}`,
        { content: String },
        { relations, ...(ownerRelations === undefined ? {} : { ownerRelations }) },
      );
      app.model(M, { dataSource: 'db' });
      const msg = await M.create({ senderId: sender.id, receiverId: receiver.id });
      const is = (u: any) =>
        Role.isInRole('$owner', { principalType: 'USER', principalId: u.id, model: M, id: msg.id });
      return [await is(sender), await is(receiver)];
    };
    expect(await owns(undefined)).toEqual([true, false]);
    expect(await owns(true)).toEqual([true, true]);
    expect(await owns(['receiver'])).toEqual([false, true]);
  });
});

describe('RoleMapping: user(), application(), childRole()', () => {
  it('each resolves the mapped principal of its type, else null', async () => {
    const { User, Role, RoleMapping, Application } = givenApp();
    const user = await User.create({ email: 'a@example.com', password: 'p' });
    const application = await Application.create({ name: 'app' });
    const role = await Role.create({ name: 'r' });
    const toUser = await RoleMapping.create({ principalType: 'USER', principalId: user.id });
    const toApp = await RoleMapping.create({ principalType: 'APP', principalId: application.id });
    const toRole = await RoleMapping.create({ principalType: 'ROLE', principalId: role.id });
    expect((await toUser.user()).id).toBe(user.id);
    expect((await toApp.application()).id).toBe(application.id);
    expect((await toRole.childRole()).name).toBe('r');
    expect(await toUser.application()).toBeNull();
    expect(await toApp.user()).toBeNull();
  });
});

describe('ACL: constants, principals, permissions (LB3 API)', () => {
  it('DEFAULT_SCOPE; resolvePrincipal by id, username, email or name; isMappedToRole', async () => {
    const { User, Role, ACL, Application } = givenApp();
    expect(ACL.DEFAULT_SCOPE).toBe('DEFAULT');
    const user = await User.create({ username: 'john', email: 'john@example.com', password: 'p' });
    const application = await Application.create({ name: 'demo' });
    const role = await Role.create({ name: 'admin' });
    await role.principals.create([
      { principalType: 'USER', principalId: user.id },
      { principalType: 'APP', principalId: application.id },
    ]);
    expect((await ACL.resolvePrincipal('USER', user.id)).id).toBe(user.id);
    expect((await ACL.resolvePrincipal('USER', 'john')).id).toBe(user.id);
    expect((await ACL.resolvePrincipal('USER', 'john@example.com')).id).toBe(user.id);
    expect((await ACL.resolvePrincipal('APP', 'demo')).id).toBe(application.id);
    expect(await ACL.resolvePrincipal('USER', 'nobody')).toBeNull();
    expect(await ACL.isMappedToRole('USER', 'john', 'admin')).toBe(true);
    expect(await ACL.isMappedToRole('USER', 'mary', 'admin')).toBe(false);
    expect(await ACL.isMappedToRole('APP', 'demo', 'admin')).toBe(true);
  });

  it('an absent principal id names nobody; matchAbsentPrincipalId: true on the ACL model restores LB3 (the first row lacking a username or email)', async () => {
    const { User, Role, ACL } = givenApp();
    // The admin has no username: LB3's `{username: undefined}` matched her for any absent id.
    const admin = await User.create({ email: 'admin@example.com', password: 'p' });
    await User.create({ username: 'eve', email: 'eve@example.com', password: 'p' });
    const role = await Role.create({ name: 'admin' });
    await role.principals.create({ principalType: 'USER', principalId: admin.id });
    for (const absent of [undefined, null]) {
      expect(await ACL.resolvePrincipal('USER', absent)).toBeNull();
      expect(await ACL.isMappedToRole('USER', absent, 'admin')).toBe(false);
    }
    ACL.settings.matchAbsentPrincipalId = true;
    for (const absent of [undefined, null]) {
      expect((await ACL.resolvePrincipal('USER', absent)).id).toBe(admin.id);
      expect(await ACL.isMappedToRole('USER', absent, 'admin')).toBe(true);
    }
    // A given id is resolved as without the setting.
    expect(await ACL.isMappedToRole('USER', 'eve', 'admin')).toBe(false);
  });

  it("checkPermission: the rules of that principal, most specific first; another user's rules do not apply", async () => {
    const { app, ACL } = givenApp();
    const Note = app.registry.createModel('Note', { name: String });
    app.model(Note, { dataSource: 'db' });
    await ACL.create([
      {
        principalType: 'USER',
        principalId: 'u1',
        model: 'Note',
        property: '*',
        accessType: '*',
        permission: 'DENY',
      },
      {
        principalType: 'USER',
        principalId: 'u1',
        model: 'Note',
        property: '*',
        accessType: 'READ',
        permission: 'ALLOW',
      },
      {
        principalType: 'USER',
        principalId: 'u2',
        model: 'Note',
        property: '*',
        accessType: '*',
        permission: 'DENY',
      },
    ]);
    const perm = async (id: string, property: string, accessType: string) =>
      (await ACL.checkPermission('USER', id, 'Note', property, accessType)).permission;
    expect(await perm('u1', 'name', 'READ')).toBe('ALLOW');
    expect(await perm('u1', 'name', 'WRITE')).toBe('DENY');
    // A wildcard request: the most specific rule that is not DEFAULT decides (here the one naming every access type).
    expect(await perm('u1', 'name', '*')).toBe('DENY');
    // u2's DENY is not u3's; no rule for u3, so the model's default (ALLOW).
    expect(await perm('u3', 'name', 'WRITE')).toBe('ALLOW');
    const result = await ACL.checkPermission('USER', 'u1', 'Note', 'name', 'READ');
    expect(result).toBeInstanceOf(AccessRequest);
    expect(result.isAllowed()).toBe(true);
  });

  it("checkPermission: a model's own rule that denies whoever asks denies (LB3), and so does a DENY default with no own rule", async () => {
    const { app, ACL } = givenApp();
    const Closed = app.registry.createModel('Closed', { name: String }, { defaultPermission: 'DENY' });
    const Guarded = app.registry.createModel(
      'Guarded',
      { name: String },
      { acls: [{ principalType: 'ROLE', principalId: '$everyone', permission: 'DENY' }] },
    );
    app.model(Closed, { dataSource: 'db' });
    app.model(Guarded, { dataSource: 'db' });
    await ACL.create([
      {
        principalType: 'USER',
        principalId: 'u1',
        model: 'Closed',
        property: '*',
        accessType: 'READ',
        permission: 'ALLOW',
      },
      {
        principalType: 'USER',
        principalId: 'u1',
        model: 'Guarded',
        property: '*',
        accessType: '*',
        permission: 'ALLOW',
      },
    ]);
    expect((await ACL.checkPermission('USER', 'u1', 'Closed', 'name', 'READ')).permission).toBe('DENY');
    expect((await ACL.checkPermission('USER', 'u1', 'Guarded', 'name', '*')).permission).toBe('DENY');
    // Over REST the same u1 rule on Guarded is more specific than the $everyone rule and allows.
    const ctx = await ACL.checkAccessForContext({
      principals: [{ type: 'USER', id: 'u1' }],
      model: 'Guarded',
      property: 'find',
      accessType: 'READ',
    });
    expect(ctx.permission).toBe('ALLOW');
  });

  it('checkAccessForContext takes LB3 principals and answers an AccessRequest; property-level acls count', async () => {
    const { app, ACL, User } = givenApp();
    const user = await User.create({ email: 'a@example.com', password: 'p' });
    const Customer = app.registry.createModel(
      'Customer',
      {
        name: {
          type: String,
          acls: [{ principalType: 'USER', principalId: user.id, accessType: 'WRITE', permission: 'DENY' }],
        },
      },
      {
        acls: [{ principalType: 'USER', principalId: user.id, accessType: '*', permission: 'ALLOW' }],
        defaultPermission: 'DENY',
      },
    );
    app.model(Customer, { dataSource: 'db' });
    const check = (principals: unknown[], accessType: string) =>
      ACL.checkAccessForContext({ principals, model: 'Customer', property: 'name', accessType });
    expect((await check([{ type: 'USER', id: user.id }], 'READ')).permission).toBe('ALLOW');
    expect((await check([{ type: 'USER', id: user.id }], 'WRITE')).permission).toBe('DENY');
    expect((await check([{ type: 'ROLE', id: '$everyone' }], 'READ')).permission).toBe('DENY');
  });

  it('getMatchingScore ranks a named property over a wildcard; resolvePermission ignores principals as LB3 does', () => {
    const { ACL } = givenApp();
    const req = { model: 'account', property: 'find', accessType: 'WRITE', methodNames: ['find'] };
    const named = {
      model: 'account',
      property: 'find',
      accessType: '*',
      principalType: 'ROLE',
      principalId: '$everyone',
      permission: 'DENY',
    };
    const wildcard = { ...named, property: '*' };
    expect(ACL.getMatchingScore(named, req)).toBeGreaterThan(ACL.getMatchingScore(wildcard, req));
    expect(ACL.getMatchingScore({ ...named, accessType: 'READ' }, req)).toBe(-1);
    const acls = [
      {
        model: 'account',
        accessType: '*',
        permission: 'DENY',
        principalType: 'ROLE',
        principalId: '$everyone',
      },
      {
        model: 'account',
        accessType: '*',
        permission: 'ALLOW',
        principalType: 'ROLE',
        principalId: '$owner',
      },
    ].map((a) => new ACL(a));
    const res = ACL.resolvePermission(acls, { model: 'account', property: 'find', accessType: 'WRITE' });
    expect({ ...res, registry: undefined }).toEqual({
      model: 'account',
      property: 'find',
      accessType: 'WRITE',
      permission: 'ALLOW',
      methodNames: [],
      registry: undefined,
    });
  });

  it('resolvePermission on a wildcard request: the most specific rule that is not DEFAULT decides; none, the model default', () => {
    const { app, ACL } = givenApp();
    const acls = [
      {
        model: 'account',
        accessType: '*',
        permission: 'DENY',
        principalType: 'ROLE',
        principalId: '$everyone',
      },
      {
        model: 'account',
        accessType: '*',
        permission: 'ALLOW',
        principalType: 'ROLE',
        principalId: '$owner',
      },
    ].map((a) => new ACL(a));
    expect(
      ACL.resolvePermission(acls, { model: 'account', property: '*', accessType: 'WRITE' }).permission,
    ).toBe('ALLOW');
    const onlyDefault = [
      new ACL({
        model: 'Shut',
        accessType: 'READ',
        permission: 'DEFAULT',
        principalType: 'ROLE',
        principalId: '$everyone',
      }),
    ];
    app.model(app.registry.createModel('Shut', {}, { defaultPermission: 'DENY' }), { dataSource: 'db' });
    expect(
      ACL.resolvePermission(onlyDefault, { model: 'Shut', property: '*', accessType: 'READ' }).permission,
    ).toBe('DENY');
    expect(
      ACL.resolvePermission([], { model: 'account', property: 'find', accessType: 'READ' }).permission,
    ).toBe('ALLOW');
  });
});

describe('several user models (LB3 principalType)', () => {
  function givenTwoUserModels() {
    const { app, Role, RoleMapping, ACL } = givenApp();
    const make = (name: string) => {
      const M = app.registry.createModel(name, {}, { base: 'User', saltWorkFactor: 4 });
      app.model(M, { dataSource: 'db' });
      return M;
    };
    return { app, Role, RoleMapping, ACL, OneUser: make('OneUser'), AnotherUser: make('AnotherUser') };
  }

  it('models know their registry; an AccessContext on it finds the user principal among others', async () => {
    const { app, OneUser } = givenTwoUserModels();
    expect(OneUser.registry).toBe(app.registry);
    const ctx = new AccessContext({ registry: OneUser.registry });
    ctx.addPrincipal('ROLE', undefined);
    ctx.addPrincipal('AccessToken', undefined);
    ctx.addPrincipal('OneUser', 7);
    expect(ctx.getUser()).toEqual({ id: 7, principalType: 'OneUser' });
  });

  it("role.users({where: {principalType}}) lists that user model's mapped users; a type that is no user model lists none", async () => {
    const { Role, OneUser, AnotherUser } = givenTwoUserModels();
    const one = await OneUser.create({ email: 'a@example.com', password: 'p' });
    await AnotherUser.create({ email: 'a@example.com', password: 'p' });
    const role = await Role.create({ name: 'staff' });
    await role.principals.create({ principalType: 'OneUser', principalId: one.id });
    await role.principals.create({ principalType: 'RoleMapping', principalId: one.id });
    expect(
      (await role.users({ where: { principalType: 'OneUser' } })).map((u: any) => [
        u.constructor.modelName,
        u.id,
      ]),
    ).toEqual([['OneUser', one.id]]);
    expect(await role.users({ where: { principalType: 'AnotherUser' } })).toEqual([]);
    expect(await role.users({ where: { principalType: 'RoleMapping' } })).toEqual([]);
  });

  it('resolvePrincipal: a type that names no principal model is 400 INVALID_PRINCIPAL_TYPE (a model that is no user model too)', async () => {
    const { ACL, OneUser } = givenTwoUserModels();
    const one = await OneUser.create({ email: 'b@example.com', password: 'p', username: 'bee' });
    expect((await ACL.resolvePrincipal('OneUser', 'bee')).id).toBe(one.id);
    await expect(ACL.resolvePrincipal('nope', one.id)).rejects.toMatchObject({
      statusCode: 400,
      code: 'INVALID_PRINCIPAL_TYPE',
    });
    await expect(ACL.resolvePrincipal('AccessToken', 'x')).rejects.toMatchObject({
      statusCode: 400,
      code: 'INVALID_PRINCIPAL_TYPE',
    });
    await expect(ACL.isMappedToRole('nope', one.id, 'staff')).rejects.toMatchObject({
      code: 'INVALID_PRINCIPAL_TYPE',
    });
  });

  it("a token's principalType is hidden, and shown once the token's user is a polymorphic belongsTo on it (LB3's multi-user setup)", async () => {
    const { app, OneUser } = givenTwoUserModels();
    await OneUser.create({ email: 'c@example.com', password: 'p' });
    const before = await OneUser.login({ email: 'c@example.com', password: 'p' });
    expect(before.toJSON()).not.toHaveProperty('principalType');
    expect(before.principalType).toBe('OneUser');
    app.models.AccessToken.belongsTo('user', {
      idName: 'id',
      polymorphic: { idType: 'string', foreignKey: 'userId', discriminator: 'principalType' },
    });
    OneUser.hasMany('accessTokens', {
      polymorphic: { foreignKey: 'userId', discriminator: 'principalType' },
    });
    const after = await OneUser.login({ email: 'c@example.com', password: 'p' });
    expect(after.toJSON()).toMatchObject({ principalType: 'OneUser', userId: 1 });
  });
});

describe('Scope: permissions granted to client applications', () => {
  it('Scope.checkPermission(name, model, property, accessType) answers for the scope named; an unknown name is 404', async () => {
    const { app, ACL } = givenApp();
    const Scope = app.registry.getModel('Scope');
    app.model(Scope, { dataSource: 'db' });
    const Note = app.registry.createModel('Note', { name: String });
    app.model(Note, { dataSource: 'db' });
    const scope = await Scope.create({ name: 'notes', description: 'read notes' });
    await ACL.create([
      {
        principalType: ACL.SCOPE,
        principalId: scope.id,
        model: 'Note',
        property: 'name',
        accessType: 'READ',
        permission: 'ALLOW',
      },
      {
        principalType: ACL.SCOPE,
        principalId: scope.id,
        model: 'Note',
        property: 'name',
        accessType: 'WRITE',
        permission: 'DENY',
      },
    ]);
    const perm = async (property: string, accessType: string) =>
      (await Scope.checkPermission('notes', 'Note', property, accessType)).permission;
    expect(await perm('name', 'READ')).toBe('ALLOW');
    expect(await perm('name', 'WRITE')).toBe('DENY');
    expect(await perm('*', '*')).toBe('DENY');
    const viaCallback = await new Promise((resolve, reject) =>
      Scope.checkPermission('notes', 'Note', 'name', 'READ', (err: Error | null, r: AccessRequest) =>
        err ? reject(err) : resolve(r.permission),
      ),
    );
    expect(viaCallback).toBe('ALLOW');
    await expect(Scope.checkPermission('nope', 'Note', 'name', 'READ')).rejects.toMatchObject({
      statusCode: 404,
      code: 'MODEL_NOT_FOUND',
    });
    expect((loopback as any).Scope.modelName).toBe('Scope');
  });
});

describe('AccessContext, Principal, AccessRequest (exported as in LB3)', () => {
  it('AccessContext collects principals from the context and the token; authenticated by a user or an app', () => {
    const ctx = new AccessContext({
      principals: [{ type: 'ROLE', id: 'admin' }],
      principalType: 'USER',
      principalId: 0,
      accessToken: { id: 't', appId: 'a1', scopes: ['read'] },
    });
    expect(ctx.principals.map((p) => [p.type, p.id])).toEqual([
      ['ROLE', 'admin'],
      ['USER', 0],
      ['APP', 'a1'],
    ]);
    expect(ctx.getUserId()).toBe(0);
    expect(ctx.getAppId()).toBe('a1');
    expect(ctx.isAuthenticated()).toBe(true);
    expect(ctx.getScopes()).toEqual(['read']);
    expect(ctx.addPrincipal('USER', 0)).toBe(false);
    expect(new AccessContext({}).isAuthenticated()).toBe(false);
    expect(new AccessContext({}).getScopes()).toEqual(['DEFAULT']);
  });

  it('Principal.equals compares type and id; AccessRequest settles DEFAULT and knows a wildcard', () => {
    expect(new Principal('USER', 1).equals({ type: 'USER', id: '1' })).toBe(true);
    expect(new Principal('USER', 1).equals({ type: 'APP', id: 1 })).toBe(false);
    const req = new AccessRequest('Note', '*', 'READ');
    expect(req.isWildcard()).toBe(true);
    expect(req.permission).toBe('DEFAULT');
    req.settleDefaultPermission('DENY');
    expect(req.isAllowed()).toBe(false);
    expect(
      new AccessRequest({
        model: 'Note',
        property: 'find',
        accessType: 'READ',
        permission: 'ALLOW',
      }).exactlyMatches({ model: 'Note', property: 'find', accessType: 'READ' }),
    ).toBe(true);
  });
});
