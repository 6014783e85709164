import type { OperationOptions } from '../connectors/connector';
import { LooplineError } from '../../errors';
import type { ModelDefinition } from '../model-definition';
import { uniquenessErrorFor, validateInstance, validationErrorFor } from '../validations';

/** Validates an instance and throws LB3's ValidationError (422) when it is not valid. */
export async function validateOrThrow(inst: any, options: OperationOptions): Promise<void> {
  const invalid = validation(inst, options);
  if (invalid) await invalid;
}

/**
 * validateOrThrow without a wait when the instance passes synchronous rules (the usual case):
 * undefined when it is valid, else a promise that rejects with the ValidationError (or settles
 * once asynchronous rules have run).
 */
export function validation(inst: any, options: OperationOptions): Promise<void> | undefined {
  // `automaticValidation: false` in the model settings turns writes' validation off unless the
  // caller asks for it with `options.validate`.
  if (options.validate === undefined && inst?.constructor?.settings?.automaticValidation === false)
    return undefined;
  let valid: boolean | Promise<boolean>;
  try {
    valid = validateInstance(inst, options);
  } catch (err) {
    return Promise.reject(err);
  }
  if (valid === true) return undefined;
  if (valid === false) return Promise.reject(validationErrorFor(inst));
  return valid.then((ok) => {
    if (!ok) throw validationErrorFor(inst);
  });
}

/**
 * The store refused a write under the unique key of a `validatesUniquenessOf` rule: a concurrent
 * write took the value after this one's validation passed. The caller gets the 422 a sequential
 * duplicate gets (code `uniqueness` on the property), not the store's 409.
 */
export async function uniqueWrite<T>(
  def: ModelDefinition,
  instance: () => any,
  write: () => Promise<T>,
): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (!(err instanceof LooplineError) || err.code !== 'DUPLICATE_ID') throw err;
    const property = (err.details as { property?: unknown } | undefined)?.property;
    if (
      typeof property !== 'string' ||
      property === def.idName ||
      !(def.uniqueKeys?.() ?? []).some((k) => k.property === property)
    )
      throw err;
    throw uniquenessErrorFor(instance(), property);
  }
}
