import type BetterSqlite3 from 'better-sqlite3';
import { ConfigurationError } from '../../../errors';
import { compileLike, LikeTest } from '../../filter/like';
import { regexpTest } from '../../filter/regexp';
import type { Row } from '../connector';
import type { SqlRunner } from '../sql/sql-transaction';

/**
 * better-sqlite3, loaded when a SQLite data source first connects: it is an optional dependency
 * (a native module built at install), so an app that never uses SQLite installs and runs without it.
 */
export type Database = BetterSqlite3.Database;
type DatabaseConstructor = new (file: string, options?: BetterSqlite3.Options) => Database;

let driver: DatabaseConstructor | undefined;

function loadDriver(): DatabaseConstructor {
  if (driver) return driver;
  try {
    driver = require('better-sqlite3') as DatabaseConstructor;
  } catch (err) {
    throw new ConfigurationError(
      `The sqlite connector needs the better-sqlite3 package, which is not installed (or failed to build: ${(err as Error).message.split('\n')[0]}); run \`npm install better-sqlite3@^12\` in the app (it builds a native module: python3, make and a C++ compiler when no prebuilt binary fits)`,
      'CONNECTOR_NOT_INSTALLED',
    );
  }
  return driver;
}

/** Compiled like patterns and regular expressions by their text, bounded (a pattern is a client's). */
class PatternCache<T> {
  private readonly map = new Map<string, T>();
  constructor(private readonly max = 256) {}
  get(key: string, make: () => T): T {
    let value = this.map.get(key);
    if (value === undefined) {
      value = make();
      if (this.map.size >= this.max) this.map.delete(this.map.keys().next().value as string);
      this.map.set(key, value);
    }
    return value;
  }
}

const likes = new PatternCache<LikeTest>();
const regexps = new PatternCache<(value: string) => boolean>();

/**
 * The text of a regexp pattern parameter: its flags, a slash, its source (syntax.ts
 * writes it so). The REGEXP function reads it back.
 */
export function regexpParam(source: string, insensitive: boolean): string {
  return `${insensitive ? 'i' : ''}/${source}`;
}

/**
 * Opens a connection: WAL (readers never wait for the writer), foreign keys enforced, and the
 * functions SQLite lacks registered in JavaScript so they answer as the memory store does: LIKE
 * (case-sensitive, `\` escaping, SQLite's own folds ASCII case and has no escape character),
 * a Unicode case-insensitive like, and REGEXP through the filter language's linear-time matcher.
 * `busy_timeout` is 0: the driver is synchronous, so waiting for a lock inside SQLite would stop
 * the whole process, the holder of the lock included; a busy statement is retried asynchronously
 * instead (see runnerOf).
 */
export function openDatabase(file: string, readonly: boolean): Database {
  const Db = loadDriver();
  const db = new Db(file, { readonly, fileMustExist: readonly });
  db.pragma('busy_timeout = 0');
  if (!readonly && file !== ':memory:') db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.function('like', { deterministic: true }, (pattern: unknown, value: unknown) => {
    if (pattern === null || value === null) return null;
    return likes.get(String(pattern), () => compileLike(String(pattern), false))(String(value)) ? 1 : 0;
  });
  db.function('loopline_ilike', { deterministic: true }, (value: unknown, pattern: unknown) => {
    if (pattern === null || value === null) return null;
    return likes.get('i' + String(pattern), () => compileLike(String(pattern), true))(String(value)) ? 1 : 0;
  });
  db.function('regexp', { deterministic: true }, (pattern: unknown, value: unknown) => {
    if (pattern === null || value === null) return null;
    const text = String(pattern);
    const test = regexps.get(text, () => {
      const slash = text.indexOf('/');
      return regexpTest(new RegExp(text.slice(slash + 1), text.slice(0, slash)));
    });
    return test(String(value)) ? 1 : 0;
  });
  db.function('loopline_json_equal', { deterministic: true }, (doc: unknown, other: unknown) => {
    if (doc === null || other === null) return null;
    return canonicalJson(doc) === canonicalJson(other) ? 1 : 0;
  });
  db.function('loopline_json_contains', { deterministic: true }, (doc: unknown, wanted: unknown) => {
    if (doc === null || wanted === null) return null;
    const have = parsed(doc);
    const want = parsed(wanted);
    if (!Array.isArray(have) || !Array.isArray(want)) return 0;
    const held = new Set(have.map((v) => JSON.stringify(sortedKeys(v))));
    return want.every((v) => held.has(JSON.stringify(sortedKeys(v)))) ? 1 : 0;
  });
  return db;
}

