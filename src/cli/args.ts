import { CliError } from './cli-error';

/** The flags a command reads: `string` takes a value, `list` may repeat, `boolean` also has `--no-<name>`. */
export interface FlagSpec {
  [name: string]: 'string' | 'list' | 'boolean';
}

export interface ParsedArgs {
  positional: string[];
  flags: Record<string, string | string[] | boolean | undefined>;
}

/**
 * `--name value`, `--name=value`, `--flag`, `--no-flag`; a flag the command does not know is a
 * usage error, so a typo never passes silently.
 */
export function parseArgs(argv: string[], spec: FlagSpec, command: string): ParsedArgs {
  const positional: string[] = [];
  const flags: ParsedArgs['flags'] = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    let name = arg.slice(2, eq < 0 ? undefined : eq);
    let inline: string | undefined = eq < 0 ? undefined : arg.slice(eq + 1);
    let kind = spec[name];
    if (!kind && name.startsWith('no-') && spec[name.slice(3)] === 'boolean') {
      name = name.slice(3);
      kind = 'boolean';
      inline = 'false';
    }
    if (!kind) throw new CliError('CLI_USAGE', `loopline ${command}: unknown flag --${name}. Known flags: ${Object.keys(spec).map((f) => `--${f}`).join(', ') || 'none'}.`);
    if (kind === 'boolean') {
      if (inline !== undefined && inline !== 'true' && inline !== 'false') throw new CliError('CLI_INVALID_VALUE', `loopline ${command}: --${name} is true or false, not "${inline}".`);
      flags[name] = inline !== 'false';
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined || (inline === undefined && value.startsWith('--'))) throw new CliError('CLI_USAGE', `loopline ${command}: --${name} needs a value.`);
    if (kind === 'list') flags[name] = [...((flags[name] as string[] | undefined) ?? []), value];
    else flags[name] = value;
  }
  return { positional, flags };
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

/** One of `allowed` (compared case-insensitively, returned as spelled in `allowed`). */
export function oneOf(command: string, flag: string, value: string, allowed: readonly string[]): string {
  const hit = allowed.find((a) => a.toLowerCase() === value.toLowerCase());
  if (!hit) throw new CliError('CLI_INVALID_VALUE', `loopline ${command}: --${flag} must be one of ${allowed.join(', ')}; got "${value}".`);
  return hit;
}
