import type { Json } from './schemas';

/**
 * The error answers the explorer documents, shared through `components.responses`: the body is
 * the one loopline's REST error handler sends, `{"error": {statusCode, name, message, code,
 * details?}}` (details: a validation error's `{context, codes, messages}`, an argument's name …).
 */

export const ERROR_RESPONSES: Record<string, { name: string; description: string }> = {
  '401': {
    name: 'AuthorizationRequired',
    description:
      'Authorization Required: no access token (code `AUTHORIZATION_REQUIRED`), or, unless the model sets another `aclErrorStatus`, one that does not grant this',
  },
  '403': {
    name: 'AccessDenied',
    description:
      'Access Denied: the access token does not grant this (code `ACCESS_DENIED`; the model or app sets `aclErrorStatus` 403)',
  },
  '404': { name: 'NotFound', description: 'No instance with that id (code `MODEL_NOT_FOUND`)' },
  '422': {
    name: 'ValidationFailed',
    description:
      'The data is not valid for the model (code `VALIDATION_FAILED`; `details.messages` says why, property by property)',
  },
};

export function errorSchema(): Json {
  return {
    type: 'object',
    title: 'Error',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['statusCode', 'name', 'message'],
        properties: {
          statusCode: { type: 'integer', description: 'The HTTP status' },
          name: { type: 'string', description: 'The error class, e.g. `ValidationError`' },
          message: { type: 'string' },
          code: { type: 'string', description: 'A stable code to test for, e.g. `MODEL_NOT_FOUND`' },
          details: {
            description:
              'More about the error, when there is more (a validation error: `{context, codes, messages}`)',
          },
        },
      },
    },
  };
}

/** `components.responses` for the statuses used, their bodies referring to the schema `schemaName`. */
export function errorResponses(statuses: Iterable<string>, schemaName: string): Json {
  const out: Json = {};
  for (const status of [...statuses].sort()) {
    const r = ERROR_RESPONSES[status];
    out[r.name] = {
      description: r.description,
      content: { 'application/json': { schema: { $ref: `#/components/schemas/${schemaName}` } } },
    };
  }
  return out;
}

export function errorResponseRef(status: string): Json {
  return { $ref: `#/components/responses/${ERROR_RESPONSES[status].name}` };
}
