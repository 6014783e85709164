import { LooplineError } from './loopline-error';
import type { ErrorCodeWithStatus } from './table';

/** Errors that are not the caller's: the app's configuration, or a store it cannot use now. */

/** 500: a server-side programming error, such as a model without a data source. */
export class ConfigurationError extends LooplineError {
  constructor(message: string, code: ErrorCodeWithStatus<500> = 'CONFIGURATION_ERROR') {
    super(code, message);
  }
}

/**
 * 503: the store cannot be used right now: unreachable (`STORE_UNAVAILABLE`, safe to retry), or
 * refusing the app's credentials (`STORE_AUTH_FAILED`) or database name (`STORE_DATABASE_NOT_FOUND`),
 * which its operator must fix in the data source's settings.
 */
export class StoreUnavailableError extends LooplineError {
  constructor(
    message: string,
    code: Extract<ErrorCodeWithStatus<503>, `STORE_${string}`> = 'STORE_UNAVAILABLE',
    cause?: unknown,
  ) {
    super(code, message);
    // The driver's error, for logs and boot's warning; never part of a response body.
    if (cause !== undefined)
      Object.defineProperty(this, 'cause', {
        value: cause,
        writable: true,
        configurable: true,
        enumerable: false,
      });
  }
}
