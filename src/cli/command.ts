import type { Prompter } from './prompt';

/** What a command may use of its surroundings; tests hand in their own. */
export interface CliContext {
  cwd: string;
  /** One line of the command's report to the user. */
  log(line: string): void;
  /** Present only when stdin is a terminal: then missing flags are asked for. */
  prompter?: Prompter;
}

export interface Command {
  name: string;
  /** One line of help, e.g. `model <Name> [--base B] [--property name:type[:required]]...`. */
  usage: string;
  run(argv: string[], ctx: CliContext): Promise<void>;
}
