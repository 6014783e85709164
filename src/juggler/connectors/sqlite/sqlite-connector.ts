import fs from 'fs';
import path from 'path';
import { LooplineError } from '../../../errors';
import type { ModelDefinition } from '../../model-definition';
import { KeyedMutex } from '../keyed-mutex';
import type { OperationOptions, Row, UpsertResult } from '../connector';
import { isolationLevelOf, SqlConnector, SqlRunner, SqlTransaction } from '../sql/sql-connector';
import { SqlBuilder } from '../sql/sql-where';
import { Database, execute, isBusy, openDatabase, runnerOf, StatementCache } from './sqlite-driver';
import { GENERATED_INTEGER_ID, sqliteDialect } from './sqlite-dialect';
import { SQLiteCatalog } from './sqlite-discovery';
import {
  foreignKeyConstraintName,
  rebuildFromStatement,
  rebuildTable,
  RebuildSpec,
  SQLiteSchemaDialect,
} from './sqlite-schema';
import { SQLiteChangeFeed } from './sqlite-change-feed';

/** A connection and its prepared statements. */
interface Connection {
  db: Database;
  statements: StatementCache;
}

/** Sections of `exclusive` by database file and key, shared by the data sources of this process. */
const SECTIONS = new Map<string, KeyedMutex>();

const IN_MEMORY = ':memory:';

/**
 * A CREATE TABLE whose id column is the AUTOINCREMENT rowid already names its primary key there:
 * the shared schema code's separate PRIMARY KEY clause is left out (SQLite allows one).
 */
function withOnePrimaryKey(sql: string): string {
  if (!sql.startsWith('CREATE TABLE') || !sql.includes(GENERATED_INTEGER_ID)) return sql;
  return sql.replace(/,\n {2}PRIMARY KEY \([^)]*\)(?=\n\))/, '');
}

/**
 * SQLite on better-sqlite3: one database file, opened in WAL mode. Settings: `file` (LB3's
 * loopback-connector-sqlite3 name; `database` and `filename` too; `:memory:` for a database that
 * lives as long as the data source), `busyTimeout` (ms a statement waits for another connection's
 * write lock, default 5000).
 *
 * The driver is synchronous; the connector keeps the async Connector API. Statements outside a
 * transaction run on the data source's own connection. A transaction opens a connection of its
 * own on the same file and begins with BEGIN IMMEDIATE, so it holds the write lock from its first
 * statement: SQLite has one writer at a time, and every transaction is SERIALIZABLE whatever
 * isolation level it asks for. Readers never wait (WAL); a writer that meets the lock waits
 * asynchronously (sqlite-driver.ts). A `:memory:` database is one connection: its transactions
 * are atomic but run on the connection the data source's other statements use.
 */
export class SQLiteConnector extends SqlConnector {
  readonly name = 'sqlite';
  private main: Connection | undefined;
  /** Idle connections of finished transactions, for the next one. */
  private readonly idle: Connection[] = [];

  constructor(settings: Record<string, unknown>) {
    super(sqliteDialect, settings);
  }

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

  private poolRunner: SqlRunner | undefined;

  protected get pool(): SqlRunner {
    return (this.poolRunner ??= runnerOf(() => this.ensureMain().statements, this.busyTimeout));
  }

  async connect(): Promise<void> {
    this.ensureMain();
  }

  async disconnect(): Promise<void> {
    const feed = this.feed;
    this.feed = undefined;
    if (feed) await feed.close().catch(() => undefined);
    for (const conn of this.idle.splice(0)) conn.db.close();
    const main = this.main;
    this.main = undefined;
    main?.db.close();
  }

