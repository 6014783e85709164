/**
 * Names for PostgreSQL prepared statements, one per distinct statement text. A named query is
 * parsed and planned once per connection and then only bound and executed, so a filter shape
 * that repeats (every request of an endpoint) skips the server's parse and plan.
 *
 * Bounded: each name stays prepared on every connection that used it, so only the first
 * `max` texts get one (the texts of an app's endpoints are few; IN-lists of every length are not).
 * A plan the server can no longer use (a table altered under it) retires every name at once.
 */
const PREPARABLE = /^(SELECT|INSERT|UPDATE|DELETE|WITH)\s/i;

/**
 * SQLSTATEs a statement prepared before a schema change can fail with (here or after another
 * process migrated): result type changed, statement unknown, and the analysis errors of
 * parameter types fixed at prepare time. Such a failure is retried once, unprepared.
 */
export const STALE_STATEMENT_CODES = new Set(['0A000', '26000', '42883', '42804', '42P01', '42703', '22P02']);

export class StatementNames {
  private names = new Map<string, string>();
  private generation = 0;

  constructor(private readonly max = 500) {}

  /** The name for this text, or undefined when it is not to be prepared. */
  nameFor(sql: string): string | undefined {
    const known = this.names.get(sql);
    if (known !== undefined) return known;
    if (this.names.size >= this.max || !PREPARABLE.test(sql)) return undefined;
    const name = `loopline_${this.generation}_${this.names.size}`;
    this.names.set(sql, name);
    return name;
  }

  /** Forgets every name; new ones never reuse an old one (connections still hold those). */
  retire(): void {
    this.names = new Map();
    this.generation++;
  }
}
