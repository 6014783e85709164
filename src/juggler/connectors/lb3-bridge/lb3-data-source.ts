import { EventEmitter } from 'events';
import type { ModelDefinition, PropertyDefinition } from '../../model-definition';

/**
 * The `dataSource` object an LB3 connector's `initialize(dataSource, cb)` receives, with what the
 * connectors of the `loopback-connector-*` family read from it: settings, the `connector` slot it
 * fills, the `connected`/`connecting` flags and events (SqlConnector queues statements until
 * 'connected'), the juggler's model-definition lookups (idName, idNames, idProperty,
 * columnMetadata, getModelDefinition) and the juggler bits some connectors reach for
 * (`juggler.KeyValueAccessObject`, `modelBuilder.defineValueType`, `constructor.DataAccessObject`).
 *
 * It is not loopline's DataSource: the connector sees only this, and loopline's data source speaks
 * to the connector through the bridge (bridge-connector.ts).
 */

/** An LB3-style property: the definition as written, with the type as a constructor. */
export type Lb3Property = Record<string, unknown> & { type: unknown };

/** What juggler's ModelDefinition offers the connectors, over a loopline model definition. */
export interface Lb3ModelDefinition {
  name: string;
  properties: Record<string, Lb3Property>;
  settings: Record<string, unknown>;
  idName(): string | undefined;
  idNames(): string[];
  ids(): { name: string; id: number; property: Lb3Property }[];
  columnMetadata(connectorType: string, propertyName: string): unknown;
  tableName(connectorType: string): string;
  columnName(connectorType: string, propertyName: string): string;
  columnNames(connectorType: string): string[];
  indexes(): Record<string, unknown>;
}

/** The model class as an LB3 connector sees it (`definition.model`): its names, data source and definition. */
export interface Lb3ModelClass {
  (this: Record<string, unknown>, data?: Record<string, unknown>): void;
  modelName: string;
  pluralModelName: string;
  dataSource: Lb3DataSource;
  definition: Lb3ModelDefinition;
  settings: Record<string, unknown>;
  include(
    objects: unknown[],
    include: unknown,
    options: unknown,
    cb: (err: unknown, objs?: unknown[]) => void,
  ): void;
}

/** What `connector.define()` receives in LB3. */
export interface Lb3DefineArgument {
  model: Lb3ModelClass;
  properties: Record<string, Lb3Property>;
  settings: Record<string, unknown>;
}

/** LB3's KeyValueAccessObject marker: a connector that installs it as its DAO is a key-value store. */
export const KEY_VALUE_ACCESS_OBJECT: Record<string, unknown> = Object.freeze({
  kind: 'KeyValueAccessObject',
}) as Record<string, unknown>;

/** The default DAO a connector may copy (`dataSource.constructor.DataAccessObject`): empty, so loopline's stays. */
function DefaultDataAccessObject(): void {
  // Model methods come from loopline's PersistedModel; a connector's own are added on top.
}

function lb3PropertyOf(p: PropertyDefinition): Lb3Property {
  const prop: Lb3Property = { ...p.raw, type: p.type };
  if (p.id !== undefined) prop.id = p.id;
  if (p.id !== undefined) prop.generated = p.generated;
  if (p.required) prop.required = true;
  if (p.default !== undefined) prop.default = p.default;
  if (p.index !== undefined) prop.index = p.index;
  return prop;
}

export class Lb3DataSource extends EventEmitter {
  static DataAccessObject = DefaultDataAccessObject;

  readonly name: string;
  readonly settings: Record<string, unknown>;
  /** Filled in by the connector's initialize. */
  connector: Record<string, any> | undefined = undefined;
  adapter: Record<string, any> | undefined = undefined;
  connected = false;
  connecting = false;
  initialized = false;
  /** The juggler exports connectors reach for. */
  readonly juggler = {
    KeyValueAccessObject: KEY_VALUE_ACCESS_OBJECT,
    DataSource: Lb3DataSource,
    ModelBuilder: EventEmitter,
  };
  /** Value types a connector registers (mysql's Point, Enum factories): kept, as loopline has its own types. */
  readonly valueTypes: Record<string, unknown> = Object.create(null);
  readonly modelBuilder = {
    models: Object.create(null) as Record<string, Lb3ModelClass>,
    definitions: Object.create(null) as Record<string, Lb3ModelDefinition>,
    defineValueType: (type: { name?: string }, aliases?: string[]) => {
      for (const n of [type.name, ...(aliases ?? [])]) if (n) this.valueTypes[n] = type;
    },
  };
  /** Operations a connector defines on its data source (`dataSource.defineOperation`). */
  readonly operations: Record<string, Record<string, unknown>> = Object.create(null);
  readonly DataAccessObject = DefaultDataAccessObject;

  constructor(name: string, settings: Record<string, unknown>) {
    super();
    this.setMaxListeners(0);
    this.name = name;
    this.settings = settings;
  }

