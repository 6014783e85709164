import type { BootDiagnostics } from './diagnostics';
import { readConfigFile } from './json-file';
import { errorText } from '../util/error-text';

/** A connection attempt made at boot, read at its end. */
export interface DataSourceProbe {
  name: string;
  file: string;
  connector: string;
  attempt: Promise<unknown>;
}

interface ProbedDataSource {
  settings: Record<string, unknown>;
  connector: { name?: string };
  ready(): Promise<void>;
}

/** Stores reached over the network whose connection boot tries (as LB3's juggler connected on creation). */
const DIALLED_CONNECTORS = new Set(['postgresql', 'mysql']);

/**
 * Starts connecting a SQL data source (unless its settings say `lazyConnect: true`), so that one the
 * app cannot reach is reported at boot rather than at its first request. The attempt never rejects.
 */
export function probeDataSource(
  name: string,
  dataSource: ProbedDataSource | undefined,
  files: string[],
): DataSourceProbe | undefined {
  const connector = dataSource?.connector?.name;
  if (
    !dataSource ||
    !connector ||
    !DIALLED_CONNECTORS.has(connector) ||
    dataSource.settings.lazyConnect === true
  )
    return undefined;
  const attempt = dataSource.ready().then(
    () => undefined,
    (err: unknown) => err,
  );
  return { name, file: fileDefining(name, files), connector, attempt };
}

/** The last of the layered files (datasources.json, .local, .<env>) that sets the data source: where its settings come from. */
function fileDefining(name: string, files: string[]): string {
  for (let i = files.length - 1; i >= 0; i--) {
    try {
      const content = readConfigFile(files[i]) as Record<string, unknown> | undefined;
      if (content && Object.prototype.hasOwnProperty.call(content, name)) return files[i];
    } catch {
      // read once already by boot; a file that fails now is no concern of this message
    }
  }
  return files[0] ?? '(boot option dataSources)';
}

const WHAT: Record<string, string> = {
  STORE_AUTH_FAILED: 'refused its credentials',
  STORE_DATABASE_NOT_FOUND: 'has no database of its name',
};

/** One warning per data source that could not be connected at boot; boot goes on (its requests answer 503 meanwhile). */
export async function reportProbes(probes: DataSourceProbe[], diags: BootDiagnostics): Promise<void> {
  const failures = await Promise.all(probes.map((p) => p.attempt));
  probes.forEach((probe, i) => {
    const err = failures[i] as { code?: unknown; cause?: unknown } | undefined;
    if (!err) return;
    const code = typeof err.code === 'string' ? err.code : 'STORE_UNAVAILABLE';
    const why = WHAT[code] ?? 'cannot be reached';
    diags.warn(
      probe.file,
      probe.name,
      `the ${probe.connector} store of data source "${probe.name}" ${why} at boot: ${errorText(err.cause ?? err)}; boot goes on, and requests using it answer 503 ${code} until it connects`,
      'DATASOURCE_UNREACHABLE',
    );
  });
}
