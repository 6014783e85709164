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

/**
 * What `pg` is asked to run, less the values: the text, its name when prepared, and rows as arrays
 * when asked for. Handed to `pg` as the prototype of the query config (see `pgConfig`).
 */
export interface StatementShape {
  readonly name?: string;
  readonly text: string;
  readonly rowMode?: 'array';
}

/**
 * The query config `pg` is given for a statement: an object whose own properties are none and
 * whose prototype is the shape. `pg` copies a config object before reading it (its own property
 * descriptors, onto an object of the same prototype): on a config with the text and name as own
 * properties that copy took some 4 µs a statement, more than the rest of sending it; with none it
 * is nearly free, and the text, name and row mode are read through the prototype.
 */
export function pgConfig(shape: StatementShape): StatementShape {
  return Object.create(shape) as StatementShape;
}

export class StatementNames {
  private names = new Map<string, string>();
  /** The shapes of named statements, by text: [objects, arrays]. */
  private shapes = new Map<string, [StatementShape, StatementShape]>();
  private generation = 0;

  constructor(private readonly max = 500) {}

  /** The shape of this statement: named when it is prepared (nameFor), else unnamed. */
  shapeFor(sql: string, arrays: boolean): StatementShape {
    const known = this.shapes.get(sql);
    if (known !== undefined) return known[arrays ? 1 : 0];
    const name = this.nameFor(sql);
    if (name === undefined) return unnamed(sql, arrays);
    const pair: [StatementShape, StatementShape] = [
      Object.freeze({ name, text: sql }),
      Object.freeze({ name, text: sql, rowMode: 'array' as const }),
    ];
    this.shapes.set(sql, pair);
    return pair[arrays ? 1 : 0];
  }

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
    this.shapes = new Map();
    this.generation++;
  }
}

/** A statement sent unprepared (parsed and planned anew each time). */
export function unnamed(sql: string, arrays: boolean): StatementShape {
  return arrays ? { text: sql, rowMode: 'array' } : { text: sql };
}
