import type { ModelDefinitionJson, ModelSource } from '../boot/models';
import {
  ACCESS_TOKEN_DEFINITION,
  ACL_DEFINITION,
  APPLICATION_DEFINITION,
  EMAIL_DEFINITION,
  ROLE_DEFINITION,
  ROLE_MAPPING_DEFINITION,
  SCOPE_DEFINITION,
  USER_DEFINITION,
} from '../loopback/models/definitions';

/**
 * loopline's built-in models in the shape of an app's model JSON, for `loopline types`: an app's
 * `Account` based on `User` inherits `email`, `username`, `emailVerified`, `realm`… and the
 * built-ins model-config.json names (User, AccessToken, Role…) get declarations of their own.
 * They have no file: boot defines them in code (src/loopback/models).
 */
export function builtinModelSources(): Map<string, ModelSource> {
  const definitions = [
    USER_DEFINITION,
    ACCESS_TOKEN_DEFINITION,
    ACL_DEFINITION,
    ROLE_DEFINITION,
    ROLE_MAPPING_DEFINITION,
    SCOPE_DEFINITION,
    APPLICATION_DEFINITION,
    EMAIL_DEFINITION,
  ];
  return new Map(
    definitions.map((definition) => [
      definition.name,
      {
        definition: definition as ModelDefinitionJson,
        file: `loopline built-in model ${definition.name}`,
        script: undefined,
      },
    ]),
  );
}
