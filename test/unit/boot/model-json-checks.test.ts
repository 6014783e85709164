import request from 'supertest';
import { bootFixture, bootFixtureError } from '../../support/boot-fixture';

const NOTE = 'common/models/note.json';
const note = (extra: Record<string, unknown>) => ({
  [NOTE]: {
    name: 'Note',
    base: 'PersistedModel',
    properties: { title: { type: 'string', required: true } },
    ...extra,
  },
});

describe('boot: unknown keys in a model JSON are warnings, with a did-you-mean', () => {
  it('a likely typo of a top-level key: file, path, suggestion, code; boot goes on', async () => {
    const { app, warnings } = await bootFixture(
      note({ relatons: { author: { type: 'belongsTo', model: 'Note' } } }),
    );
    expect(warnings).toEqual([
      expect.objectContaining({
        code: 'UNKNOWN_KEY',
        file: NOTE,
        path: 'relatons',
        msg: `${NOTE}: relatons: unknown key "relatons"; did you mean "relations"?`,
      }),
    ]);
    expect((await request(app).get('/api/Notes')).status).toBe(200);
  });

  it("an app's own settings and LB3's connector and model settings stay silent", async () => {
    const { warnings } = await bootFixture(
      note({
        myCompanyFlag: true,
        auditTrail: { enabled: true },
        postgresql: { table: 'notes' },
        trackChanges: false,
        replaceOnPUT: true,
        description: 'x',
        indexes: {},
        validateUpsert: true,
      }),
    );
    expect(warnings).toEqual([]);
  });

  it('a likely typo inside a property, a relation and an ACL entry', async () => {
    const { warnings } = await bootFixture(
      note({
        properties: {
          title: { type: 'string', requird: true },
          body: { type: 'string', myColumnHint: 'wide' },
        },
        relations: { parent: { type: 'belongsTo', model: 'Note', foreignKy: 'parentId' } },
        acls: [{ principalType: 'ROLE', principalId: '$everyone', permision: 'DENY' }],
      }),
    );
    expect(warnings.map((w) => [w.path, w.msg.slice(w.msg.indexOf('unknown'))])).toEqual([
      ['properties.title.requird', 'unknown property key "requird"; did you mean "required"?'],
      ['relations.parent.foreignKy', 'unknown relation key "foreignKy"; did you mean "foreignKey"?'],
      ['acls[0].permision', 'unknown ACL key "permision"; did you mean "permission"?'],
    ]);
  });

  it('a nested anonymous definition (no `type`) is sub-properties, not keys', async () => {
    const { warnings } = await bootFixture(
      note({ properties: { title: 'string', address: { street: 'string', requird: 'string' } } }),
    );
    expect(warnings).toEqual([]);
  });

  it('a likely typo in a model-config.json entry', async () => {
    const { warnings } = await bootFixture({
      'server/model-config.json': {
        _meta: { sources: ['../common/models'] },
        Note: { dataSource: 'db', pubic: true },
      },
    });
    expect(warnings.map((w) => w.msg)).toEqual([
      'server/model-config.json: Note.pubic: unknown key "pubic"; did you mean "public"?',
    ]);
  });
});