function parsed(text: unknown): unknown {
  try {
    return JSON.parse(String(text));
  } catch {
    return undefined;
  }
}

/** A JSON value with every object's keys in order, so equal documents have equal text. */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort())
      out[key] = sortedKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

function canonicalJson(text: unknown): string {
  return JSON.stringify(sortedKeys(parsed(text))) ?? '';
}

/** SQLite's answer when another connection holds the lock a statement needs. */
export function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/** Values as SQLite binds them: booleans as 1/0, dates as milliseconds since 1970 (UTC). */
export function bindable(value: unknown): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.getTime();
  if (value === undefined) return null;
  return value;
}

/** Prepared statements per connection by text, bounded (IN-lists of every length are not kept). */
export class StatementCache {
  private readonly map = new Map<string, BetterSqlite3.Statement>();
  constructor(
    private readonly db: Database,
    private readonly max = 500,
  ) {}

  get(sql: string): BetterSqlite3.Statement {
    let stmt = this.map.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      if (this.map.size < this.max) this.map.set(sql, stmt);
    }
    return stmt;
  }

  clear(): void {
    this.map.clear();
  }
}

/** Runs one statement synchronously: rows for a statement that returns them, else the change count. */
export function execute(
  statements: StatementCache,
  sql: string,
  params: unknown[],
): { rows: Row[]; affected: number; insertId?: unknown } {
  try {
    return executeOnce(statements, sql, params);
  } catch (err) {
    // The verb and the table, for errors that do not say which side refused (a foreign key's).
    if (err && typeof err === 'object') {
      const m = /^\s*(\w+)\s+(?:INTO\s+|FROM\s+)?"((?:[^"]|"")*)"/i.exec(sql);
      Object.assign(err, {
        statement: /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase(),
        table: m?.[2]?.replace(/""/g, '"'),
      });
    }
    throw err;
  }
}

function executeOnce(
  statements: StatementCache,
  sql: string,
  params: unknown[],
): { rows: Row[]; affected: number; insertId?: unknown } {
  const stmt = statements.get(sql);
  const values = params.map(bindable);
  if (stmt.reader) {
    const rows = stmt.all(...values) as Row[];
    return { rows, affected: rows.length };
  }
  const info = stmt.run(...values);
  return {
    rows: [],
    affected: info.changes,
    insertId: typeof info.lastInsertRowid === 'bigint' ? Number(info.lastInsertRowid) : info.lastInsertRowid,
  };
}

/**
 * A runner over one connection. A statement that meets a lock held by another connection (a
 * transaction of this process or another) is tried again after a short asynchronous pause, for
 * up to `busyTimeout` ms, so the holder can finish meanwhile; past that it fails with SQLITE_BUSY.
 */
export function runnerOf(statements: () => StatementCache, busyTimeout: number): SqlRunner {
  return {
    async query(sql, params) {
      const start = Date.now();
      for (let pause = 2; ; pause = Math.min(pause * 2, 50)) {
        try {
          return execute(statements(), sql, params);
        } catch (err) {
          if (!isBusy(err) || Date.now() - start >= busyTimeout) throw err;
          await new Promise((resolve) => setTimeout(resolve, pause));
        }
      }
    },
  };
}
