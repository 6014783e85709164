/**
 * The errors loopline raises on purpose: the table of codes (each with its HTTP status and
 * meaning, the README's error table) and the error classes built from it.
 *
 * This folder is a leaf: it imports nothing of ours.
 */
export {
  ERROR_CODES,
  statusOf,
  type ErrorCode,
  type ErrorCodeWithStatus,
  type ErrorTableEntry,
} from './table';
export { LooplineError, type ErrorDetails } from './loopline-error';
export {
  InvalidFilterError,
  InvalidValueError,
  ModelNotFoundError,
  InvalidArgumentError,
  DuplicateIdError,
  ForeignKeyViolationError,
} from './data-errors';
export { ValidationError, type ValidationErrorDetails } from './validation-error';
export { ConfigurationError, StoreUnavailableError } from './server-errors';
export { ThirdPartyLoginError, LoginProviderUnavailableError } from './login-errors';
