import { CliError } from './cli-error';
import { isMySQLFamily, isServerDatabase } from './connector-settings';

/** The driver's own error somewhere in the chain loopline wraps it in (`cause`, `details.cause`). */
function driverErrors(err: unknown): Array<Record<string, unknown>> {
  const found: Array<Record<string, unknown>> = [];
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    found.push(e as Record<string, unknown>);
    const next =
      (e as { cause?: unknown; details?: { cause?: unknown } }).cause ??
      (e as { details?: { cause?: unknown } }).details?.cause;
    e = next;
  }
  return found;
}

/** PostgreSQL's SQLSTATE 3D000 (invalid_catalog_name) or MySQL's ER_BAD_DB_ERROR (1049): the database named in the settings does not exist. */
function isMissingDatabase(err: unknown): boolean {
  return driverErrors(err).some(
    (e) =>
      e.code === 'STORE_DATABASE_NOT_FOUND' ||
      e.code === '3D000' ||
      e.code === 'ER_BAD_DB_ERROR' ||
      e.errno === 1049 ||
      /database "[^"]*" does not exist|Unknown database '/.test(String(e.message ?? '')),
  );
}

/**
 * A CLI_DATABASE_MISSING error in place of the driver's "database does not exist", saying how to
 * create it; any other error is returned unchanged.
 */
export function explainMissingDatabase(err: unknown, settings: Record<string, unknown>): unknown {
  if (!isServerDatabase(settings.connector) || !isMissingDatabase(err)) return err;
  let { database, host, port, user } = settings as Record<string, string | number | undefined>;
  if (typeof settings.url === 'string') {
    try {
      const url = new URL(settings.url);
      database ??= decodeURIComponent(url.pathname.replace(/^\//, ''));
      host ??= url.hostname;
      port ??= url.port || undefined;
      user ??= decodeURIComponent(url.username) || undefined;
    } catch {
      // not a URL: the settings' own fields are all there is
    }
  }
  const db = String(database ?? '');
  const where = `${host ?? 'localhost'}${port ? `:${port}` : ''}`;
  const how = isMySQLFamily(settings.connector)
    ? `mysql -h ${host ?? 'localhost'}${port ? ` -P ${port}` : ''}${user ? ` -u ${user}` : ''} -e 'CREATE DATABASE \`${db}\`'`
    : `createdb -h ${host ?? 'localhost'}${port ? ` -p ${port}` : ''}${user ? ` -U ${user}` : ''} ${db}`;
  return new CliError(
    'CLI_DATABASE_MISSING',
    `The database "${db}" does not exist on ${where}. Create it (e.g. ${how}), then run this again.`,
  );
}
