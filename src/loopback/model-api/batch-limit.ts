import { LooplineError } from '../../errors';
import type { ModelClass } from './registry';

/**
 * The most items one REST create may carry, from the target model's `maxArrayCreate` setting (a
 * positive integer; `false` or absent: no bound, as LB3). The built-in User sets 10: every user
 * created costs a bcrypt hash, so an unbounded array let one anonymous request within the body
 * limit sign up ~1,600 users. Checked on the coerced body, before access control and before any
 * item is validated or hashed, so a refused request stores nothing.
 */
export function maxArrayCreate(Model: ModelClass | undefined): number | undefined {
  const n = (Model?.settings as Record<string, unknown> | undefined)?.maxArrayCreate;
  return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : undefined;
}

export function assertBatchSize(Model: ModelClass | undefined, data: unknown): void {
  if (!Array.isArray(data)) return;
  const max = maxArrayCreate(Model);
  if (max === undefined || data.length <= max) return;
  throw new LooplineError(
    'BATCH_TOO_LARGE',
    `A create of ${Model!.modelName} takes at most ${max} items in one request (got ${data.length}); send them in several requests`,
  );
}
