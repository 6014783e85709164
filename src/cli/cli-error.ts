/**
 * A CLI command stops with one of these: `code` is stable (scripts match on it, the README lists
 * it), the message says what to change, and the process exits non-zero. Not an HTTP error, so it
 * has no status and stays out of ERROR_CODES.
 */
export type CliErrorCode =
  | 'CLI_USAGE'
  | 'CLI_INVALID_VALUE'
  | 'CLI_APP_NOT_FOUND'
  | 'CLI_ALREADY_EXISTS'
  | 'CLI_UNKNOWN_MODEL'
  | 'CLI_UNKNOWN_DATASOURCE'
  | 'CLI_CONFIRMATION_REQUIRED'
  | 'CLI_ABORTED'
  | 'CLI_UNKNOWN_PRINCIPAL'
  | 'CLI_UNKNOWN_METHOD'
  | 'CLI_NOT_FOUND'
  | 'CLI_INSTALL_FAILED'
  | 'CLI_DATABASE_MISSING';

export class CliError extends Error {
  readonly code: CliErrorCode;

  constructor(code: CliErrorCode, message: string) {
    super(message);
    this.name = 'CliError';
    this.code = code;
  }
}
