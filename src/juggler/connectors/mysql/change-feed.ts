import type { OperationOptions, Row } from '../connector';
import { noticeText, type ChangeCarrier, type ChangeNotice } from '../change-feed';

/**
 * The MariaDB/MySQL change feed: these stores have no NOTIFY, so notices are rows of a table of
 * their own (setting `changeFeedTable`, default `loopline_change_feed`: an AUTO_INCREMENT `seq`,
 * the time, the notice as JSON), made on first use. A data source with change streams open polls
 * it every `changeFeedInterval` ms (default 200) for rows past the last `seq` it read. Rows older
 * than `changeFeedRetention` seconds (default 300) are deleted by the writers, at most once a
 * minute. A `seq` missing from a read (an insert whose transaction has not committed yet) is
 * waited for up to two seconds before the poll moves past it.
 */

const DEFAULT_INTERVAL = 200;
const DEFAULT_RETENTION = 300;
const PRUNE_EVERY_MS = 60_000;
const GAP_WAIT_MS = 2000;
const ROWS_PER_POLL = 1000;
/** A notice's JSON is kept below this (the where or patch of a bulk write is dropped beyond it). */
const NOTICE_LIMIT = 16_000;

type Run = (sql: string, params: unknown[], options?: OperationOptions) => Promise<{ rows: Row[] }>;

export class MySQLChangeCarrier implements ChangeCarrier {
  private ready: Promise<void> | undefined;
  private lastPrune = 0;
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  /** The last seq read with every seq before it read too. */
  private last = 0;
  /** Seqs read past a gap, and when each gap was first seen. */
  private readonly seenPastGap = new Set<number>();
  private readonly gapSince = new Map<number, number>();

  constructor(
    private readonly run: Run,
    private readonly table: string,
    private readonly interval: number = DEFAULT_INTERVAL,
    private readonly retention: number = DEFAULT_RETENTION,
    private readonly debug: (format: string, ...args: unknown[]) => void,
  ) {}

  private quoted(): string {
    return '`' + this.table.replace(/`/g, '``') + '`';
  }

  /**
   * Makes the table once per data source. Looked up first: a CREATE … IF NOT EXISTS on a table
   * that exists still waits for the metadata lock of any open transaction that wrote to it.
   */
  ensureTable(options?: OperationOptions): Promise<void> {
    this.ready ??= this.createTable(options).catch((err) => {
      this.ready = undefined;
      throw err;
    });
    return this.ready;
  }

  /**
   * Looked up on the caller's connection (a write's transaction must not wait for a second one
   * from a pool its peers may hold); made on the pool, outside any transaction (a CREATE inside one
   * would commit it). A write prepares the feed before it opens its transaction (prepare()).
   */
  private async createTable(options?: OperationOptions): Promise<void> {
    const { rows } = await this.run(
      'SELECT 1 AS present FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?',
      [this.table],
      options,
    );
    if (rows.length) return;
    await this.run(
      `CREATE TABLE IF NOT EXISTS ${this.quoted()} (seq BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), notice TEXT NOT NULL, KEY at_idx (at)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
      [],
    );
  }

  private async insert(notices: ChangeNotice[], options?: OperationOptions): Promise<void> {
    const texts = notices.map((n) => noticeText(n, NOTICE_LIMIT)).filter((t): t is string => t !== undefined);
    if (!texts.length) return;
    await this.ensureTable(options);
    await this.run(
      `INSERT INTO ${this.quoted()} (notice) VALUES ${texts.map(() => '(?)').join(', ')}`,
      texts,
      options,
    );
    const now = Date.now();
    if (now - this.lastPrune > PRUNE_EVERY_MS) {
      this.lastPrune = now;
      // Not awaited: the write (and its transaction) does not wait for the clean-up.
      this.run(`DELETE FROM ${this.quoted()} WHERE at < NOW(3) - INTERVAL ? SECOND`, [this.retention]).catch(
        (err) => this.report(err),
      );
    }
  }

  prepare(): Promise<void> {
    return this.ensureTable();
  }

  send(notices: ChangeNotice[]): Promise<void> {
    return this.insert(notices);
  }

  sendInTransaction(notices: ChangeNotice[], options: OperationOptions): Promise<void> {
    return this.insert(notices, options);
  }

  async listen(deliver: (notice: ChangeNotice) => void): Promise<void> {
    await this.ensureTable();
    const { rows } = await this.run(`SELECT COALESCE(MAX(seq), 0) AS last FROM ${this.quoted()}`, []);
    this.last = Number(rows[0]?.last ?? 0);
    this.seenPastGap.clear();
    this.gapSince.clear();
    const tick = () => {
      this.timer = setTimeout(() => {
        this.poll(deliver)
          .catch((err) => this.report(err))
          .finally(() => {
            if (this.timer) tick();
          });
      }, this.interval);
    };
    tick();
  }

  private async poll(deliver: (notice: ChangeNotice) => void): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const { rows } = await this.run(
        `SELECT seq, notice FROM ${this.quoted()} WHERE seq > ? ORDER BY seq LIMIT ${ROWS_PER_POLL}`,
        [this.last],
      );
      const now = Date.now();
      for (const row of rows) {
        const seq = Number(row.seq);
        if (this.seenPastGap.has(seq)) continue;
        if (seq === this.last + 1 || this.gapExpired(this.last + 1, now)) this.advanceTo(seq);
        else this.seenPastGap.add(seq);
        this.deliverRow(row, deliver);
      }
      // Seqs read past a gap become contiguous once the gap is filled or given up.
      while (
        this.seenPastGap.size > 0 &&
        (this.seenPastGap.has(this.last + 1) || this.gapExpired(this.last + 1, now))
      ) {
        this.advanceTo(this.last + 1);
      }
    } finally {
      this.polling = false;
    }
  }

  private gapExpired(seq: number, now: number): boolean {
    const since = this.gapSince.get(seq);
    if (since === undefined) {
      this.gapSince.set(seq, now);
      return false;
    }
    return now - since >= GAP_WAIT_MS;
  }

  private advanceTo(seq: number): void {
    for (let s = this.last + 1; s <= seq; s++) {
      this.seenPastGap.delete(s);
      this.gapSince.delete(s);
    }
    this.last = seq;
  }

  private deliverRow(row: Row, deliver: (notice: ChangeNotice) => void): void {
    try {
      deliver(JSON.parse(String(row.notice)) as ChangeNotice);
    } catch (err) {
      this.report(err);
    }
  }

  async unlisten(): Promise<void> {
    const timer = this.timer;
    this.timer = undefined;
    if (timer) clearTimeout(timer);
  }

  report(err: unknown): void {
    this.debug('change feed: %s', (err as Error)?.message ?? String(err));
  }
}
