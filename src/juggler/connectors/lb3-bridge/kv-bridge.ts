import type { KeyValueConnector } from '../store-kinds';
import { call, connectLb3, has, Lb3Connector } from './callback-call';
import type { Lb3DataSource } from './lb3-data-source';
import { mapStoreError } from './store-errors';

/**
 * An LB3 key-value connector (one that installs the juggler's KeyValueAccessObject, as
 * loopback-connector-kv-redis does) behind loopline's KeyValueConnector: KeyValueModel keeps its
 * argument checks and REST, the LB3 connector stores the values.
 */
export class Lb3KeyValueBridge implements KeyValueConnector {
  readonly kind = 'key-value' as const;
  readonly name: string;
  readonly lb3: Lb3Connector;

  constructor(
    readonly dataSource: Lb3DataSource,
    private readonly initialized: Promise<unknown>,
  ) {
    this.lb3 = dataSource.connector!;
    this.name =
      typeof this.lb3.name === 'string'
        ? this.lb3.name
        : typeof dataSource.settings.connector === 'string'
          ? dataSource.settings.connector
          : 'lb3-kv';
  }

  connect(): Promise<void> {
    return connectLb3(this.dataSource, this.initialized, this.lb3, (err) =>
      mapStoreError(err, undefined, this),
    );
  }

  async disconnect(): Promise<void> {
    if (has(this.lb3, 'disconnect')) await call(this.lb3, 'disconnect', []).catch(() => undefined);
    this.dataSource.connected = false;
  }

  async get(model: string, key: string): Promise<unknown> {
    const value = await this.run('get', [model, key, {}]);
    return value === undefined ? null : value;
  }

  async set(model: string, key: string, value: unknown, ttl: number | undefined): Promise<void> {
    await this.run('set', [model, key, value, ttl === undefined ? {} : { ttl: Math.ceil(ttl) }]);
  }

  async expire(model: string, key: string, ttl: number): Promise<boolean> {
    try {
      await this.run('expire', [model, key, Math.ceil(ttl), {}]);
      return true;
    } catch (err) {
      if ((err as { statusCode?: unknown }).statusCode === 404) return false;
      throw err;
    }
  }

  async ttl(model: string, key: string): Promise<number | undefined | null> {
    try {
      const left = await this.run('ttl', [model, key, {}]);
      return left === undefined || left === null ? undefined : Number(left);
    } catch (err) {
      if ((err as { statusCode?: unknown }).statusCode === 404) return null;
      throw err;
    }
  }

  async *iterateKeys(model: string, match: string | undefined): AsyncGenerator<string> {
    const it = this.lb3.iterateKeys(model, match === undefined ? {} : { match }, {}) as {
      next(cb: (err: unknown, key?: string) => void): void;
    };
    for (;;) {
      const key = await new Promise<string | undefined>((resolve, reject) =>
        it.next((err, k) => (err ? reject(mapStoreError(err, undefined, this)) : resolve(k))),
      );
      if (key === undefined) return;
      yield key;
    }
  }

  async delete(model: string, key: string): Promise<void> {
    await this.run('delete', [model, key, {}]);
  }

  /** The LB3 connector's deleteAll, or each key deleted in turn when it has none (kv-redis). */
  async deleteAll(model: string): Promise<void> {
    if (has(this.lb3, 'deleteAll')) {
      await this.run('deleteAll', [model, {}]);
      return;
    }
    const keys: string[] = [];
    for await (const key of this.iterateKeys(model, undefined)) keys.push(key);
    for (const key of keys) await this.delete(model, key);
  }

  private async run(method: string, args: unknown[]): Promise<unknown> {
    await this.connect();
    try {
      return await call(this.lb3, method, args);
    } catch (err) {
      throw mapStoreError(err, undefined, this);
    }
  }
}
