import type { ModelDefinition } from '../../model-definition';
import type { OperationOptions, Row, UpsertResult } from '../connector';
import { KeyedMutex } from '../keyed-mutex';
import { onConflictUpsert } from '../sql/on-conflict-upsert';
import type { SqlStatementHost, SqlStatements } from '../sql/sql-dialect';
import type { SqlTransaction } from '../sql/sql-transaction';

/** Sections of `exclusive` and `upsert` by database file and key, shared by the data sources of this process. */
const SECTIONS = new Map<string, KeyedMutex>();

/** The sections of this process's data sources on this file. */
function sectionsOf(file: string): KeyedMutex {
  let sections = SECTIONS.get(file);
  if (!sections) SECTIONS.set(file, (sections = new KeyedMutex()));
  return sections;
}

async function upsertNow(
  host: SqlStatementHost,
  def: ModelDefinition,
  insertRow: Row,
  updateRow: Row,
  options: OperationOptions,
  existed: boolean,
): Promise<UpsertResult> {
  const raw = await onConflictUpsert(host, def, insertRow, updateRow, options);
  return { row: host.rowFromDb(def, raw), created: !existed };
}

/** The atomic writes of the SQLite data sources on `file()`. */
export function sqliteStatements(file: () => string): SqlStatements {
  return {
    /**
     * INSERT … ON CONFLICT (id) DO UPDATE … RETURNING the row, after a read of the id that tells a
     * created row from an updated one. The read and the write of one id run as one section among
     * this process's data sources on the file (SQLite's RETURNING does not say which it did); the
     * row itself is right whatever other processes do, since the statement is one step. A conflict
     * on another unique index is not caught by the ON CONFLICT and stays a 409.
     */
    upsert(host, def, insertRow, updateRow, options) {
      const id = insertRow[def.idName!];
      if (id === undefined || id === null) return upsertNow(host, def, insertRow, updateRow, options, false);
      return sectionsOf(file()).run(`upsert:${host.table(def)}:${typeof id}:${String(id)}`, async () => {
        const existed = (await host.findById(def, id, options)) !== null;
        return upsertNow(host, def, insertRow, updateRow, options, existed);
      });
    },

    /**
     * A section by key among the data sources of this process on this file. In the caller's
     * transaction it is held until the transaction ends. Writers of other processes are kept apart
     * by the write lock (one writer at a time) and the unique indexes, not by this section.
     */
    async exclusive<T>(
      host: SqlStatementHost,
      def: ModelDefinition,
      key: string,
      options: OperationOptions,
      fn: (options: OperationOptions) => Promise<T>,
    ): Promise<T> {
      const sections = sectionsOf(file());
      const given = options.transaction as SqlTransaction | undefined;
      const name = `${host.table(def)}:${key}`;
      if (given && given.connector === host && !given.finished) {
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
    },
  };
}
