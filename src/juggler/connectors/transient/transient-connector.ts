import { randomBytes } from 'crypto';
import type { Connector, ConnectorCapabilities, OperationOptions, Row, UpsertResult } from '../connector';
import type { ModelDefinition } from '../../model-definition';

export interface TransientSettings {
  /** The type of ids generated for a model whose id property has no type (LB3 default: String). */
  defaultIdType?: 'Number' | 'String' | NumberConstructor | StringConstructor;
  /** Replaces the id generator: `(modelName, data, idName) => id`. */
  generateId?: (modelName: string, data: Row, idName: string) => unknown;
  [key: string]: unknown;
}

/**
 * LB3's `transient` store: nothing is kept. Writes succeed and hand back what was written, with an
 * id generated when the data has none (a number below 10000 for a numeric id, as LB3, otherwise 24
 * hex characters); reads find nothing. Apps use it for embedded models and computed endpoints.
 */
export class TransientConnector implements Connector {
  readonly name = 'transient';
  readonly capabilities: ConnectorCapabilities;
  private readonly generate: ((modelName: string, data: Row, idName: string) => unknown) | undefined;

  constructor(settings: TransientSettings = {}) {
    const idType = settings.defaultIdType;
    this.capabilities = Object.freeze({
      defaultIdType: idType === 'Number' || idType === Number ? 'Number' : 'String',
      regexp: true,
      geo: true,
      transactions: false,
      freeformProperties: true,
    });
    this.generate = typeof settings.generateId === 'function' ? settings.generateId : undefined;
  }

  async connect(): Promise<void> {}
  async disconnect(): Promise<void> {}
  define(): void {}

  async create(def: ModelDefinition, data: Row): Promise<unknown> {
    const idName = def.idName;
    if (!idName) return undefined;
    let id = data[idName];
    if (id === undefined || id === null || id === '') {
      id = this.generateId(def, data, idName);
      data[idName] = id;
    }
    return id;
  }

  async find(): Promise<Row[]> {
    return [];
  }

  async findById(): Promise<Row | null> {
    return null;
  }

  async count(): Promise<number> {
    return 0;
  }

  async updateAll(): Promise<number> {
    return 0;
  }

  async destroyAll(): Promise<number> {
    return 0;
  }

  async patchById(def: ModelDefinition, id: unknown, data: Row): Promise<Row | null> {
    return def.idName ? { ...data, [def.idName]: id } : { ...data };
  }

  async replaceById(def: ModelDefinition, id: unknown, data: Row): Promise<Row | null> {
    return this.patchById(def, id, data);
  }

  /** Nothing exists, so an upsert always creates. */
  async upsert(
    def: ModelDefinition,
    insertRow: Row,
    _updateRow: Row,
    _options: OperationOptions,
  ): Promise<UpsertResult> {
    const row = { ...insertRow };
    await this.create(def, row);
    return { row, created: true };
  }

  async replaceOrCreate(def: ModelDefinition, row: Row, options: OperationOptions): Promise<UpsertResult> {
    return this.upsert(def, row, row, options);
  }

  async automigrate(): Promise<void> {}
  async autoupdate(): Promise<void> {}
  async ping(): Promise<void> {}

  generateId(def: ModelDefinition, data: Row, idName: string): unknown {
    if (this.generate) return this.generate(def.name, data, idName);
    const type = def.properties[idName]?.kind.name ?? this.capabilities.defaultIdType;
    if (type === 'Number') return Math.floor(Math.random() * 10000);
    return randomBytes(12).toString('hex');
  }
}
