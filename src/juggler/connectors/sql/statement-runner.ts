import { InvalidFilterError, InvalidValueError, LooplineError } from '../../../errors';
import type { OperationOptions } from '../connector';
import { matches, storeError } from './error-table';
import type { SqlConnector } from './sql-connector';
import type { SqlDialect, SqlDriver } from './sql-dialect';
import { openTransaction, QueryResult, SqlRunner, SqlTransaction } from './sql-transaction';
import { halfSurrogatePair } from './values';

/** ES2024's String#isWellFormed, on Node 20 ahead of the TypeScript lib this project targets. */
type WellFormed = string & { isWellFormed(): boolean };

/**
 * Where a SqlConnector's statements run: on the caller's transaction or the driver's pool, with
 * the values checked first, a deadlock victim run again, and the store's errors turned into
 * loopline's (error-table.ts); and the connections of transactions and sessions.
 */
export class StatementRunner {
  constructor(
    /** The connector whose transactions are this runner's (a transaction of another store's is not). */
    private readonly connector: SqlConnector,
    private readonly dialect: SqlDialect,
    private readonly driver: SqlDriver,
    private readonly debug: (format: string, ...args: unknown[]) => void,
  ) {}

  /**
   * A connection of its own from the driver, as a handle shaped like a transaction's (passed in
   * options the same way; commit or rollback gives it back): in a transaction at `level` when
   * given, else in autocommit mode.
   */
  async checkout(level: string | undefined, timeout: number | undefined): Promise<SqlTransaction> {
    let conn;
    try {
      conn = await this.driver.checkout(level);
    } catch (err) {
      throw this.unavailable(err);
    }
    return openTransaction(
      this.connector,
      conn,
      timeout,
      (err) => matches(this.dialect.errors.connectionLost, err),
      (err) => this.unavailable(err),
    );
  }

  /**
   * A statement run in autocommit mode that the store chose as a deadlock's victim was rolled
   * back whole, so it is run again (up to three more times). MariaDB picks such victims among
   * concurrent inserts of one value under a long (hashed) unique key; the retry then meets the
   * winner's row and fails as a duplicate. Inside a caller's transaction the error stands: the
   * store rolled back the whole transaction.
   */
  private async queryRetryingDeadlocks(
    runner: SqlRunner,
    autocommit: boolean,
    sql: string,
    params: unknown[],
    arrays: boolean | undefined,
  ): Promise<QueryResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await runner.query(sql, params, arrays);
      } catch (err) {
        if (!autocommit || attempt >= 4 || !matches(this.dialect.errors.deadlock, err)) throw err;
        await new Promise((resolve) => setTimeout(resolve, 5 + Math.floor(Math.random() * 20)));
      }
    }
  }

  /** Runs a statement on the transaction given in options, or on the pool; store faults become 503. */
  async run(
    sql: string,
    params: unknown[],
    options?: OperationOptions,
    arrays?: boolean,
  ): Promise<QueryResult> {
    const tx = options?.transaction as SqlTransaction | undefined;
    const runner: SqlRunner = tx && tx.connector === this.connector ? tx : this.driver.pool;
    if (tx && tx.connector === this.connector && tx.finished)
      throw new LooplineError('TRANSACTION_FINISHED', 'The transaction is already committed or rolled back');
    // Statements only: the values bound to them carry access tokens, hashes and user data.
    this.debug('%s (%d values)', sql, params.length);
    for (const p of params) {
      // UTF-8 has no form for half a surrogate pair: the driver would store U+FFFD in its place.
      if (typeof p === 'string' && !(p as WellFormed).isWellFormed()) {
        throw halfSurrogatePair(this.dialect.name);
      }
      if (p instanceof Date) this.checkDate(p);
    }
    try {
      return await this.queryRetryingDeadlocks(runner, runner !== tx, sql, params, arrays);
    } catch (err) {
      const errors = this.dialect.errors;
      if (matches(errors.unsupportedCharacter, err)) {
        throw new LooplineError(
          'UNSUPPORTED_CHARACTER',
          `The ${this.dialect.name} store cannot keep this text (it holds the NUL character, \\u0000): remove it and send again`,
        );
      }
      if (matches(errors.invalidRegexp, err)) {
        throw new InvalidFilterError(
          `The ${this.dialect.name} store's regular expressions cannot read this pattern: ${(err as Error).message}`,
        );
      }
      throw this.unavailable(err);
    }
  }

  /**
   * A date outside the years the store's date type holds would not come back as it went in (or
   * could not be sent at all): the client's to fix, not a value to change silently.
   */
  private checkDate(date: Date): void {
    const years = this.connector.syntax.dateYears;
    if (!years) return;
    const year = date.getUTCFullYear();
    if (year < years[0] || year > years[1])
      throw new InvalidValueError(
        `The ${this.dialect.name} store keeps dates from year ${years[0]} to ${years[1]}; ${date.toISOString()} is outside them`,
      );
  }

  /** A store fault as thrown to the DAO (error-table.ts). */
  unavailable(err: unknown): unknown {
    return storeError(this.dialect.name, this.dialect.errors, err);
  }
}