  get models(): Record<string, Lb3ModelClass> {
    return this.modelBuilder.models;
  }

  get definitions(): Record<string, Lb3ModelDefinition> {
    return this.modelBuilder.definitions;
  }

  /** The LB3 view of a loopline model, made (or remade, after a redefinition) when it is attached. */
  defineModel(def: ModelDefinition): Lb3DefineArgument {
    const properties: Record<string, Lb3Property> = {};
    for (const name of def.propertyNames) properties[name] = lb3PropertyOf(def.properties[name]);
    const settings = def.settings as Record<string, unknown>;
    const definition: Lb3ModelDefinition = {
      name: def.name,
      properties,
      settings,
      idName: () => def.idName,
      idNames: () => [...def.idNames],
      ids: () => def.idNames.map((n, i) => ({ name: n, id: i + 1, property: properties[n] })),
      columnMetadata: (type, prop) => (properties[prop]?.[type] as unknown) ?? undefined,
      tableName: (type) => (settings[type] as { table?: string } | undefined)?.table ?? def.name,
      columnName: (type, prop) => {
        const meta = properties[prop]?.[type] as { columnName?: string; column?: string } | undefined;
        return meta?.columnName ?? meta?.column ?? prop;
      },
      columnNames: (type) => Object.keys(properties).map((p) => definition.columnName(type, p)),
      indexes: () => (settings.indexes as Record<string, unknown> | undefined) ?? {},
    };
    const model = function Lb3Model(this: Record<string, unknown>, data?: Record<string, unknown>) {
      if (data) Object.assign(this, data);
    } as unknown as Lb3ModelClass;
    Object.defineProperty(model, 'name', { value: def.name });
    model.modelName = def.name;
    model.pluralModelName = def.pluralName;
    model.dataSource = this;
    model.definition = definition;
    model.settings = settings;
    // Includes are loopline's: the bridge never passes `include` down, so this only answers as given.
    model.include = (objects, _include, _options, cb) => process.nextTick(() => cb(null, objects));
    this.modelBuilder.models[def.name] = model;
    this.modelBuilder.definitions[def.name] = definition;
    return { model, properties, settings };
  }

  getModel(name: string): Lb3ModelClass | undefined {
    return this.modelBuilder.models[name];
  }

  getModelDefinition(name: string): Lb3ModelDefinition | undefined {
    return this.modelBuilder.definitions[name];
  }

  idName(model: string): string | undefined {
    return this.getModelDefinition(model)?.idName();
  }

  idNames(model: string): string[] {
    return this.getModelDefinition(model)?.idNames() ?? [];
  }

  idProperty(model: string): Lb3Property | undefined {
    const def = this.getModelDefinition(model);
    const id = def?.idName();
    return id === undefined ? undefined : def!.properties[id];
  }

  idColumnName(model: string): string | undefined {
    const id = this.idName(model);
    return id === undefined ? undefined : this.columnName(model, id);
  }

  tableName(model: string): string {
    return this.getModelDefinition(model)?.tableName(this.connectorName()) ?? model;
  }

  columnName(model: string, property: string): string {
    return this.getModelDefinition(model)?.columnName(this.connectorName(), property) ?? property;
  }

  columnNames(model: string): string[] {
    return this.getModelDefinition(model)?.columnNames(this.connectorName()) ?? [];
  }

  columnMetadata(model: string, property: string): unknown {
    return this.getModelDefinition(model)?.columnMetadata(this.connectorName(), property);
  }

  /** SqlConnector queues at most this many statements while it waits for 'connected'. */
  getMaxOfflineRequests(): number {
    return Number(this.settings.maxOfflineRequests ?? 16);
  }

  /** `dataSource.defineProperty(model, name, definition)`: the property joins the LB3 view and the connector hears of it. */
  defineProperty(model: string, property: string, definition: Lb3Property): void {
    const def = this.getModelDefinition(model);
    if (def) def.properties[property] = definition;
    const hook = this.connector?.defineProperty as ((m: string, p: string, d: unknown) => void) | undefined;
    if (typeof hook === 'function') hook.call(this.connector, model, property, definition);
  }

  defineOperation(
    name: string,
    options: Record<string, unknown>,
    fn?: (...args: unknown[]) => unknown,
  ): void {
    this.operations[name] = { ...options, name, fn };
  }

  getTypes(): string[] {
    const types = this.connector?.getTypes as (() => string[]) | undefined;
    return typeof types === 'function' ? types.call(this.connector) : ['db', 'nosql'];
  }

  supportTypes(types: string | string[]): boolean {
    const have = this.getTypes();
    return (Array.isArray(types) ? types : [types]).every((t) => have.includes(t));
  }

  /** SqlConnector logs through its data source; loopline's debug names carry the statements instead. */
  log(): void {
    // Statement logging is the connector's own (its debug name).
  }

  private connectorName(): string {
    return String(this.connector?.name ?? this.settings.connector ?? '');
  }
}
