import type { OperationOptions } from '../connector';
import { type ChangeCarrier, type ChangeNotice } from '../change-feed';

/**
 * The SQLite change feed, within one process: the data sources of this process on the same
 * database file hear each other's writes (as the memory store's streams hear its own). SQLite has
 * no NOTIFY and its file is shared by processes that do not talk to each other, so a process on
 * the same file elsewhere hears nothing; several processes that need each other's changes belong
 * on PostgreSQL or MariaDB. Notices sent inside a transaction travel when it commits, not on rollback.
 */

/** The feeds listening, by database file. */
const LISTENING = new Map<string, Set<SQLiteChangeCarrier>>();

export class SQLiteChangeCarrier implements ChangeCarrier {
  private deliver: ((notice: ChangeNotice) => void) | undefined;
  /** Notices of writes in a transaction still open, by its handle. */
  private readonly held = new Map<unknown, ChangeNotice[]>();

  constructor(
    private readonly file: string,
    private readonly debug: (format: string, ...args: unknown[]) => void,
  ) {}

  async send(notices: ChangeNotice[]): Promise<void> {
    const peers = LISTENING.get(this.file);
    if (!peers) return;
    for (const peer of peers) {
      if (peer === this) continue;
      // As a notice from a server would: after this tick, never inside the writer's own call.
      for (const notice of notices) setImmediate(() => peer.deliver?.(notice));
    }
  }

  async sendInTransaction(notices: ChangeNotice[], options: OperationOptions): Promise<void> {
    const tx = options.transaction;
    this.held.set(tx, [...(this.held.get(tx) ?? []), ...notices]);
  }

  /** A transaction ended: its notices travel if it committed. */
  ended(tx: unknown, committed: boolean): void {
    const notices = this.held.get(tx);
    if (!notices) return;
    this.held.delete(tx);
    if (committed) void this.send(notices).catch((err) => this.report(err));
  }

  async listen(deliver: (notice: ChangeNotice) => void): Promise<void> {
    this.deliver = deliver;
    let peers = LISTENING.get(this.file);
    if (!peers) LISTENING.set(this.file, (peers = new Set()));
    peers.add(this);
  }

  async unlisten(): Promise<void> {
    this.deliver = undefined;
    const peers = LISTENING.get(this.file);
    peers?.delete(this);
    if (peers && !peers.size) LISTENING.delete(this.file);
  }

  report(err: unknown): void {
    this.debug('change feed: %s', (err as Error)?.message ?? String(err));
  }
}
