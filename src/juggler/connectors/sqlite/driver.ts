import fs from 'fs';
import path from 'path';
import { LooplineError } from '../../../errors';
import type { QueryResult } from '../sql/sql-transaction';
import type { SqlDriver } from '../sql/sql-dialect';
import type { SqlRunner, TransactionConnection } from '../sql/sql-transaction';
import type { SQLiteChangeCarrier } from './change-feed';
import { Database, execute, openDatabase, runnerOf, StatementCache } from './database';
import { foreignKeyConstraintName, rebuildFromStatement, rebuildTable, RebuildSpec } from './schema';

/** A connection and its prepared statements. */
interface Connection {
  db: Database;
  statements: StatementCache;
}

export const IN_MEMORY = ':memory:';

/**
 * SQLite's connections on better-sqlite3: one database file, opened in WAL mode. Settings: `file`
 * (LB3's loopback-connector-sqlite3 name; `database` and `filename` too; `:memory:` for a database
 * that lives as long as the data source), `busyTimeout` (ms a statement waits for another
 * connection's write lock, default 5000).
 *
 * The driver is synchronous; the connector keeps the async Connector API. Statements outside a
 * transaction run on the data source's own connection. A transaction opens a connection of its
 * own on the same file and begins with BEGIN IMMEDIATE, so it holds the write lock from its first
 * statement: SQLite has one writer at a time, and every transaction is SERIALIZABLE whatever
 * isolation level it asks for. Readers never wait (WAL); a writer that meets the lock waits
 * asynchronously (database.ts). A `:memory:` database is one connection: its transactions
 * are atomic but run on the connection the data source's other statements use.
 */
export class SQLiteDriver implements SqlDriver {
  private main: Connection | undefined;
  /** Idle connections of finished transactions, for the next one. */
  private readonly idle: Connection[] = [];
  private poolRunner: SqlRunner | undefined;
  /** The change feed, told when a transaction ends (its notices travel only once it has committed). */
  feed: SQLiteChangeCarrier | undefined;

  constructor(private readonly settings: Readonly<Record<string, unknown>>) {}

  /** The database file: `file`, `database` or `filename`; `:memory:` when none is set. */
  get file(): string {
    const s = this.settings;
    const given = [s.file, s.database, s.filename].find(
      (v): v is string => typeof v === 'string' && v !== '',
    );
    if (!given || given === IN_MEMORY) return IN_MEMORY;
    return path.resolve(given);
  }

  private get busyTimeout(): number {
    const t = Number(this.settings.busyTimeout);
    return Number.isFinite(t) && t >= 0 ? t : 5000;
  }

  private open(): Connection {
    const file = this.file;
    if (file !== IN_MEMORY) fs.mkdirSync(path.dirname(file), { recursive: true });
    let db: Database;
    try {
      db = openDatabase(file, false);
    } catch (err) {
      if (err instanceof LooplineError) throw err;
      throw new LooplineError(
        'STORE_UNAVAILABLE',
        `The sqlite store cannot open ${file}: ${(err as Error).message}`,
      );
    }
    return { db, statements: new StatementCache(db) };
  }

  private ensureMain(): Connection {
    return (this.main ??= this.open());
  }

  /**
   * The data source's own connection. The schema code's table rebuilds (schema.ts) arrive as
   * statements too and run here, in a transaction of their own.
   */
  get pool(): SqlRunner {
    if (this.poolRunner) return this.poolRunner;
    const statements = runnerOf(() => this.ensureMain().statements, this.busyTimeout);
    this.poolRunner = {
      query: async (sql, params): Promise<QueryResult> => {
        const rebuild = rebuildFromStatement(sql);
        if (!rebuild) return statements.query(sql, params);
        await this.rebuild(rebuild);
        return { rows: [], affected: 0 };
      },
    };
    return this.poolRunner;
  }

  private async rebuild(spec: RebuildSpec): Promise<void> {
    const conn = this.ensureMain();
    // Foreign keys cannot be switched inside a transaction: off before it, on again after.
    conn.db.pragma('foreign_keys = OFF');
    try {
      await runnerOf(() => conn.statements, this.busyTimeout).query('BEGIN IMMEDIATE', []);
      try {
        rebuildTable(conn.db, spec);
        conn.db.exec('COMMIT');
      } catch (err) {
        if (conn.db.inTransaction) conn.db.exec('ROLLBACK');
        throw err;
      }
    } finally {
      conn.db.pragma('foreign_keys = ON');
      conn.statements.clear();
    }
  }

  async connect(): Promise<void> {
    this.ensureMain();
  }

  async close(): Promise<void> {
    for (const conn of this.idle.splice(0)) conn.db.close();
    const main = this.main;
    this.main = undefined;
    main?.db.close();
  }

  schemaChanged(): void {
    this.main?.statements.clear();
  }

  /** A connection of its own (the data source's one for `:memory:`), in a BEGIN IMMEDIATE transaction when a level is given. */
  async checkout(level: string | undefined): Promise<TransactionConnection> {
    const begin = level !== undefined;
    const shared = this.file === IN_MEMORY;
    const conn = shared ? this.ensureMain() : (this.idle.pop() ?? this.open());
    const runner = runnerOf(() => conn.statements, this.busyTimeout);
    if (begin) {
      try {
        await runner.query('BEGIN IMMEDIATE', []);
      } catch (err) {
        if (!shared) this.idle.push(conn);
        throw err;
      }
    }
    return {
      runner,
      finish: async (commit, tx) => {
        if (!begin) return;
        let committed = false;
        try {
          if (conn.db.inTransaction) execute(conn.statements, commit ? 'COMMIT' : 'ROLLBACK', []);
          committed = commit;
        } finally {
          // The notices of its writes travel only once it has committed.
          this.feed?.ended(tx, committed);
        }
      },
      release: (failed?: unknown) => {
        if (shared) return;
        if (failed || this.idle.length >= 4 || this.main === undefined) conn.db.close();
        else this.idle.push(conn);
      },
    };
  }

  /** The name of the table's FOREIGN KEY constraint when it holds only one (SQLite's refusals name none). */
  onlyForeignKey(table: string): string | undefined {
    const main = this.main;
    if (!main) return undefined;
    try {
      const rows = main.db
        .prepare(
          'SELECT m.sql AS createSql, f."from" AS col FROM sqlite_schema m JOIN pragma_foreign_key_list(m.name) f WHERE m.type = \'table\' AND m.name = ? AND f.seq = 0',
        )
        .all(table) as { createSql: string; col: string }[];
      return rows.length === 1 ? foreignKeyConstraintName(rows[0].createSql, rows[0].col) : undefined;
    } catch {
      return undefined;
    }
  }
}
