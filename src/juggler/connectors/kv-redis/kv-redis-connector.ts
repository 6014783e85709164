import Redis, { RedisOptions } from 'ioredis';
import { LooplineError } from '../../../errors';
import { debugFor } from '../../../util/debug';
import type { KeyValueConnector } from '../store-kinds';
import { decodeValue, encodeValue } from '../key-value-codec';

const debug = debugFor('connector:kv-redis');

/** Keys read per SCAN round trip. */
const SCAN_BATCH = 200;

/**
 * LB3's `kv-redis` store (loopback-connector-kv-redis) on ioredis: a model's key `k` is the Redis
 * key `Model:k`, values are kept as text by the shared codec, TTLs are Redis' own (PX/PEXPIRE/PTTL).
 * Settings: `url` or `host`/`port`/`password`/`db` (LB3's names), anything else ioredis takes.
 */
export class KeyValueRedisConnector implements KeyValueConnector {
  readonly kind = 'key-value';
  readonly name = 'kv-redis';
  private readonly client: Redis;

  constructor(settings: Record<string, unknown> = {}) {
    const { url, connector: _c, name: _n, ...rest } = settings;
    const options: RedisOptions = { ...(rest as RedisOptions), lazyConnect: true, maxRetriesPerRequest: 1 };
    this.client = typeof url === 'string' && url ? new Redis(url, options) : new Redis(options);
    // Errors reach the caller through the failed command; an unheard 'error' event would crash.
    this.client.on('error', (err: Error) => debug('redis error: %s', err.message));
  }

  async connect(): Promise<void> {
    if (
      this.client.status === 'ready' ||
      this.client.status === 'connecting' ||
      this.client.status === 'connect'
    )
      return;
    try {
      await this.client.connect();
    } catch (err) {
      throw new LooplineError('STORE_UNAVAILABLE', `Redis cannot be reached: ${(err as Error).message}`);
    }
  }

  async disconnect(): Promise<void> {
    if (this.client.status === 'end') return;
    await this.client.quit().catch(() => this.client.disconnect());
  }

  async get(model: string, key: string): Promise<unknown> {
    return decodeValue(await this.client.get(redisKey(model, key)));
  }

  async set(model: string, key: string, value: unknown, ttl: number | undefined): Promise<void> {
    const k = redisKey(model, key);
    if (ttl === undefined) await this.client.set(k, encodeValue(value));
    else await this.client.set(k, encodeValue(value), 'PX', Math.ceil(ttl));
  }

  async expire(model: string, key: string, ttl: number): Promise<boolean> {
    return (await this.client.pexpire(redisKey(model, key), Math.ceil(ttl))) === 1;
  }

  async ttl(model: string, key: string): Promise<number | undefined | null> {
    const left = await this.client.pttl(redisKey(model, key));
    if (left === -2) return null;
    return left === -1 ? undefined : left;
  }

  iterateKeys(model: string, match: string | undefined): AsyncIterator<string> {
    const pattern = `${escapeGlob(model)}:${match ?? '*'}`;
    let cursor = '0';
    let started = false;
    let batch: string[] = [];
    const seen = new Set<string>();
    return {
      next: async () => {
        for (;;) {
          while (batch.length) {
            const full = batch.shift()!;
            // SCAN may return a key twice; each is reported once.
            if (seen.has(full)) continue;
            seen.add(full);
            return { done: false, value: full.slice(model.length + 1) };
          }
          if (started && cursor === '0') return { done: true, value: undefined };
          started = true;
          [cursor, batch] = await this.client.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_BATCH);
        }
      },
    };
  }

  async delete(model: string, key: string): Promise<void> {
    await this.client.del(redisKey(model, key));
  }

  async deleteAll(model: string): Promise<void> {
    let cursor = '0';
    do {
      const [next, keys] = await this.client.scan(
        cursor,
        'MATCH',
        `${escapeGlob(model)}:*`,
        'COUNT',
        SCAN_BATCH,
      );
      if (keys.length) await this.client.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  }
}

function redisKey(model: string, key: string): string {
  return `${model}:${key}`;
}

/** A model name taken literally inside a Redis MATCH pattern. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}
