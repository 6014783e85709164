import { codeOf, type SqlErrorTable } from '../sql/error-table';
import { isBusy } from './database';
import type { SQLiteDriver } from './driver';
import { sqliteColumnName, sqliteTableName } from './syntax';

/**
 * What better-sqlite3's extended result codes mean to the connector. The driver reads the one
 * constraint a foreign-key refusal can be named by.
 */
export function sqliteErrors(driver: SQLiteDriver): SqlErrorTable {
  return {
    // A file that cannot be opened, or a lock held past busyTimeout, is the store being unavailable.
    connectionLost: (err) => {
      const code = codeOf(err);
      return (
        isBusy(err) || code === 'SQLITE_CANTOPEN' || (code !== undefined && code.startsWith('SQLITE_IOERR'))
      );
    },
    duplicateKey: ['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY'],
    // A value the column refuses (a NOT NULL or CHECK constraint, too big a value): the client's to fix.
    invalidValue: ['SQLITE_CONSTRAINT_NOTNULL', 'SQLITE_CONSTRAINT_CHECK', 'SQLITE_TOOBIG'],
    /** SQLite names the columns ("UNIQUE constraint failed: t.a, t.b"): the declared unique index on them. */
    duplicateKeyName(err, models) {
      if (codeOf(err) === 'SQLITE_CONSTRAINT_PRIMARYKEY') return undefined;
      const message = (err as Error | undefined)?.message ?? '';
      // A partial or expression index is named ("UNIQUE constraint failed: index 'name'").
      const index = /constraint failed: index '([^']+)'/i.exec(message);
      if (index) return index[1];
      const m = /constraint failed: (.*)$/i.exec(message);
      if (!m) return undefined;
      const named = m[1].split(',').map((c) => c.trim());
      const table = named[0].includes('.') ? named[0].slice(0, named[0].lastIndexOf('.')) : undefined;
      const columns = named.map((c) => c.slice(c.lastIndexOf('.') + 1).toLowerCase());
      for (const def of models.definitions()) {
        if (table !== undefined && sqliteTableName(def) !== table) continue;
        for (const declared of models.indexes(def)) {
          const cols = declared.properties.map((p) => sqliteColumnName(def, p).toLowerCase());
          if (declared.unique && cols.length === columns.length && cols.every((c, i) => c === columns[i]))
            return declared.name;
        }
      }
      return undefined;
    },
    /**
     * SQLite says only "FOREIGN KEY constraint failed", naming neither side nor the constraint: a
     * DELETE was refused for rows still referring to the deleted one, an INSERT or UPDATE for a key
     * naming no row (the statement's verb and table are kept on the error by the runner,
     * database.ts). The constraint is named when the written table holds only one.
     */
    foreignKeyViolation(err) {
      const e = err as { code?: unknown; statement?: unknown; table?: unknown } | undefined;
      if (e?.code !== 'SQLITE_CONSTRAINT_FOREIGNKEY') return undefined;
      if (e.statement === 'DELETE') return { kind: 'referenced' };
      return {
        kind: 'missing',
        constraint: typeof e.table === 'string' ? driver.onlyForeignKey(e.table) : undefined,
      };
    },
  };
}
