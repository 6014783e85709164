#!/usr/bin/env node
/**
 * `loopline <command>`: scaffolding and tools for an LB3-style app folder. Every prompt has a
 * flag, so each command can be scripted; prompts appear only when stdin is a terminal.
 */
import type { Command, CliContext } from './command';
import { CliError } from './cli-error';
import { Prompter, terminalPrompter } from './prompt';
import { aclCommand } from './commands/acl';
import { datasourceCommand } from './commands/datasource';
import { discoverCommand } from './commands/discover';
import { migrateCommand } from './commands/migrate';
import { modelCommand } from './commands/model';
import { newCommand } from './commands/new';
import { relationCommand } from './commands/relation';
import { typesCommand } from './commands/types';

export const COMMANDS: readonly Command[] = [newCommand, modelCommand, relationCommand, datasourceCommand, aclCommand, migrateCommand, discoverCommand, typesCommand];

export function usage(): string {
  return `Usage: loopline <command> [flags]\n\nCommands:\n${COMMANDS.map((c) => `  ${c.usage}`).join('\n')}\n`;
}

export interface MainOptions {
  cwd?: string;
  log?: (line: string) => void;
  error?: (text: string) => void;
  /** Ask for missing flags; by default only when stdin is a TTY. */
  interactive?: boolean;
  /** Who answers the questions when interactive (the terminal by default). */
  prompter?: Prompter;
}

/** Runs one command; resolves to the exit code (0 done, 1 failed, 2 usage error). */
export async function main(argv: string[], options: MainOptions = {}): Promise<number> {
  const error = options.error ?? ((text: string) => process.stderr.write(text));
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === 'help') {
    (options.log ?? console.log)(usage());
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    error(`loopline: unknown command "${name}" [CLI_USAGE]\n\n${usage()}`);
    return 2;
  }
  const interactive = options.interactive ?? (process.stdin.isTTY === true && process.stdout.isTTY === true);
  const ctx: CliContext = {
    cwd: options.cwd ?? process.cwd(),
    log: options.log ?? ((line) => console.log(line)),
    prompter: interactive ? (options.prompter ?? terminalPrompter(process.stdin, process.stdout)) : undefined,
  };
  try {
    await command.run(rest, ctx);
    return 0;
  } catch (err) {
    if (err instanceof CliError) {
      error(`loopline ${name}: ${err.message} [${err.code}]\n`);
      return err.code === 'CLI_USAGE' ? 2 : 1;
    }
    const e = err as { code?: unknown; message?: unknown };
    error(`loopline ${name}: ${String(e?.message ?? err)}${typeof e?.code === 'string' ? ` [${e.code}]` : ''}\n`);
    return 1;
  } finally {
    ctx.prompter?.close();
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
