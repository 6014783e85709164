import { randomUUID } from 'crypto';
import type { OperationOptions } from './connector';

/**
 * A store's change feed: how the writes made through one process (one data source) reach the
 * change streams opened in every other process on the same database. Each write of a model
 * announces a small notice (model, kind, id; a bulk write its where and patch); a receiving
 * process reads the row itself when it needs the data. PostgreSQL carries notices by
 * LISTEN/NOTIFY, MariaDB/MySQL by a table that subscribers poll (see the connectors' own feeds).
 *
 * Which writes announce themselves: those of models with `trackChanges` (inside the write's
 * transaction, beside the change record), and with the data source setting `changeFeed: true`
 * every model's (after the write commits, batched per tick: one statement for many writes). A
 * write in the app's own transaction announces itself inside it, so the notice travels only if
 * the transaction commits. `changeFeed: false` turns the feed off. A feed is a live signal, not a log: a process that is down misses what
 * happens meanwhile (replication's `changes(since)` is the durable record).
 */

export type ChangeKind = 'create' | 'update' | 'remove';

export interface ChangeNotice {
  /** The data source (process) that made the write; its own streams saw it through the model's hooks. */
  origin: string;
  model: string;
  kind: ChangeKind;
  id?: string | number;
  /** A bulk write's where, and an updateAll's patch; left out of a notice too big for the carrier. */
  where?: unknown;
  data?: unknown;
}

export type ChangeListener = (notice: ChangeNotice) => void;

/** The part of a notice's size budget the batching keeps below the carrier's limit. */
export function noticeText(notice: ChangeNotice, limit: number): string | undefined {
  const text = JSON.stringify(notice);
  if (Buffer.byteLength(text) <= limit) return text;
  // Too big (a long where or patch): the receivers get the write without them.
  const slim = JSON.stringify({
    origin: notice.origin,
    model: notice.model,
    kind: notice.kind,
    id: notice.id,
  });
  return Buffer.byteLength(slim) <= limit ? slim : undefined;
}

/** How a store carries notices between processes (NOTIFY, a polled table, within the process): a dialect's part of the feed. */
export interface ChangeCarrier {
  /** Sends notices outside any transaction (one statement per batch where the carrier allows). */
  send(notices: ChangeNotice[]): Promise<void>;
  /** Sends notices inside the app's transaction (they travel if it commits). */
  sendInTransaction(notices: ChangeNotice[], options: OperationOptions): Promise<void>;
  /** Starts carrying other processes' notices to `deliver`; resolves once it is listening. */
  listen(deliver: (notice: ChangeNotice) => void): Promise<void>;
  unlisten(): Promise<void>;
  report(err: unknown): void;
  /** Whatever the carrier needs made once before a write's transaction begins (MariaDB: its table). */
  prepare?(): Promise<void>;
}

/** A data source's change feed: batching, listeners and origin marks, over its store's carrier. */
export class StoreChangeFeed {
  /**
   * `everyModel`: every model's writes announce themselves (data source setting `changeFeed:
   * true`); otherwise only those of models tracking changes, whose writes are transactions already.
   */
  constructor(
    readonly everyModel: boolean,
    private readonly carrier: ChangeCarrier,
  ) {}

  /** This data source's mark on its notices (its own streams do not hear them twice). */
  readonly origin = randomUUID();
  private readonly listeners = new Set<ChangeListener>();
  private queue: ChangeNotice[] = [];
  private flushing: Promise<void> | undefined;
  private starting: Promise<void> | undefined;

  /** Whatever the carrier needs made once before a write's transaction begins. */
  prepare(): Promise<void> {
    return this.carrier.prepare?.() ?? Promise.resolve();
  }

  /** Announces one write. In the caller's transaction it is awaited; otherwise batched and not awaited. */
  async publish(notice: Omit<ChangeNotice, 'origin'>, options: OperationOptions): Promise<void> {
    const full = { origin: this.origin, ...notice };
    if (options.transaction) return this.carrier.sendInTransaction([full], options);
    this.queue.push(full);
    if (!this.flushing)
      this.flushing = new Promise((resolve) => setImmediate(resolve)).then(() => this.flush());
  }

  /** One batch at a time: notices sent on different connections could overtake each other. */
  private sending: Promise<void> = Promise.resolve();

  private flush(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    this.flushing = undefined;
    this.sending = this.sending.then(() => this.carrier.send(batch)).catch((err) => this.carrier.report(err));
    return this.sending;
  }

  /** Calls `listener` with every notice other processes send; resolves, once listening, to the unsubscribe function. */
  async subscribe(listener: ChangeListener): Promise<() => Promise<void>> {
    this.listeners.add(listener);
    if (this.listeners.size === 1 || this.starting) {
      this.starting ??= this.carrier
        .listen((notice) => this.dispatch(notice))
        .catch((err) => {
          this.listeners.delete(listener);
          this.starting = undefined;
          throw err;
        });
    }
    await this.starting;
    return async () => {
      if (!this.listeners.delete(listener) || this.listeners.size > 0) return;
      this.starting = undefined;
      await this.carrier.unlisten();
    };
  }

  private dispatch(notice: ChangeNotice): void {
    if (!notice || notice.origin === this.origin) return;
    for (const listener of [...this.listeners]) {
      try {
        listener(notice);
      } catch (err) {
        this.carrier.report(err);
      }
    }
  }

  /** Stops listening and sends what is queued (the data source disconnects). */
  async close(): Promise<void> {
    if (this.queue.length) await this.flush();
    this.listeners.clear();
    this.starting = undefined;
    await this.carrier.unlisten();
  }
}
