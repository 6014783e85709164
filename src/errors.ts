/**
 * Every error loopline raises on purpose is declared here, once, with a stable `code` and an HTTP
 * `statusCode`. Users and tests match on the code, never on the message text.
 *
 * This module is a leaf: it imports nothing of ours.
 */

export interface ErrorDetails {
  [key: string]: unknown;
}

export class LooplineError extends Error {
  /** Stable machine-readable code, e.g. `INVALID_FILTER`. */
  code: string;
  statusCode: number;
  /** LB3 exposes `status` beside `statusCode`; strong-error-handler reads either. */
  status: number;
  details?: unknown;

  constructor(code: string, statusCode: number, message: string, details?: unknown) {
    super(message);
    this.name = 'Error';
    this.code = code;
    this.statusCode = statusCode;
    this.status = statusCode;
    if (details !== undefined) this.details = details;
  }
}

/** 400: a filter (where, fields, order, limit, skip, include) that cannot be honoured. */
export class InvalidFilterError extends LooplineError {
  constructor(message: string, details?: unknown) {
    super('INVALID_FILTER', 400, message, details);
  }
}

/** 404 for a missing id, with LB3's message: `Unknown "Customer" id "5".` */
export class ModelNotFoundError extends LooplineError {
  constructor(modelName: string, id: unknown, message = `Unknown "${modelName}" id "${String(id)}".`) {
    super('MODEL_NOT_FOUND', 404, message);
  }
}

/** 400: an argument that the method cannot use (a missing id, a non-object data argument). */
export class InvalidArgumentError extends LooplineError {
  constructor(message: string, code = 'INVALID_ARGUMENT') {
    super(code, 400, message);
  }
}

/** 500: a server-side programming error, such as a model without a data source. */
export class ConfigurationError extends LooplineError {
  constructor(message: string, code = 'CONFIGURATION_ERROR') {
    super(code, 500, message);
  }
}

/** 503: the store cannot be reached right now; safe to retry. */
export class StoreUnavailableError extends LooplineError {
  constructor(message: string) {
    super('STORE_UNAVAILABLE', 503, message);
  }
}

/**
 * 409: a create named an id that is already taken. LB3's exact message,
 * `Duplicate entry for Customer.id`; the id itself is in `details`.
 */
export class DuplicateIdError extends LooplineError {
  constructor(modelName: string, idName: string, id: unknown) {
    super('DUPLICATE_ID', 409, `Duplicate entry for ${modelName}.${idName}`, { model: modelName, property: idName, id });
  }
}

export interface ValidationErrorDetails {
  context: string;
  codes: Record<string, string[]>;
  messages: Record<string, string[]>;
}

/**
 * 422: an instance failed validation. `details` has LB3's shape:
 * `{context: 'Customer', codes: {email: ['presence']}, messages: {email: ["can't be blank"]}}`.
 */
export class ValidationError extends LooplineError {
  declare details: ValidationErrorDetails;

  constructor(modelName: string, codes: Record<string, string[]>, messages: Record<string, string[]>, values: Record<string, unknown> = {}) {
    super('VALIDATION_FAILED', 422, ValidationError.describe(modelName, messages, values), {
      context: modelName,
      codes,
      messages,
    });
    this.name = 'ValidationError';
  }

  /** LB3's message: "The `Customer` instance is not valid. Details: `email` can't be blank (value: undefined)." */
  private static describe(modelName: string, messages: Record<string, string[]>, values: Record<string, unknown>): string {
    const parts: string[] = [];
    for (const [prop, msgs] of Object.entries(messages)) {
      for (const msg of msgs) {
        parts.push(`\`${prop}\` ${msg} (value: ${ValidationError.showValue(values[prop])})`);
      }
    }
    return `The \`${modelName}\` instance is not valid. Details: ${parts.join('; ')}.`;
  }

  private static showValue(value: unknown): string {
    if (value === undefined) return 'undefined';
    if (typeof value === 'string') return JSON.stringify(value);
    try {
      const text = JSON.stringify(value);
      return text === undefined ? String(value) : text.length > 32 ? text.slice(0, 29) + '...' : text;
    } catch {
      return String(value);
    }
  }
}

/** The table of codes, kept in step with the README's error table by a test. */
export const ERROR_CODES: Readonly<Record<string, { status: number; meaning: string }>> = Object.freeze({
  INVALID_FILTER: { status: 400, meaning: 'The filter (where, fields, order, limit, skip, include) is malformed.' },
  INVALID_ARGUMENT: { status: 400, meaning: 'An argument is missing or of the wrong shape.' },
  MODEL_NOT_FOUND: { status: 404, meaning: 'No instance has the given id.' },
  DUPLICATE_ID: { status: 409, meaning: 'A create named an id that is already taken.' },
  VALIDATION_FAILED: { status: 422, meaning: 'The instance is not valid; `details` lists each property.' },
  CONFIGURATION_ERROR: { status: 500, meaning: 'The app is misconfigured (e.g. a model without a data source).' },
  STORE_UNAVAILABLE: { status: 503, meaning: 'The store cannot be reached; retry later.' },
});
