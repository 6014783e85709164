import type { OperationOptions } from '../connectors/connector';
import { isValid, validationErrorFor } from '../validations';

/** Validates an instance and throws LB3's ValidationError (422) when it is not valid. */
export async function validateOrThrow(inst: any, options: OperationOptions): Promise<void> {
  if (!(await isValid(inst, options))) throw validationErrorFor(inst);
}
