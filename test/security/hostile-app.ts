import path from 'path';
import loopback from '../../src';
import { boot } from '../../src/boot';
import type { StoreConfig } from '../connectors/stores';
import { REPO_ROOT } from '../support/example-app';

/**
 * The app the hostile requests are thrown at: an LB3 app folder (test/fixtures/hostile-app) with a
 * User-based model carrying hidden and protected properties, a forceId model guarded by ownerId
 * ACLs with a belongsTo/hasMany pair to include, an open strict model with typed properties, and
 * open relation models: a shelf with hasMany books, hasAndBelongsToMany labels (its join model
 * made on the fly) and an embedded address.
 * Its middleware.json carries a CORS allow-list and a 1 kB JSON limit on one path, as LB3 apps
 * configure them.
 */
export const HOSTILE_APP_DIR = path.join(REPO_ROOT, 'test/fixtures/hostile-app');

export const MODELS = [
  'HostileMember',
  'HostileNote',
  'HostileThing',
  'HostileShelf',
  'HostileBook',
  'HostileLabel',
  // The join model hasAndBelongsToMany makes for HostileShelf.labels (not in app.models).
  'HostileShelfHostileLabel',
  'AccessToken',
  'RoleMapping',
  'Role',
  'ACL',
] as const;

/** A model of the app's data source by name (the made join model is there, not in app.models). */
export const modelOf = (app: any, name: string): any => app.dataSources.db.models[name] ?? app.models[name];

export interface HostileApp {
  app: any;
  /** ann's access token (she owns note 1); bob owns note 2. */
  annToken: string;
  bobToken: string;
}

export async function bootHostileApp(store: StoreConfig): Promise<HostileApp> {
  // A registry of its own: apps booted one after another in this process must not share model classes.
  const app: any = loopback({ localRegistry: true, loadBuiltinModels: true });
  await boot(app, {
    appRootDir: path.join(HOSTILE_APP_DIR, 'server'),
    dataSources: { db: { name: 'db', ...store.settings, filterLimits: { maxInq: 200, maxLimit: 500 } } },
  });
  if (store.name !== 'memory') await app.dataSources.db.automigrate([...MODELS]);
  const { HostileMember, HostileNote, HostileThing } = app.models;
  const ann = await HostileMember.create({
    email: 'ann@example.com',
    password: 'ann-secret',
    username: 'ann',
    secretAnswer: 'blue',
    nickname: 'annie',
  });
  const bob = await HostileMember.create({
    email: 'bob@example.com',
    password: 'bob-secret',
    username: 'bob',
    secretAnswer: 'green',
    nickname: 'bobby',
  });
  await HostileMember.updateAll(
    { id: ann.id },
    { emailVerified: true, verificationToken: 'ann-verify-token' },
  );
  await HostileNote.create({ title: 'ann note', body: 'by ann', ownerId: ann.id });
  await HostileNote.create({ title: 'bob note', body: 'by bob', ownerId: bob.id });
  await HostileThing.create([
    { name: 'alpha', size: 1, born: new Date('2020-01-01T00:00:00Z'), flag: true },
    { name: "O'Brien; DROP TABLE x; --", size: 2, born: new Date('2021-06-15T12:00:00Z'), flag: false },
    { name: 'ünïcödé 漢字 🎉', size: 3, flag: true },
  ]);
  const { HostileShelf, HostileLabel } = app.models;
  const shelf = await HostileShelf.create({ name: 'top', address: { street: 'Main', zip: 1000 } });
  await shelf.books.create({ title: 'first', pages: 10 });
  await shelf.labels.add(await HostileLabel.create({ text: 'new' }));
  const annToken = (await HostileMember.login({ email: 'ann@example.com', password: 'ann-secret' })).id;
  const bobToken = (await HostileMember.login({ email: 'bob@example.com', password: 'bob-secret' })).id;
  return { app, annToken, bobToken };
}

/** Every row of every model, through server-side code (hidden properties included), in id order. */
export async function snapshotStore(app: any): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const name of MODELS) {
    const Model = modelOf(app, name);
    const rows = await Model.find({ order: `${Model.definition.idName} ASC` });
    out[name] = rows.map((r: any) => ({ ...r.__data }));
  }
  return out;
}
