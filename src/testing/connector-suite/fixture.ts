import { Registry } from '../../index';
import type { DataSource } from '../../index';
import type { StoreFeatures, SuiteStore } from '../features';
import { caseUnless, skipByTitle } from '../jest-globals';
import type { CaseBody, CaseFunction, JestGlobals } from '../jest-globals';

/**
 * The models every case of the connector suite works on, made and migrated once per store, and
 * the helpers the cases share. The models are untyped (`any`): the suite drives them the way an
 * app's JavaScript does, through LB3's whole model API.
 */
export interface SuiteFixture {
  readonly store: SuiteStore;
  readonly features: StoreFeatures;
  readonly expect: JestGlobals['expect'];
  /** `it`, with the store's `skips` applied by title. */
  readonly it: CaseFunction;
  /** A case, or (when `skipped` gives a reason) the case listed as skipped with the reason in its title. */
  caseUnless(skipped: string | false, title: string, fn: CaseBody): void;
  /** A new data source on the store, with a model builder of its own (as another process would have). */
  dataSource(name: string, settings?: Record<string, unknown>): DataSource;
  /** The ids of the items matching `where`, in id order. */
  ids(where: object, extra?: object): Promise<unknown[]>;
  ds: DataSource;
  Item: any;
  Owner: any;
  Pet: any;
  Tag: any;
  Tagging: any;
  Blob: any;
  Uuid: any;
  Mapped: any;
}

/**
 * What the suite reads of a store's connector beyond the Connector contract, where the store has
 * it: the statements it runs (`run`, observed by the injection checks), LB3's `execute`, and the
 * schema's `isActual`, `existingIndexes` and `catalog` (a store declaring `schema` answers them).
 */
export interface StoreConnector {
  run?(sql: string, params: unknown[], options: unknown): Promise<unknown>;
  execute(sql: string, params: unknown[], callback?: (err: unknown, result: any) => void): Promise<any>;
  isActual(models: unknown[]): Promise<boolean>;
  existingIndexes(model: unknown): Promise<Set<string>>;
  readonly catalog: { columns(owner: string | undefined, table: string): Promise<{ columnName: string }[]> };
}

/** The data source's connector, as the suite reads it (StoreConnector). */
export const storeConnector = (ds: DataSource): StoreConnector => ds.connector as unknown as StoreConnector;

/** JSON's view of a value (what a REST client gets). */
export const json = (v: unknown): any => JSON.parse(JSON.stringify(v));
/** SQL stores answer every column (null when unset, as LB3's SQL connectors); memory only what was set. */
export const present = (v: unknown): any =>
  JSON.parse(JSON.stringify(v), (_k, x) => (x === null ? undefined : x));

/** The fixture of one store's suite; its models exist once the suite's beforeAll has run. */
export function defineFixture(store: SuiteStore, jest: JestGlobals): SuiteFixture {
  const it = skipByTitle(jest.it, store.skips ?? {});
  const fx = {
    store,
    features: store.features,
    expect: jest.expect,
    it,
    caseUnless: (skipped: string | false, title: string, fn: CaseBody) => caseUnless(it, skipped, title, fn),
    dataSource: (name: string, settings: Record<string, unknown> = { ...store.settings }) =>
      new Registry().createDataSource(name, settings),
    ids: async (where: object, extra: object = {}) =>
      (await fx.Item.find({ where, order: 'id ASC', ...extra })).map((i: any) => i.id),
  } as SuiteFixture;

  jest.beforeAll(async () => {
    const ds = (fx.ds = fx.dataSource('db'));
    fx.Owner = ds.createModel(
      'CtOwner',
      { name: { type: 'string', required: true } },
      {
        relations: {
          pets: { type: 'hasMany', model: 'CtPet', foreignKey: 'ownerId' },
          tags: {
            type: 'hasMany',
            model: 'CtTag',
            through: 'CtTagging',
            foreignKey: 'ownerId',
            keyThrough: 'tagId',
          },
        },
      },
    );
    fx.Pet = ds.createModel(
      'CtPet',
      { name: 'string', ownerId: 'number' },
      {
        relations: { owner: { type: 'belongsTo', model: 'CtOwner', foreignKey: 'ownerId' } },
      },
    );
    fx.Tag = ds.createModel('CtTag', { label: 'string' });
    fx.Tagging = ds.createModel('CtTagging', { ownerId: 'number', tagId: 'number' });
    fx.Item = ds.createModel(
      'CtItem',
      {
        id: { type: 'number', id: true, generated: false },
        name: { type: 'string' },
        qty: { type: 'number' },
        price: { type: 'number', ...store.features.fractionalNumber },
        active: { type: 'boolean' },
        at: { type: 'date' },
        meta: { type: 'object' },
        tags: { type: ['string'] },
      },
      { forceId: false },
    );
    fx.Blob = ds.createModel('CtBlob', {
      data: 'buffer',
      doc: 'object',
      list: ['object'],
      loc: 'geopoint',
      when: 'date',
      anything: 'any',
    });
    fx.Uuid = ds.createModel(
      'CtUuid',
      { id: { type: 'string', id: true, defaultFn: 'uuidv4' }, label: 'string' },
      { forceId: false },
    );
    fx.Mapped = ds.createModel(
      'CtMapped',
      {
        fullName: {
          type: 'string',
          postgresql: { columnName: 'full_name' },
          mysql: { columnName: 'full_name' },
          sqlite: { columnName: 'full_name' },
        },
        code: { type: 'string', index: true },
        email: { type: 'string', index: { unique: true } },
      },
      {
        postgresql: { table: 'ct_mapped_t' },
        mysql: { table: 'ct_mapped_t' },
        sqlite: { table: 'ct_mapped_t' },
        indexes: { ct_mapped_name_code: { fullName: 1, code: -1 } },
      },
    );
    await ds.automigrate([
      'CtOwner',
      'CtPet',
      'CtTag',
      'CtTagging',
      'CtItem',
      'CtBlob',
      'CtUuid',
      'CtMapped',
    ]);
  });

  jest.afterAll(async () => {
    await fx.ds?.disconnect();
  });

  jest.beforeEach(async () => {
    await fx.Item.destroyAll();
    await fx.Item.create([
      {
        id: 1,
        name: 'apple',
        qty: 5,
        price: 1.25,
        active: true,
        at: new Date('2020-01-01T00:00:00.000Z'),
        meta: { color: 'red', size: 2 },
        tags: ['fruit', 'red'],
      },
      {
        id: 2,
        name: 'Banana',
        qty: 0,
        price: 0.5,
        active: false,
        at: new Date('2021-06-15T12:30:00.000Z'),
        meta: { color: 'yellow', size: 3 },
        tags: ['fruit'],
      },
      {
        id: 3,
        name: 'cherry pie',
        qty: 12,
        price: 7.75,
        active: true,
        at: new Date('2022-12-31T23:59:59.999Z'),
        meta: { color: 'red', size: 10 },
      },
      { id: 4, name: null, qty: null, price: 3, active: null },
    ]);
  });

  return fx;
}
