#!/usr/bin/env node
/**
 * `loopline <command>`: scaffolding and tools for an LB3-style app folder. Every prompt has a
 * flag, so each command can be scripted; prompts appear only when stdin is a terminal.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Command, CliContext } from './command';
import { CliError } from './cli-error';
import { inquirerPrompter, Prompter } from './prompt';
import { parseCommandLine } from './program';
import { aclCommand } from './commands/acl';
import { bootScriptCommand } from './commands/boot-script';
import { datasourceCommand } from './commands/datasource';
import { discoverCommand } from './commands/discover';
import { middlewareCommand } from './commands/middleware';
import { migrateCommand } from './commands/migrate';
import { modelCommand } from './commands/model';
import { newCommand } from './commands/new';
import { propertyCommand } from './commands/property';
import { relationCommand } from './commands/relation';
import { remoteMethodCommand } from './commands/remote-method';
import { typesCommand } from './commands/types';

export const COMMANDS: readonly Command[] = [
  newCommand,
  modelCommand,
  propertyCommand,
  relationCommand,
  remoteMethodCommand,
  datasourceCommand,
  aclCommand,
  bootScriptCommand,
  middlewareCommand,
  migrateCommand,
  discoverCommand,
  typesCommand,
];

/** loopline's own package.json: the same relative path from src/cli and from dist/cli. */
export const OWN_ROOT = path.resolve(__dirname, '../..');

export function looplineVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(OWN_ROOT, 'package.json'), 'utf8')) as { version: string })
    .version;
}

export interface MainOptions {
  cwd?: string;
  /** Where output goes, one line at a time (help and version text too). */
  log?: (line: string) => void;
  error?: (text: string) => void;
  /** Ask for missing flags; by default only when stdin and stdout are a TTY. */
  interactive?: boolean;
  /** Who answers the questions when interactive (the terminal by default). */
  prompter?: Prompter;
}

/** Runs one command; resolves to the exit code (0 done, 1 failed, 2 usage error). */
export async function main(argv: string[], options: MainOptions = {}): Promise<number> {
  const log = options.log ?? ((line: string) => console.log(line));
  const error = options.error ?? ((text: string) => process.stderr.write(text));
  const label = COMMANDS.some((c) => c.name === argv[0]) ? `loopline ${argv[0]}` : 'loopline';
  const report = (err: unknown): number => {
    if (err instanceof CliError) {
      // "loopline new: needs <app>…", not "loopline new: loopline new needs <app>…".
      const message = err.message.startsWith(`${label} `) ? err.message.slice(label.length + 1) : err.message;
      error(`${label}: ${message} [${err.code}]\n`);
      return err.code === 'CLI_USAGE' ? 2 : 1;
    }
    const e = err as { code?: unknown; message?: unknown };
    error(`${label}: ${String(e?.message ?? err)}${typeof e?.code === 'string' ? ` [${e.code}]` : ''}\n`);
    return 1;
  };
  let selected;
  try {
    selected = await parseCommandLine(argv, COMMANDS, looplineVersion(), {
      out: (text) => log(text.replace(/\n$/, '')),
    });
  } catch (err) {
    return report(err);
  }
  if (!selected) return 0;
  const interactive = options.interactive ?? (process.stdin.isTTY === true && process.stdout.isTTY === true);
  const ctx: CliContext = {
    cwd: options.cwd ?? process.cwd(),
    log,
    prompter: interactive ? (options.prompter ?? inquirerPrompter()) : undefined,
  };
  try {
    await selected.command.run(selected.args, ctx);
    return 0;
  } catch (err) {
    return report(err);
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
