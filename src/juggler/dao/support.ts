import { ConfigurationError, InvalidArgumentError, InvalidValueError, ValidationError } from '../../errors';
import { FORBIDDEN_KEYS, isPlainObject, isValueObject } from '../../util/own';
import { defineDynamicProperty } from '../model-compile';
import type { Connector, OperationOptions, Row } from '../connectors/connector';
import type { ModelBase } from '../model-base';
import { shownValues, type ModelDefinition } from '../model-definition';
import { hasObservers, notifyObservers } from '../operation-hooks';
import type { ModelDataSource } from '../store/model-data-source';
import type { Store } from '../store/store';
import { INVALID, typeLabel } from '../types';
import { assertKeyValues } from '../relations/key-properties';

/** A persisted model class as the DAO sees it: its data source is the store it works on. */
export type DaoModel = typeof ModelBase & {
  dataSource?: ModelDataSource | null;
  [key: string]: any;
};

/** What a DAO operation works with: the model's connector (connected), its definition, and the store. */
export interface ModelStore {
  connector: Connector;
  def: ModelDefinition;
  store: Store;
}

/**
 * The connector behind a model, connected. LB3's message when the model was never attached is
 * kept, since users search for it.
 */
export async function storeOf(Model: DaoModel, method: string): Promise<ModelStore> {
  const ds = Model.dataSource;
  if (!ds) {
    throw new ConfigurationError(
      `Cannot call ${Model.modelName}.${method}(). The ${method} method has not been setup. ` +
        'The PersistedModel has not been correctly attached to a DataSource!',
      'MODEL_NOT_ATTACHED',
    );
  }
  const connector = await ds.store.forDataAccess(Model.modelName, method);
  return { connector, def: Model.definition, store: ds.store };
}

export function normalizeOptions(options: unknown): OperationOptions {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new InvalidArgumentError('The options argument must be an object', 'INVALID_OPTIONS');
  }
  return options as OperationOptions;
}

/**
 * Calls the observers of one operation with a fresh context, unless nobody observes: then it
 * answers undefined at once (not a promise), so a hot path can skip the wait with
 * `const pending = notify(...); if (pending) ctx = await pending`.
 */
export function notify(
  Model: DaoModel,
  operation: string,
  fields: Record<string, unknown>,
  hookState: object,
  options: OperationOptions,
): Promise<Record<string, any>> | undefined {
  if (!hasObservers(Model, operation)) return undefined;
  return notifyWith(Model, operation, { Model, ...fields, hookState, options });
}

async function notifyWith(
  Model: DaoModel,
  operation: string,
  ctx: Record<string, any>,
): Promise<Record<string, any>> {
  await notifyObservers(Model, operation, ctx);
  return ctx;
}

export function hooksObserved(Model: DaoModel, operation: string): boolean {
  return hasObservers(Model, operation);
}

/** The row a connector stores for an instance: schema values (and free-form ones when not strict). */
export function instanceToRow(inst: ModelBase): Row {
  const def = (inst.constructor as typeof ModelBase).definition;
  const data = inst.__data;
  assertKeyValues(inst.constructor as DaoModel, data);
  const row: Row = {};
  for (const name of def.propertyNames) {
    const v = data[name];
    if (v === undefined) continue;
    // A string property (an id, say) holding a value object such as a MongoDB ObjectID is stored as its text.
    row[name] =
      isValueObject(v) && def.properties[name]?.kind.name === 'String' ? v.toString() : plainValue(v);
  }
  if (def.strict === false) {
    adoptAssignedProperties(inst);
    for (const key of Object.keys(data)) {
      if (!(key in def.properties) && data[key] !== undefined) row[key] = plainValue(data[key]);
    }
  }
  return row;
}

/**
 * A non-strict model's instance keeps what code assigned to it directly (`inst.nickname = 'x'`
 * for a property the model does not define), as LB3 did: such a value joins the instance's data
 * (and is read through an accessor from then on) when the instance is written.
 */
function adoptAssignedProperties(inst: ModelBase): void {
  for (const key of Object.keys(inst)) {
    if (key.startsWith('__') || FORBIDDEN_KEYS.has(key)) continue;
    const value = (inst as unknown as Record<string, unknown>)[key];
    if (typeof value === 'function' || value === undefined) continue;
    delete (inst as unknown as Record<string, unknown>)[key];
    inst.__data[key] = value;
    defineDynamicProperty(inst, key);
  }
}

