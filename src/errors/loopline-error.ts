import { ERROR_CODES, type ErrorCode } from './table';

export interface ErrorDetails {
  [key: string]: unknown;
}

/**
 * An error loopline raises on purpose: a code of the error table, whose row gives its HTTP status.
 * `Code` is wider only for a subclass with codes of its own beside the table (boot's BootError).
 */
export class LooplineError<Code extends string = ErrorCode> extends Error {
  /** Stable machine-readable code, e.g. `INVALID_FILTER`. */
  code: Code;
  statusCode: number;
  /** LB3 exposes `status` beside `statusCode`; strong-error-handler reads either. */
  declare status: number;
  declare details?: unknown;

  constructor(code: Code & ErrorCode, message: string, details?: unknown) {
    super(message);
    // Plain JavaScript can pass any string; a code without a row would have no status.
    if (!Object.hasOwn(ERROR_CODES, code)) throw new TypeError(`"${code}" is not a code of the error table`);
    const statusCode: number = ERROR_CODES[code].status;
    // Own but not enumerable, so a copy of the error (`Object.assign({}, err)`) holds what an LB3
    // error held: statusCode, code and details.
    Object.defineProperty(this, 'name', {
      value: 'Error',
      writable: true,
      configurable: true,
      enumerable: false,
    });
    this.code = code;
    this.statusCode = statusCode;
    Object.defineProperty(this, 'status', {
      value: statusCode,
      writable: true,
      configurable: true,
      enumerable: false,
    });
    if (details !== undefined) this.details = details;
  }

  /**
   * This error answered with another status than its row's, where LB3 answered so and the README
   * row says when: INVALID_PASSWORD 422 for an unusable new password, USER_NOT_FOUND 401 from
   * setPassword and changePassword, ACCESS_DENIED with the app's `aclErrorStatus`.
   */
  withStatus(status: number): this {
    this.statusCode = status;
    this.status = status;
    return this;
  }
}
