import { CliError } from './cli-error';
import { closest } from './suggest';

export const PROPERTY_TYPES = [
  'string',
  'number',
  'integer',
  'boolean',
  'date',
  'buffer',
  'geopoint',
  'object',
  'array',
  'any',
];

export function identifierProblem(name: string, what: string): string | undefined {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name)
    ? undefined
    : `"${name}" cannot name a ${what}: use letters, digits, _ or $, not starting with a digit.`;
}

/** Why `type` is not a property type (`string`, `[string]`…), or undefined. */
export function propertyTypeProblem(type: string): string | undefined {
  const inner = /^\[(\w+)\]$/.exec(type)?.[1];
  if (PROPERTY_TYPES.includes((inner ?? type).toLowerCase())) return undefined;
  const near = closest(inner ?? type, PROPERTY_TYPES);
  return `"${type}" is not a property type; use one of ${PROPERTY_TYPES.join(', ')} or [type] for an array${near ? ` (did you mean ${inner ? `[${near}]` : near}?)` : ''}.`;
}

/** The JSON definition of a property of `type` (`[string]` is an array of strings). */
export function propertyDefinition(type: string, required: boolean): Record<string, unknown> {
  const inner = /^\[(\w+)\]$/.exec(type)?.[1];
  return {
    type: inner ? [inner.toLowerCase()] : type.toLowerCase(),
    ...(required ? { required: true } : {}),
  };
}

/** `name:type[:required]`; `type` may be `[string]` for an array of strings. */
export function parseProperty(spec: string, flag = '--property'): [string, Record<string, unknown>] {
  const [name, type = 'string', extra, ...rest] = spec.split(':');
  if (
    identifierProblem(name ?? '', 'property') ||
    rest.length ||
    (extra !== undefined && extra !== 'required')
  ) {
    throw new CliError(
      'CLI_INVALID_VALUE',
      `${flag} "${spec}" is not name:type[:required] (e.g. ${flag} email:string:required).`,
    );
  }
  const problem = propertyTypeProblem(type);
  if (problem) throw new CliError('CLI_INVALID_VALUE', `${flag} "${spec}": ${problem}`);
  return [name, propertyDefinition(type, extra === 'required')];
}