/** Nested model instances and GeoPoints become plain objects; Dates and Buffers stay as they are. */
export function plainValue(v: unknown): unknown {
  if (v === null || typeof v !== 'object' || v instanceof Date || Buffer.isBuffer(v)) return v;
  if (Array.isArray(v)) return v.map(plainValue);
  const m = v as { __data?: unknown; toObject?: (...a: boolean[]) => unknown; toJSON?: () => unknown };
  if (m.__data !== undefined && typeof m.toObject === 'function')
    return stripUndefined(m.toObject(false, false, false) as Record<string, unknown>);
  if (!isPlainObject(v) && typeof m.toJSON === 'function') return m.toJSON();
  return v;
}

function stripUndefined(obj: Record<string, unknown>): Record<string, unknown> {
  for (const k of Object.keys(obj)) {
    if (obj[k] === undefined) delete obj[k];
    else obj[k] = plainValue(obj[k]);
  }
  return obj;
}

/**
 * Data for a partial write (updateAll, patch): coerced to the property types. Unknown names on a
 * strict model and values of the wrong type are refused with LB3's ValidationError shape.
 */
export function coercePartialData(Model: DaoModel, data: unknown): Row {
  const instance = data as { __data?: unknown; toObject?: (onlySchema: boolean) => Record<string, unknown> };
  if (!isPlainObject(data) && !(data && typeof data === 'object' && instance.__data)) {
    throw new InvalidArgumentError(
      `The data argument for ${Model.modelName} must be an object`,
      'INVALID_DATA',
    );
  }
  // An instance of a non-strict model carries its free-form properties too (LB3 keeps them).
  const source =
    instance.__data && typeof instance.toObject === 'function'
      ? instance.toObject(Model.definition.strict !== false)
      : (data as Record<string, unknown>);
  assertKeyValues(Model, source);
  const def = Model.definition;
  const row: Row = {};
  const codes: Record<string, string[]> = {};
  const messages: Record<string, string[]> = {};
  for (const key of Object.keys(source)) {
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
    const value = source[key];
    if (value === undefined) continue;
    const prop = def.properties[key];
    if (!prop) {
      if (Model.relations && key in Model.relations) continue;
      if (def.strict === false) row[key] = value;
      else if (def.strict === true) {
        codes[key] = ['unknown-property'];
        messages[key] = ['is not defined in the model'];
      }
      continue;
    }
    if (value === null) {
      row[key] = null;
      continue;
    }
    const coerced = prop.kind.coerce(value);
    if (coerced === INVALID) {
      codes[key] = ['type'];
      messages[key] = [`is not a valid ${typeLabel(prop.kind)}`];
      continue;
    }
    row[key] = plainValue(coerced);
  }
  if (Object.keys(codes).length)
    throw new ValidationError(Model.modelName, codes, messages, shownValues(def, source));
  return row;
}

export function requireId(Model: DaoModel, id: unknown, method: string): void {
  if (id === undefined || id === null || id === '') {
    throw new InvalidArgumentError(`Model::${method} requires the id argument`, 'MISSING_ID');
  }
  if (!Model.definition.idName) {
    throw new ConfigurationError(`${Model.modelName} has no id property`, 'MODEL_WITHOUT_ID');
  }
}

/** The id coerced to the id property's type (a REST path gives strings). */
export function coerceId(Model: DaoModel, id: unknown): unknown {
  const def = Model.definition;
  const prop = def.idName ? def.properties[def.idName] : undefined;
  if (!prop || id === null || id === undefined) return id;
  const coerced = prop.kind.coerce(id);
  if (coerced !== INVALID) return coerced;
  // An object an id cannot be would reach the where as an operator: `{"id": {"gt": 0}}` in an
  // upsert's data must not patch whichever row matches it.
  if (typeof id === 'object' && !(id instanceof Date) && !Buffer.isBuffer(id)) {
    throw new InvalidValueError(
      `${def.name}.${def.idName}: ${JSON.stringify(id)} is not a valid ${typeLabel(prop.kind)} id`,
    );
  }
  return id;
}

export function idWhere(Model: DaoModel, id: unknown): Record<string, unknown> {
  return { [Model.definition.idName!]: id };
}

/** The where of the model's default scope (`settings.scope.where`), which every query and write is held to. */
export function scopeWhereOf(Model: DaoModel): Record<string, unknown> | undefined {
  return Model.definition.settings.scope?.where as Record<string, unknown> | undefined;
}
