import type { ParsedArgs } from './args';
import type { Prompter } from './prompt';

/** What a command may use of its surroundings; tests hand in their own. */
export interface CliContext {
  cwd: string;
  /** One line of the command's report to the user. */
  log(line: string): void;
  /** Present only when stdin is a terminal: then missing flags are asked for. */
  prompter?: Prompter;
}

/**
 * A flag a command reads. `string` takes a value (with `negatable`, `--no-<name>` gives false),
 * `list` takes a value and may repeat, `boolean` takes none (with `negatable`, also `--no-<name>`).
 */
export interface FlagSpec {
  kind: 'string' | 'list' | 'boolean';
  /** The value's placeholder in the help, e.g. `name:type[:required]`. */
  value?: string;
  help: string;
  negatable?: boolean;
  /** Help for `--no-<name>`. */
  negatedHelp?: string;
}

export interface Command {
  name: string;
  /** One line for `loopline --help`. */
  summary: string;
  /** Positional arguments, all optional on the command line (a terminal asks for a missing one). */
  arguments?: ReadonlyArray<{ name: string; help: string }>;
  flags: Readonly<Record<string, FlagSpec>>;
  /** Shown under "Examples" in `loopline <command> --help`. */
  examples?: readonly string[];
  run(args: ParsedArgs, ctx: CliContext): Promise<void>;
}