  /**
   * Runs a statement. The schema code's table rebuilds (sqlite-schema.ts) arrive as statements
   * too and run here, in a transaction of their own.
   */
  override async run(
    sql: string,
    params: unknown[],
    options?: OperationOptions,
  ): Promise<{ rows: Row[]; affected: number; insertId?: unknown }> {
    const rebuild = rebuildFromStatement(sql);
    if (rebuild) {
      await this.rebuild(rebuild);
      return { rows: [], affected: 0 };
    }
    return super.run(withOnePrimaryKey(sql), params, options);
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

  override async automigrate(defs: ModelDefinition[]): Promise<void> {
    try {
      await super.automigrate(defs);
    } finally {
      this.main?.statements.clear();
    }
  }

  override async autoupdate(defs: ModelDefinition[]): Promise<void> {
    try {
      await super.autoupdate(defs);
    } finally {
      this.main?.statements.clear();
    }
  }

  private feed: SQLiteChangeFeed | undefined;

  /** Within this process (sqlite-change-feed.ts); `changeFeed`: true for every model's writes, false for none. */
  changeFeed(): SQLiteChangeFeed | undefined {
    if (this.settings.changeFeed === false) return undefined;
    // Each `:memory:` database is its data source's own: no other data source shares its writes.
    const key = this.file === IN_MEMORY ? `${IN_MEMORY}:${Math.random()}` : this.file;
    return (this.feed ??= new SQLiteChangeFeed(key, this.debug, this.settings.changeFeed === true));
  }

  /** A file that cannot be opened, or a lock held past busyTimeout, is the store being unavailable. */
  protected isConnectionError(err: unknown): boolean {
    const code = (err as { code?: unknown })?.code;
    return (
      isBusy(err) ||
      code === 'SQLITE_CANTOPEN' ||
      code === 'SQLITE_IOERR' ||
      (typeof code === 'string' && code.startsWith('SQLITE_IOERR'))
    );
  }

  protected isDuplicateKey(err: unknown): boolean {
    const code = (err as { code?: unknown })?.code;
    return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
  }

  /** SQLite names the columns ("UNIQUE constraint failed: t.a, t.b"): the declared unique index on them. */
  protected duplicateKeyName(err: unknown): string | undefined {
    if ((err as { code?: unknown }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return undefined;
    const message = (err as Error)?.message ?? '';
    // A partial or expression index is named ("UNIQUE constraint failed: index 'name'").
    const index = /constraint failed: index '([^']+)'/i.exec(message);
    if (index) return index[1];
    const m = /constraint failed: (.*)$/i.exec(message);
    if (!m) return undefined;
    const named = m[1].split(',').map((c) => c.trim());
    const table = named[0].includes('.') ? named[0].slice(0, named[0].lastIndexOf('.')) : undefined;
    const columns = named.map((c) => c.slice(c.lastIndexOf('.') + 1).toLowerCase());
    for (const def of this.defs.values()) {
      if (table !== undefined && this.dialect.tableName(def) !== table) continue;
      for (const index of this.indexes(def)) {
        const cols = index.properties.map((p) => this.dialect.columnName(def, p).toLowerCase());
        if (index.unique && cols.length === columns.length && cols.every((c, i) => c === columns[i]))
          return index.name;
      }
    }
    return undefined;
  }

  /** A value the column refuses (a NOT NULL or CHECK constraint, too big a value): the client's to fix. */
  protected override isValueError(err: unknown): boolean {
    const code = (err as { code?: unknown })?.code;
    return (
      code === 'SQLITE_CONSTRAINT_NOTNULL' || code === 'SQLITE_CONSTRAINT_CHECK' || code === 'SQLITE_TOOBIG'
    );
  }

  /**
   * SQLite says only "FOREIGN KEY constraint failed", naming neither side nor the constraint: a
   * DELETE was refused for rows still referring to the deleted one, an INSERT or UPDATE for a key
   * naming no row (the statement's verb and table are kept on the error by the runner,
   * sqlite-driver.ts). The constraint is named when the written table holds only one.
   */
  protected override foreignKeyViolation(
    err: unknown,
  ): { kind: 'missing' | 'referenced'; constraint?: string } | undefined {
    const e = err as { code?: unknown; statement?: unknown; table?: unknown };
    if (e?.code !== 'SQLITE_CONSTRAINT_FOREIGNKEY') return undefined;
    if (e.statement === 'DELETE') return { kind: 'referenced' };
    return {
      kind: 'missing',
      constraint: typeof e.table === 'string' ? this.onlyForeignKey(e.table) : undefined,
    };
  }

  private onlyForeignKey(table: string): string | undefined {
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

  protected async insert(
    def: ModelDefinition,
    cols: string[],
    vals: string[],
    params: unknown[],
    idName: string | undefined,
    row: Row,
    options: OperationOptions,
  ): Promise<unknown> {
    const sql = cols.length
      ? `INSERT INTO ${this.table(def)} (${cols.join(', ')}) VALUES (${vals.join(', ')})`
      : `INSERT INTO ${this.table(def)} DEFAULT VALUES`;
    const { insertId } = await this.run(sql, params, options);
    if (idName && row[idName] !== undefined && row[idName] !== null) return row[idName];
    return insertId;
  }

  /**
   * INSERT … ON CONFLICT (id) DO UPDATE … RETURNING the row, after a read of the id that tells a
   * created row from an updated one. The read and the write of one id run as one section among
   * this process's data sources on the file (SQLite's RETURNING does not say which it did); the
   * row itself is right whatever other processes do, since the statement is one step. A conflict
   * on another unique index is not caught by the ON CONFLICT and stays a 409.
   */
  async upsert(
    def: ModelDefinition,
    insertRow: Row,
    updateRow: Row,
    options: OperationOptions,
  ): Promise<UpsertResult> {
    const idName = def.idName!;
    const id = insertRow[idName];
    if (id === undefined || id === null) return this.upsertNow(def, insertRow, updateRow, options, false);
    return this.sections().run(`upsert:${this.table(def)}:${typeof id}:${String(id)}`, async () => {
      const existed = (await this.findById(def, id, options)) !== null;
      return this.upsertNow(def, insertRow, updateRow, options, existed);
    });
  }

  private async upsertNow(
    def: ModelDefinition,
    insertRow: Row,
    updateRow: Row,
    options: OperationOptions,
    existed: boolean,
  ): Promise<UpsertResult> {
    const idName = def.idName!;
    const b = new SqlBuilder(this.dialect, def);
    const { cols, vals } = this.insertColumns(def, insertRow, b);
    const idCol = this.col(def, idName);
    const sets = Object.keys(updateRow)
      .filter((n) => n !== idName && def.properties[n] && updateRow[n] !== undefined)
      .map((n) => `${this.col(def, n)} = ${b.param(this.toDb(def.properties[n], updateRow[n]))}`);
    if (!sets.length) sets.push(`${idCol} = excluded.${idCol}`);
    const returning = def.propertyNames.map((n) => this.col(def, n)).join(', ');
    const sql = `INSERT INTO ${this.table(def)} (${cols.join(', ')}) VALUES (${vals.join(', ')}) ON CONFLICT (${idCol}) DO UPDATE SET ${sets.join(', ')} RETURNING ${returning}`;
    let rows: Row[];
    try {
      ({ rows } = await this.run(sql, b.params, options));
    } catch (err) {
      throw this.duplicate(def, err, insertRow);
    }
    return { row: this.rowFromDb(def, rows[0]), created: !existed };
  }

  /** The sections of this process's data sources on this file. */
  private sections(): KeyedMutex {
    let sections = SECTIONS.get(this.file);
    if (!sections) SECTIONS.set(this.file, (sections = new KeyedMutex()));
    return sections;
  }

  protected override offsetOnly(b: SqlBuilder, skip: number): string {
    // SQLite has no OFFSET without LIMIT; a negative limit stands for "no limit".
    return ` LIMIT -1 OFFSET ${b.param(skip)}`;
  }

  /** One round trip: the updated row comes back with RETURNING. */
  protected override async updateReturning(
    def: ModelDefinition,
    sql: string,
    params: unknown[],
    _id: unknown,
    options: OperationOptions,
  ): Promise<Row | null> {
    const columns = def.propertyNames.map((n) => this.col(def, n)).join(', ');
    const { rows } = await this.run(`${sql} RETURNING ${columns}`, params, options);
    return rows.length ? this.rowFromDb(def, rows[0]) : null;
  }

  /**
   * A section by key among the data sources of this process on this file. In the caller's
   * transaction it is held until the transaction ends. Writers of other processes are kept apart
   * by the write lock (one writer at a time) and the unique indexes, not by this section.
   */
  async exclusive<T>(
    def: ModelDefinition,
    key: string,
    options: OperationOptions,
    fn: (options: OperationOptions) => Promise<T>,
  ): Promise<T> {
    const sections = this.sections();
    const given = options.transaction as SqlTransaction | undefined;
    const name = `${this.table(def)}:${key}`;
    if (given && given.connector === this && !given.finished) {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let entered!: () => void;
      const inside = new Promise<void>((resolve) => (entered = resolve));
      void sections.run(name, () => {
        entered();
        return held;
      });
      await inside;
      given.atEnd(async () => release());
      return fn(options);
    }
    return sections.run(name, () => fn(options));
  }

  readonly catalog = new SQLiteCatalog((sql, params) => this.run(sql, params));
  protected readonly schemaDialect = new SQLiteSchemaDialect((sql, params) => this.run(sql, params));

  protected async existingIndexes(def: ModelDefinition): Promise<Set<string>> {
    const { rows } = await this.run('SELECT name FROM pragma_index_list(?)', [this.dialect.tableName(def)]);
    return new Set(rows.map((r) => String(r.name)));
  }

  async beginTransaction(
    options: { isolationLevel?: string; timeout?: number } = {},
  ): Promise<SqlTransaction> {
    // Checked for its spelling as on every SQL store; SQLite runs every transaction SERIALIZABLE.
    isolationLevelOf(options);
    return this.checkout(true, options.timeout);
  }

  protected session(): Promise<SqlTransaction> {
    return this.checkout(false, undefined);
  }

  /** A connection of its own (the data source's one for `:memory:`), in a BEGIN IMMEDIATE transaction when asked. */
  private async checkout(begin: boolean, timeout: number | undefined): Promise<SqlTransaction> {
    const shared = this.file === IN_MEMORY;
    let conn: Connection;
    try {
      conn = shared ? this.ensureMain() : (this.idle.pop() ?? this.open());
    } catch (err) {
      throw this.unavailable(err);
    }
    const runner = runnerOf(() => conn.statements, this.busyTimeout);
    let failedOpen: unknown;
    if (begin) {
      try {
        await runner.query('BEGIN IMMEDIATE', []);
      } catch (err) {
        failedOpen = err;
      }
    }
    if (failedOpen !== undefined) {
      if (!shared) this.idle.push(conn);
      throw this.unavailable(failedOpen);
    }
    const release = (failed?: unknown) => {
      if (shared) return;
      if (failed || this.idle.length >= 4 || this.main === undefined) conn.db.close();
      else this.idle.push(conn);
    };
    const handle: SqlTransaction = this.transaction(
      {
        runner,
        finish: async (commit) => {
          if (!begin) return;
          let committed = false;
          try {
            if (conn.db.inTransaction) execute(conn.statements, commit ? 'COMMIT' : 'ROLLBACK', []);
            committed = commit;
          } finally {
            // The notices of its writes travel only once it has committed.
            this.feed?.ended(handle, committed);
          }
        },
        release,
      },
      timeout,
    );
    return handle;
  }
}
