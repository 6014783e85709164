import { codeOf, type SqlErrorTable } from '../sql/error-table';

/** mysql2's error when a statement got no answer within its `timeout` (driver.ts raises it). */
export const QUERY_TIMEOUT = 'PROTOCOL_SEQUENCE_TIMEOUT';

const CONNECTION_CODES: ReadonlySet<string> = new Set([
  QUERY_TIMEOUT,
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'PROTOCOL_CONNECTION_LOST',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
]);

/** Strict-mode refusals of a value: wrong text for a type, out of range, too long, bad characters. */
const VALUE_ERROR_CODES = [
  'ER_TRUNCATED_WRONG_VALUE',
  'ER_TRUNCATED_WRONG_VALUE_FOR_FIELD',
  'ER_WARN_DATA_OUT_OF_RANGE',
  'ER_DATA_TOO_LONG',
  'ER_DATA_OUT_OF_RANGE',
  'ER_INVALID_CHARACTER_STRING',
  'ER_WRONG_VALUE',
  'ER_WRONG_VALUE_FOR_TYPE',
  'ER_INVALID_JSON_TEXT',
  'ER_CANT_CREATE_GEOMETRY_OBJECT',
];

/** "Duplicate entry '…' for key 'name'" (MySQL 8 writes 'table.name'): the index's name. */
export function duplicateKeyName(err: unknown): string | undefined {
  const e = err as { sqlMessage?: string; message?: string } | undefined;
  return /for key '(?:[^']*\.)?([^'.]*)'\s*$/.exec(e?.sqlMessage ?? e?.message ?? '')?.[1];
}

/** What mysql2's and the server's error codes mean to the connector. */
export const mysqlErrors: SqlErrorTable = {
  connectionLost: (err) => {
    const e = err as { code?: string; fatal?: boolean; message?: string } | undefined;
    const code = codeOf(err);
    if (code && CONNECTION_CODES.has(code)) return true;
    // mysql2 marks errors that end the connection `fatal`, and refuses commands on a closed one.
    return (
      (e?.fatal === true && !e.code?.startsWith('ER_')) ||
      /connection is in closed state|Connection lost/i.test(e?.message ?? '')
    );
  },
  duplicateKey: ['ER_DUP_ENTRY'],
  deadlock: ['ER_LOCK_DEADLOCK'],
  invalidRegexp: ['ER_REGEXP_ERROR'],
  invalidValue: VALUE_ERROR_CODES,
  // ER_ACCESS_DENIED_ERROR (1045), ER_DBACCESS_DENIED_ERROR (1044); ER_BAD_DB_ERROR (1049).
  badCredentials: ['ER_ACCESS_DENIED_ERROR', 'ER_DBACCESS_DENIED_ERROR'],
  unknownDatabase: ['ER_BAD_DB_ERROR'],
  duplicateKeyName,
  /** 1452/1216: no parent row for the written key; 1451/1217: rows still refer to the deleted or re-keyed one. */
  foreignKeyViolation(err) {
    const e = err as { errno?: number; message?: string } | undefined;
    const kind =
      e?.errno === 1452 || e?.errno === 1216
        ? 'missing'
        : e?.errno === 1451 || e?.errno === 1217
          ? 'referenced'
          : undefined;
    if (!kind) return undefined;
    return {
      kind,
      constraint: /CONSTRAINT `((?:[^`]|``)+)`/.exec(e?.message ?? '')?.[1]?.replace(/``/g, '`'),
    };
  },
};
