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
  });

  it('declares inherited properties, foreign keys from relations, and relation names', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loopline-types-'));
    fs.mkdirSync(path.join(dir, 'server'));
    fs.mkdirSync(path.join(dir, 'common', 'models'), { recursive: true });
    const write = (f: string, v: unknown) => fs.writeFileSync(path.join(dir, f), JSON.stringify(v));
    write('server/model-config.json', { _meta: { sources: ['../common/models'] }, Admin: { dataSource: 'db' }, Post: { dataSource: 'db' } });
    write('common/models/person.json', { name: 'Person', base: 'PersistedModel', properties: { email: { type: 'string', required: true }, 'full-name': 'string' } });
    write('common/models/admin.json', { name: 'Admin', base: 'Person', properties: { level: 'number' }, relations: { posts: { type: 'hasMany', model: 'Post' } } });
    write('common/models/post.json', { name: 'Post', properties: { at: 'date', tags: ['string'], loc: 'geopoint' }, relations: { author: { type: 'belongsTo', model: 'Admin', foreignKey: 'authorId' } } });
    const { text, models } = generateTypes(path.join(dir, 'server'));
    expect(models).toEqual(['Admin', 'Post']);
    expect(text).toContain('export interface AdminProps {\n  email: string;\n  "full-name"?: string;\n  id?: number;\n  level?: number;\n}');
    expect(text).toContain('export interface PostProps {\n  at?: Date;\n  tags?: Array<string>;\n  loc?: { lat: number; lng: number };\n  id?: number;\n  adminId?: number;\n  authorId?: number;\n}');
    expect(text).toContain('    Admin: ModelOf<AdminProps, "posts">;\n    Post: ModelOf<PostProps, "author">;');
    const out = path.join(dir, 'types.d.ts');
    const logged: string[] = [];
    expect(await main(['types', path.join(dir, 'server'), '--out', out], { cwd: dir, log: (line) => logged.push(line) })).toBe(0);
    expect(logged).toEqual(['Wrote types.d.ts']);
    expect(fs.readFileSync(out, 'utf8')).toBe(text);
  });
});
