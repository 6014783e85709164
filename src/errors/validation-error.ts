import { LooplineError } from './loopline-error';

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

  constructor(
    modelName: string,
    codes: Record<string, string[]>,
    messages: Record<string, string[]>,
    values: Record<string, unknown> = {},
  ) {
    super('VALIDATION_FAILED', ValidationError.describe(modelName, messages, values), {
      context: modelName,
      codes,
      messages,
    });
    this.name = 'ValidationError';
  }

  /** LB3's message: "The `Customer` instance is not valid. Details: `email` can't be blank (value: undefined)." */
  private static describe(
    modelName: string,
    messages: Record<string, string[]>,
    values: Record<string, unknown>,
  ): string {
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
