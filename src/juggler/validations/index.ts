/**
 * LB3's validations: the `validates*` rules a model declares (statics of ModelBase), `required`
 * and `forceId` from the definition, unknown and mistyped properties, and `isValid`.
 */
export { addRule, propsAndOptions, type ValidationOptions, type Validator } from './rules';
export { validationErrorFor } from './messages';
export { asBatch, uniquenessErrorFor, uniquenessKeys } from './uniqueness';
export { isValid, validateInstance } from './validate-instance';
