// Validates an OpenAPI/Swagger document (a file path) against the official schemas; prints JSON.
// An ES module (the validator is one), run by the explorer test in a child process.
import { Validator } from '@seriousme/openapi-schema-validator';

const validator = new Validator();
const result = await validator.validate(process.argv[2]);
console.log(
  JSON.stringify({ valid: result.valid, version: validator.version, errors: result.errors ?? null }),
);
