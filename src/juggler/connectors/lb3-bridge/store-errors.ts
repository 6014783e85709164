import { DuplicateIdError, LooplineError, StoreUnavailableError } from '../../../errors';
import type { ModelDefinition } from '../../model-definition';

/** Error codes drivers give when the server cannot be reached or the connection was lost. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  '57P01',
  '57P03',
  '08006',
  '08001',
  '08003',
]);

/** What drivers say when a pooled connection died under them (pg, mysql2): the store went away. */
const CONNECTION_MESSAGES =
  /connection (error|terminated)|not queryable|closed state|connection lost|server has gone away|Connection is closed/i;

interface DriverError {
  code?: unknown;
  errno?: unknown;
  detail?: unknown;
  message?: unknown;
  statusCode?: unknown;
}

/** The column a unique violation names: PostgreSQL's `Key (col)=(…)`, MySQL's `for key 'table.col'`. */
function violatedColumn(err: DriverError): string | undefined {
  const detail = typeof err.detail === 'string' ? err.detail : '';
  const pg = /Key \(([^)]+)\)=/.exec(detail);
  if (pg) return pg[1].replace(/"/g, '');
  const message = typeof err.message === 'string' ? err.message : '';
  const my = /for key '([^']+)'/.exec(message);
  if (my) return my[1].split('.').pop();
  return undefined;
}

function propertyOfColumn(model: ModelDefinition, column: string, connectorName: string): string | undefined {
  for (const name of model.propertyNames) {
    const meta = model.properties[name].raw[connectorName] as
      { columnName?: string; column?: string } | undefined;
    const col = meta?.columnName ?? meta?.column ?? name;
    if (col === column || col.toLowerCase() === column.toLowerCase()) return name;
  }
  // An index name such as `table_email_idx` or `email`: the property it mentions.
  return model.propertyNames.find(
    (n) => column === n || column.includes(`_${n}_`) || column.endsWith(`_${n}`),
  );
}

/**
 * A driver's error as loopline answers it: a unique violation is 409 DUPLICATE_ID naming the
 * property, a lost or refused connection 503 STORE_UNAVAILABLE; anything else passes through as
 * the connector gave it (an LB3 connector's own `statusCode` stays).
 */
export function mapStoreError(
  err: unknown,
  model: ModelDefinition | undefined,
  connector: { name: string },
): unknown {
  if (err instanceof LooplineError) return err;
  const e = (err ?? {}) as DriverError;
  const code = String(e.code ?? '');
  const message = typeof e.message === 'string' ? e.message : '';
  if (
    CONNECTION_CODES.has(code) ||
    (e as { fatal?: unknown }).fatal === true ||
    CONNECTION_MESSAGES.test(message)
  ) {
    return new StoreUnavailableError(
      `The ${connector.name} store cannot be reached: ${String(e.message ?? code)}`,
    );
  }
  if (
    model &&
    (code === '23505' || code === 'ER_DUP_ENTRY' || Number(e.errno) === 1062 || code === '11000')
  ) {
    const column = violatedColumn(e);
    const property = (column && propertyOfColumn(model, column, connector.name)) || model.idName || 'id';
    const dup = new DuplicateIdError(model.name, property, undefined);
    return dup;
  }
  return err;
}
