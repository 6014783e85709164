import { codeOf, type SqlErrorTable } from '../sql/error-table';

/** What node-postgres and PostgreSQL's SQLSTATE codes mean to the connector. */
export const postgresqlErrors: SqlErrorTable = {
  connectionLost: (err) => {
    const code = codeOf(err);
    return (
      (code !== undefined && CONNECTION_CODES.has(code)) ||
      /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Query read timeout/i.test(
        (err as { message?: string } | undefined)?.message ?? '',
      )
    );
  },
  // 23505: unique_violation.
  duplicateKey: ['23505'],
  // 40P01: deadlock_detected.
  deadlock: ['40P01'],
  // 2201B: invalid_regular_expression.
  invalidRegexp: ['2201B'],
  // 22021: a NUL byte in text; 22P05: `\u0000` inside a JSON document.
  unsupportedCharacter: ['22021', '22P05'],
  // SQLSTATE class 22, data exception: bad text for a type, out of range, a NUL byte in text.
  invalidValue: (err) => {
    const code = codeOf(err);
    return code !== undefined && code.length === 5 && code.startsWith('22');
  },
  // 28P01 invalid_password, 28000 invalid_authorization_specification (no such role, no pg_hba entry).
  badCredentials: ['28P01', '28000'],
  // 3D000: invalid_catalog_name.
  unknownDatabase: ['3D000'],
  duplicateKeyName: (err) => (err as { constraint?: string } | undefined)?.constraint,
  /** 23503: foreign_key_violation; its message says which side ("insert or update" writes the child). */
  foreignKeyViolation(err) {
    const e = err as { code?: string; message?: string; constraint?: string } | undefined;
    if (e?.code !== '23503') return undefined;
    return {
      kind: /^insert or update on table/.test(e.message ?? '') ? 'missing' : 'referenced',
      constraint: e.constraint,
    };
  },
};

const CONNECTION_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08003',
  '08006',
  '08001',
  '08004',
]);