describe('boot: relations that cannot work are errors', () => {
  const book = {
    'server/model-config.json': {
      _meta: { sources: ['../common/models'] },
      Note: { dataSource: 'db' },
      Author: { dataSource: 'db' },
      Book: { dataSource: 'db' },
    },
    'common/models/author.json': { name: 'Author', properties: { name: 'string' } },
  };

  it('a relation to an unknown model: file, path, did-you-mean', async () => {
    const err = await bootFixtureError({
      ...book,
      'common/models/book.json': {
        name: 'Book',
        relations: { author: { type: 'belongsTo', model: 'Autor' } },
      },
    });
    expect(err.code).toBe('MODEL_NOT_DEFINED');
    expect(err.message).toBe(
      'common/models/book.json: relations.author.model: names an unknown model "Autor"; did you mean "Author"?',
    );
  });

  it('a near miss in `through` is an error too', async () => {
    const err = await bootFixtureError({
      ...book,
      'common/models/book.json': {
        name: 'Book',
        relations: { authors: { type: 'hasMany', model: 'Author', through: 'Authr' } },
      },
    });
    expect(err.message).toBe(
      'common/models/book.json: relations.authors.through: names an unknown model "Authr"; did you mean "Author"?',
    );
  });

  it('a relation to a model far from every defined one is a warning: LB3 booted such dead relations', async () => {
    const { app, warnings } = await bootFixture({
      ...book,
      'common/models/book.json': {
        name: 'Book',
        relations: { shelves: { type: 'hasMany', model: 'Shelf' } },
      },
    });
    expect(warnings.map((w) => [w.code, w.msg])).toEqual([
      [
        'MODEL_NOT_DEFINED',
        'common/models/book.json: relations.shelves.model: names a model nobody defines, "Shelf"; the relation cannot be used',
      ],
    ]);
    expect((await request(app).get('/api/Notes')).status).toBe(200);
  });

  it('a relation to a model a boot script defines is fine (checked after the boot scripts)', async () => {
    const { app, warnings } = await bootFixture({
      ...book,
      'common/models/book.json': {
        name: 'Book',
        relations: { reviews: { type: 'hasMany', model: 'Review', foreignKey: 'bookId' } },
      },
      'server/boot/review.js':
        "module.exports = function (app) { const Review = app.registry.createModel('Review', { text: 'string', bookId: 'number' }); app.model(Review, { dataSource: 'db' }); };",
    });
    expect(warnings).toEqual([]);
    expect(Object.keys(app.models.Book.relations)).toEqual(['reviews']);
  });

  it('an unknown relation type: file, path, the types, did-you-mean', async () => {
    const err = await bootFixtureError(note({ relations: { children: { type: 'hasmany', model: 'Note' } } }));
    expect(err.code).toBe('INVALID_CONFIG');
    expect(err.message).toMatch(
      /^common\/models\/note\.json: relations\.children\.type: "hasmany" must be one of "belongsTo", "hasMany", .*; did you mean "hasMany"\?$/,
    );
  });
});

