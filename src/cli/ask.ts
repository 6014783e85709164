import { CliError } from './cli-error';
import type { CliContext } from './command';
import type { Check } from './prompt';

export interface Wanted {
  /** The flag (or argument) the value may come from, for messages: `--name`, `<app>`. */
  flag: string;
  given: string | undefined;
  /** The question a terminal asks when the flag is missing. */
  message: string;
  /** Taken when the flag is missing: as the terminal's default answer, and as is in a script. */
  default?: string;
  check?: Check;
}

/**
 * A value from its flag, else from a question at a terminal, else the default; the same check
 * refuses a bad flag (CLI_INVALID_VALUE) and a bad answer (asked again with the reason).
 */
export async function obtain(ctx: CliContext, wanted: Wanted): Promise<string | undefined> {
  if (wanted.given !== undefined) {
    const reason = wanted.check?.(wanted.given);
    if (reason) throw new CliError('CLI_INVALID_VALUE', `${wanted.flag}: ${reason}`);
    return wanted.given;
  }
  if (ctx.prompter)
    return ctx.prompter.ask({ message: wanted.message, default: wanted.default, check: wanted.check });
  return wanted.default;
}

/** `obtain`, or a usage error naming the flag when neither a flag nor a terminal gave it. */
export async function obtainRequired(
  ctx: CliContext,
  command: string,
  wanted: Wanted,
  example: string,
): Promise<string> {
  const check: Check = (answer) => (answer === '' ? 'is needed.' : wanted.check?.(answer));
  // A required value is never invented in a script: its default is only the terminal's suggestion.
  const value = await obtain(ctx, { ...wanted, default: ctx.prompter ? wanted.default : undefined, check });
  if (value === undefined || value === '')
    throw new CliError('CLI_USAGE', `loopline ${command} needs ${wanted.flag}, e.g. "${example}".`);
  return value;
}
