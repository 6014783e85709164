import type { KeyValueConnector } from '../store-kinds';
import { decodeValue, encodeValue, globMatcher } from '../key-value-codec';

interface Item {
  text: string;
  /** Epoch ms after which the item is gone; undefined = kept for good. */
  expires: number | undefined;
}

/** How often expired items are swept out to free memory (reads check expiry themselves). */
const SWEEP_MS = 1000;

/**
 * LB3's `kv-memory` store (loopback-connector-kv-memory): key-value pairs in this process, one
 * namespace per model, with millisecond TTLs. Nothing survives a restart; for that, use `kv-redis`.
 */
export class KeyValueMemoryConnector implements KeyValueConnector {
  readonly kind = 'key-value';
  readonly name = 'kv-memory';
  private readonly models = new Map<string, Map<string, Item>>();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(_settings: Record<string, unknown> = {}) {}

  async connect(): Promise<void> {
    if (this.sweeper) return;
    this.sweeper = setInterval(() => this.sweep(), SWEEP_MS);
    this.sweeper.unref();
  }

  async disconnect(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  async get(model: string, key: string): Promise<unknown> {
    const item = this.live(model, key);
    return item ? decodeValue(item.text) : null;
  }

  async set(model: string, key: string, value: unknown, ttl: number | undefined): Promise<void> {
    this.store(model).set(key, {
      text: encodeValue(value),
      expires: ttl === undefined ? undefined : Date.now() + ttl,
    });
  }

  async expire(model: string, key: string, ttl: number): Promise<boolean> {
    const item = this.live(model, key);
    if (!item) return false;
    item.expires = Date.now() + ttl;
    return true;
  }

  async ttl(model: string, key: string): Promise<number | undefined | null> {
    const item = this.live(model, key);
    if (!item) return null;
    return item.expires === undefined ? undefined : item.expires - Date.now();
  }

  iterateKeys(model: string, match: string | undefined): AsyncIterator<string> {
    const matches = globMatcher(match);
    // A snapshot: keys set while iterating are not visited, as LB3's memory store.
    const keys = Array.from(this.store(model).keys()).filter((k) => matches(k));
    let i = 0;
    return {
      next: async () => {
        while (i < keys.length) {
          const key = keys[i++];
          if (this.live(model, key)) return { done: false, value: key };
        }
        return { done: true, value: undefined };
      },
    };
  }

  async delete(model: string, key: string): Promise<void> {
    this.store(model).delete(key);
  }

  async deleteAll(model: string): Promise<void> {
    this.models.delete(model);
  }

  private store(model: string): Map<string, Item> {
    let store = this.models.get(model);
    if (!store) this.models.set(model, (store = new Map()));
    return store;
  }

  private live(model: string, key: string): Item | undefined {
    const store = this.models.get(model);
    const item = store?.get(key);
    if (item && item.expires !== undefined && item.expires <= Date.now()) {
      store!.delete(key);
      return undefined;
    }
    return item;
  }

  private sweep(): void {
    const now = Date.now();
    for (const store of this.models.values()) {
      for (const [key, item] of store)
        if (item.expires !== undefined && item.expires <= now) store.delete(key);
    }
  }
}
