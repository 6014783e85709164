import fs from 'fs';
import os from 'os';
import path from 'path';
import { generateTypes } from '../../../src/cli/types';
import { main } from '../../../src/cli';
import { REPO_ROOT } from '../../support/example-app';

describe('loopline types', () => {
  it('keeps the example app’s committed declarations current', () => {
    const committed = fs.readFileSync(path.join(REPO_ROOT, 'server/models.d.ts'), 'utf8');
    expect(generateTypes(path.join(REPO_ROOT, 'server')).text).toBe(committed);
    // A model without properties (the storage container) is "an object", not an empty interface (which lint refuses).
    expect(committed).toContain('export type containerProps = object;');
  });

  it('declares inherited properties, foreign keys from relations, and relation names', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loopline-types-'));
    fs.mkdirSync(path.join(dir, 'server'));
    fs.mkdirSync(path.join(dir, 'common', 'models'), { recursive: true });
    const write = (f: string, v: unknown) => fs.writeFileSync(path.join(dir, f), JSON.stringify(v));
    write('server/model-config.json', {
      _meta: { sources: ['../common/models'] },
      Admin: { dataSource: 'db' },
      Post: { dataSource: 'db' },
    });
    write('common/models/person.json', {
      name: 'Person',
      base: 'PersistedModel',
      properties: { email: { type: 'string', required: true }, 'full-name': 'string' },
    });
    write('common/models/admin.json', {
      name: 'Admin',
      base: 'Person',
      properties: { level: 'number' },
      relations: { posts: { type: 'hasMany', model: 'Post' } },
    });
    write('common/models/post.json', {
      name: 'Post',
      properties: { at: 'date', tags: ['string'], loc: 'geopoint' },
      relations: { author: { type: 'belongsTo', model: 'Admin', foreignKey: 'authorId' } },
    });
    const { text, models } = generateTypes(path.join(dir, 'server'));
    expect(models).toEqual(['Admin', 'Post']);
    expect(text).toContain(
      'export interface AdminProps {\n  email: string;\n  "full-name"?: string;\n  id?: number;\n  level?: number;\n}',
    );
    expect(text).toContain(
      'export interface PostProps {\n  at?: Date;\n  tags?: Array<string>;\n  loc?: { lat: number; lng: number };\n  id?: number;\n  adminId?: number;\n  authorId?: number;\n}',
    );
    expect(text).toContain(
      '    Admin: ModelOf<AdminProps, "posts">;\n    Post: ModelOf<PostProps, "author">;',
    );
    const out = path.join(dir, 'types.d.ts');
    const logged: string[] = [];
    expect(
      await main(['types', path.join(dir, 'server'), '--out', out], {
        cwd: dir,
        log: (line) => logged.push(line),
      }),
    ).toBe(0);
    expect(logged).toEqual(['Wrote types.d.ts']);
    expect(fs.readFileSync(out, 'utf8')).toBe(text);
  });

  it('declares what a model inherits from the built-in models, and the built-ins model-config.json names', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loopline-types-'));
    try {
      fs.mkdirSync(path.join(dir, 'server'));
      fs.mkdirSync(path.join(dir, 'common', 'models'), { recursive: true });
      const write = (f: string, v: unknown) => fs.writeFileSync(path.join(dir, f), JSON.stringify(v));
      write('server/model-config.json', {
        _meta: { sources: ['loopback/common/models', '../common/models'] },
        Member: { dataSource: 'db' },
        AccessToken: { dataSource: 'db' },
        Role: { dataSource: 'db' },
      });
      write('common/models/member.json', {
        name: 'Member',
        base: 'User',
        properties: { nickname: 'string' },
        relations: { pets: { type: 'hasMany', model: 'Pet' } },
      });
      const { text, models } = generateTypes(path.join(dir, 'server'));
      expect(models).toEqual(['Member', 'AccessToken', 'Role']);
      expect(text).toContain(
        'export interface MemberProps {\n  realm?: string;\n  username?: string;\n  password: string;\n  email: string;\n  emailVerified?: boolean;\n  verificationToken?: string;\n  id?: number;\n  nickname?: string;\n}',
      );
      // The base itself is declared (MemberProps' bases are User's), but only named models join AppModels.
      expect(text).toContain('export interface UserProps {\n  realm?: string;');
      expect(text).toContain(
        'export interface AccessTokenProps {\n  id?: string;\n  /** time to live in seconds (2 weeks by default) */\n  ttl?: number;',
      );
      expect(text).toContain(
        'export interface RoleProps {\n  name: string;\n  description?: string;\n  created?: Date;\n  modified?: Date;\n  id?: number;\n}',
      );
      expect(text).not.toContain('ApplicationProps');
      // A relation is inherited with the properties: Member has User's accessTokens.
      expect(text).toContain(
        '    Member: ModelOf<MemberProps, "accessTokens" | "pets">;\n    AccessToken: ModelOf<AccessTokenProps, "user">;\n    Role: ModelOf<RoleProps, "principals">;',
      );
      expect(text).not.toMatch(/^ {4}User:/m);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lets an app model of a built-in name replace the built-in', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loopline-types-'));
    try {
      fs.mkdirSync(path.join(dir, 'server', 'models'), { recursive: true });
      fs.writeFileSync(
        path.join(dir, 'server/model-config.json'),
        JSON.stringify({ _meta: { sources: ['./models'] }, Role: { dataSource: 'db' } }),
      );
      fs.writeFileSync(
        path.join(dir, 'server/models/role.json'),
        JSON.stringify({
          name: 'Role',
          base: 'PersistedModel',
          properties: { label: { type: 'string', required: true } },
        }),
      );
      const { text } = generateTypes(path.join(dir, 'server'));
      expect(text).toContain('export interface RoleProps {\n  label: string;\n  id?: number;\n}');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