describe('boot: ACLs', () => {
  const acl = (entry: Record<string, unknown>) =>
    note({
      acls: [{ accessType: '*', principalType: 'ROLE', principalId: '$everyone', permission: 'DENY' }, entry],
    });

  it('an unknown principal type, permission or access type is an error naming the entry', async () => {
    const principal = await bootFixtureError(
      acl({ principalType: 'ROLES', principalId: '$everyone', permission: 'ALLOW' }),
    );
    expect([principal.code, principal.message]).toEqual([
      'INVALID_ACL',
      expect.stringMatching(
        /^common\/models\/note\.json: acls\[1\]\.principalType: unknown principal type "ROLES" .*; did you mean "ROLE"\?$/,
      ),
    ]);
    const permission = await bootFixtureError(
      acl({ principalType: 'ROLE', principalId: '$everyone', permission: 'ALOW' }),
    );
    expect(permission.message).toBe(
      'common/models/note.json: acls[1].permission: unknown permission "ALOW" (one of ALLOW, DENY, ALARM, AUDIT, DEFAULT); did you mean "ALLOW"?',
    );
    const accessType = await bootFixtureError(
      acl({ principalType: 'ROLE', principalId: '$everyone', permission: 'ALLOW', accessType: 'RAED' }),
    );
    expect(accessType.message).toMatch(
      /^common\/models\/note\.json: acls\[1\]\.accessType: unknown access type "RAED" .*; did you mean "READ"\?$/,
    );
  });

  it('lower-case values and a user model as principal type are what LB3 accepts', async () => {
    const { warnings } = await bootFixture({
      ...acl({
        principalType: 'Note',
        principalId: 1,
        permission: 'allow',
        accessType: 'read',
        property: 'find',
      }),
    });
    expect(warnings).toEqual([]);
  });

  it('a near miss of a built-in role is an error; a resolver a boot script registers and plain role names are fine', async () => {
    const err = await bootFixtureError(
      acl({ principalType: 'ROLE', principalId: '$ownr', permission: 'ALLOW' }),
    );
    expect([err.code, err.message]).toEqual([
      'UNKNOWN_ROLE',
      'common/models/note.json: acls[1].principalId: unknown role "$ownr"; did you mean "$owner"?',
    ]);
    const { warnings } = await bootFixture({
      'server/model-config.json': {
        _meta: { sources: ['../common/models'] },
        Note: { dataSource: 'db' },
        Role: { dataSource: 'db' },
        RoleMapping: { dataSource: 'db' },
      },
      ...note({
        acls: [
          { principalType: 'ROLE', principalId: '$teamMember', permission: 'ALLOW' },
          { principalType: 'ROLE', principalId: 'admin', permission: 'ALLOW' },
        ],
      }),
      'server/boot/roles.js':
        "module.exports = function (app) { app.models.Role.registerResolver('$teamMember', function (role, ctx, cb) { cb(null, false); }); };",
    });
    expect(warnings).toEqual([]);
  });

  it('a `$` role far from any known one is a warning (a Role row may carry the name)', async () => {
    const { warnings } = await bootFixture(
      acl({ principalType: 'ROLE', principalId: '$superuser', permission: 'ALLOW' }),
    );
    expect(warnings.map((w) => [w.code, w.path])).toEqual([['UNKNOWN_ROLE', 'acls[1].principalId']]);
  });

  it('an ACL property naming no method is a warning; methods from model scripts, relations and properties are known', async () => {
    const { warnings } = await bootFixture({
      ...note({
        relations: { children: { type: 'hasMany', model: 'Note', foreignKey: 'parentId' } },
        acls: [
          { principalType: 'ROLE', principalId: '$everyone', permission: 'ALLOW', property: 'fnd' },
          {
            principalType: 'ROLE',
            principalId: '$everyone',
            permission: 'ALLOW',
            property: ['greet', '__get__children', 'patchAttributes', 'upsert', 'title'],
          },
        ],
      }),
      'common/models/note.js':
        'module.exports = function (Note) { Note.greet = function (cb) { cb(null, "hi"); }; Note.remoteMethod("greet", { returns: { arg: "hi", type: "string" } }); };',
    });
    expect(warnings.map((w) => [w.code, w.msg])).toEqual([
      [
        'UNKNOWN_ACL_METHOD',
        'common/models/note.json: acls[0].property: "fnd" is no method of Note; the rule never applies; did you mean "find"?',
      ],
    ]);
  });
});

describe('boot: strict mode turns warnings into errors', () => {
  const saved = process.env.LOOPLINE_BOOT_STRICT;
  afterEach(() => {
    if (saved === undefined) delete process.env.LOOPLINE_BOOT_STRICT;
    else process.env.LOOPLINE_BOOT_STRICT = saved;
  });
  const typo = note({ relatons: {} });

  it('boot(app, {strict: true})', async () => {
    const err = await bootFixtureError(typo, { strict: true });
    expect([err.code, err.message]).toEqual([
      'UNKNOWN_KEY',
      'common/models/note.json: relatons: unknown key "relatons"; did you mean "relations"? (an error in strict boot mode)',
    ]);
  });

  it('config.json "bootStrict": true, and LOOPLINE_BOOT_STRICT=1; the option wins over both', async () => {
    expect(
      (await bootFixtureError({ ...typo, 'server/config.json': { restApiRoot: '/api', bootStrict: true } }))
        .code,
    ).toBe('UNKNOWN_KEY');
    process.env.LOOPLINE_BOOT_STRICT = '1';
    expect((await bootFixtureError(typo)).code).toBe('UNKNOWN_KEY');
    expect((await bootFixture(typo, { strict: false })).warnings).toHaveLength(1);
  });
});
