import { LooplineError } from '../../../errors';
import { call, Lb3Connector } from './callback-call';

/**
 * A transaction of a bridged LB3 connector, as loopline hands it around (`{transaction: tx}` in a
 * DAO call's options): commit/rollback once (promise or callback), rolled back when `timeout`
 * passes. The LB3 connector sees its own handle (`lb3`: `{connector, connection, txId}`), which it
 * checks before running a statement on the transaction's connection.
 */
export class BridgeTransaction {
  finished = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly connector: Lb3Connector,
    /** What the LB3 connector expects in `options.transaction`. */
    readonly lb3: Record<string, unknown>,
    timeout: number | undefined,
  ) {
    if (timeout && timeout > 0) {
      this.timer = setTimeout(() => void this.rollback().catch(() => undefined), timeout);
      this.timer.unref?.();
    }
  }

  get connection(): unknown {
    return this.lb3.connection;
  }

  commit(cb?: (err?: Error | null) => void): Promise<void> {
    return this.withCallback(this.end('commit'), cb);
  }

  rollback(cb?: (err?: Error | null) => void): Promise<void> {
    return this.withCallback(this.end('rollback'), cb);
  }

  /** Refuses a call on a transaction that has ended, before it reaches the store. */
  ensureActive(): void {
    if (this.finished)
      throw new LooplineError(
        'TRANSACTION_FINISHED',
        'The transaction has already been committed or rolled back',
      );
  }

  private async end(how: 'commit' | 'rollback'): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    if (this.timer) clearTimeout(this.timer);
    await call(this.connector, how, [this.lb3.connection]);
  }

  private withCallback(p: Promise<void>, cb?: (err?: Error | null) => void): Promise<void> {
    if (cb)
      p.then(
        () => cb(null),
        (err: Error) => cb(err),
      );
    return p;
  }
}

/** The LB3 connector's answer to beginTransaction: a Transaction object of its own, or a bare connection. */
export function lb3TransactionOf(connector: Lb3Connector, answer: unknown): Record<string, unknown> {
  const tx = answer as { connection?: unknown; connector?: unknown } | null;
  if (tx && typeof tx === 'object' && 'connection' in tx && tx.connector === connector)
    return tx as Record<string, unknown>;
  return { connector, connection: answer };
}
