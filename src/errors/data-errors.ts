import { LooplineError } from './loopline-error';
import type { ErrorCodeWithStatus } from './table';

/** Errors of a data-access call: its filter, arguments or values, or the instance it names. */

/** 400: a filter (where, fields, order, limit, skip, include) that cannot be honoured. */
export class InvalidFilterError extends LooplineError {
  constructor(message: string, details?: unknown) {
    super('INVALID_FILTER', message, details);
  }
}

/** 400: the store refused a value the request carries (1.5 for an integer column, a number out of a column's range). */
export class InvalidValueError extends LooplineError {
  constructor(message: string) {
    super('INVALID_VALUE', message);
  }
}

/** 404 for a missing id, with LB3's message: `Unknown "Customer" id "5".` */
export class ModelNotFoundError extends LooplineError {
  constructor(modelName: string, id: unknown, message = `Unknown "${modelName}" id "${String(id)}".`) {
    super('MODEL_NOT_FOUND', message);
    // LB3 set `status` on this error as a plain property, so a debug error body shows it.
    Object.defineProperty(this, 'status', {
      value: this.statusCode,
      writable: true,
      configurable: true,
      enumerable: true,
    });
  }
}

/** 400: an argument that the method cannot use (a missing id, a non-object data argument). */
export class InvalidArgumentError extends LooplineError {
  constructor(message: string, code: ErrorCodeWithStatus<400> = 'INVALID_ARGUMENT') {
    super(code, message);
  }
}

/**
 * 409: a create named an id that is already taken. LB3's exact message,
 * `Duplicate entry for Customer.id`; the id itself is in `details`.
 */
export class DuplicateIdError extends LooplineError {
  constructor(modelName: string, idName: string, id: unknown) {
    super('DUPLICATE_ID', `Duplicate entry for ${modelName}.${idName}`, {
      model: modelName,
      property: idName,
      id,
    });
  }
}

/**
 * A write the store's foreign-key constraint refused: the row named a parent that does not exist
 * (`missing`), or a delete or key change left rows of another table pointing at nothing
 * (`referenced`). Only the constraint's name is quoted, never the store's message (it names
 * tables and values).
 */
export class ForeignKeyViolationError extends LooplineError {
  constructor(store: string, kind: 'missing' | 'referenced', constraint: string | undefined) {
    const which = constraint ? ` (${constraint})` : '';
    super(
      'FOREIGN_KEY_VIOLATION',
      kind === 'missing'
        ? `The ${store} store refused the write: its foreign key${which} names a row that does not exist`
        : `The ${store} store refused the change: rows of another table still refer to this one through a foreign key${which}`,
      constraint ? { constraint, reason: kind } : { reason: kind },
    );
  }
}
