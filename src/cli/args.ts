import { CliError } from './cli-error';
import { closest } from './suggest';

/** A command's arguments as the parser hands them over, keyed by the flag names the command declared. */
export interface ParsedArgs {
  positional: string[];
  flags: Record<string, string | string[] | boolean | undefined>;
}

export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags[name];
  return typeof v === 'string' ? v : undefined;
}

export function listFlag(args: ParsedArgs, name: string): string[] {
  const v = args.flags[name];
  return Array.isArray(v) ? v : [];
}

export function booleanFlag(args: ParsedArgs, name: string): boolean | undefined {
  const v = args.flags[name];
  return typeof v === 'boolean' ? v : undefined;
}

/** The spelling in `allowed` of `value` (compared case-insensitively); undefined when it is none of them. */
export function findOneOf(value: string, allowed: readonly string[]): string | undefined {
  return allowed.find((a) => a.toLowerCase() === value.toLowerCase());
}

/** Why `value` is none of `allowed`, with the nearest one when there is a near one. */
export function notOneOf(value: string, allowed: readonly string[]): string {
  const near = closest(value, allowed);
  return `"${value}" is not one of ${allowed.join(', ')}${near ? ` (did you mean ${near}?)` : ''}`;
}

/** One of `allowed` (compared case-insensitively, returned as spelled in `allowed`). */
export function oneOf(flag: string, value: string, allowed: readonly string[]): string {
  const hit = findOneOf(value, allowed);
  if (!hit)
    throw new CliError(
      'CLI_INVALID_VALUE',
      `--${flag} must be one of ${allowed.join(', ')}; got "${value}"${closest(value, allowed) ? ` (did you mean ${closest(value, allowed)}?)` : ''}.`,
    );
  return hit;
}
