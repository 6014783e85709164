import type { OperationOptions } from '../connectors/connector';
import { isValid, validationErrorFor } from '../validations';

/** Validates an instance and throws LB3's ValidationError (422) when it is not valid. */
export async function validateOrThrow(inst: any, options: OperationOptions): Promise<void> {
  // `automaticValidation: false` in the model settings turns writes' validation off unless the
  // caller asks for it with `options.validate`.
  if (options.validate === undefined && inst?.constructor?.settings?.automaticValidation === false) return;
  if (!(await isValid(inst, options))) throw validationErrorFor(inst);
}
