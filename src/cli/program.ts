import { Command as Commander, CommanderError, Option } from 'commander';
import type { ParsedArgs } from './args';
import { CliError } from './cli-error';
import type { Command } from './command';

export interface Selected {
  command: Command;
  args: ParsedArgs;
}

export interface ProgramOutput {
  /** Help and version text. */
  out(text: string): void;
}

/**
 * Parses `argv` with commander against the commands' declared flags: the help of `loopline
 * --help` and of each `loopline <command> --help` is generated from the same declarations the
 * parser uses, so it cannot drift. Resolves to the command to run, or to undefined when only help
 * or the version was asked for. An unknown command or flag, a missing value or an extra argument
 * is a CLI_USAGE error (with commander's "did you mean").
 */
export async function parseCommandLine(
  argv: string[],
  commands: readonly Command[],
  version: string,
  output: ProgramOutput,
): Promise<Selected | undefined> {
  let selected: Selected | undefined;
  const program = new Commander('loopline')
    .description(
      'Scaffolds and maintains an LB3-style app folder (common/, server/) running on loopline.\nEvery question a command asks has a flag; questions are asked only when stdin is a terminal.',
    )
    .version(version, '-v, --version', "print loopline's version")
    .helpOption('-h, --help', 'show this help')
    .helpCommand('help [command]', 'show the help of a command')
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (text) => output.out(text),
      writeErr: (text) => output.out(text),
      outputError: () => undefined,
    });
  for (const command of commands) {
    const sub = program
      .command(command.name)
      .description(command.summary)
      .helpOption('-h, --help', 'show this help');
    for (const arg of command.arguments ?? []) sub.argument(`[${arg.name}]`, arg.help);
    const attributes = new Map<string, string>();
    for (const [name, spec] of Object.entries(command.flags)) {
      const placeholder = spec.kind === 'boolean' ? '' : ` <${spec.value ?? 'value'}>`;
      const option = new Option(
        `--${name}${placeholder}`,
        spec.kind === 'list' ? `${spec.help} (repeatable)` : spec.help,
      );
      if (spec.kind === 'list')
        option.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
      sub.addOption(option);
      if (spec.negatable) sub.addOption(new Option(`--no-${name}`, spec.negatedHelp ?? `not ${name}`));
      attributes.set(name, option.attributeName());
    }
    if (command.examples?.length)
      sub.addHelpText(
        'after',
        `\nExamples:\n${command.examples.map((e) => `  $ loopline ${e}`).join('\n')}\n`,
      );
    sub.action((...received: unknown[]) => {
      const positional = received
        .slice(0, command.arguments?.length ?? 0)
        .filter((v): v is string => typeof v === 'string');
      const opts = sub.opts() as Record<string, string | string[] | boolean | undefined>;
      selected = {
        command,
        args: {
          positional,
          flags: Object.fromEntries([...attributes].map(([flag, attribute]) => [flag, opts[attribute]])),
        },
      };
    });
  }
  if (argv.length === 0) {
    output.out(program.helpInformation());
    return undefined;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err;
    if (err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version')
      return undefined;
    throw new CliError(
      'CLI_USAGE',
      `${err.message.replace(/^error: /, '').replace(/\n/g, ' ')} (see "loopline ${commands.some((c) => c.name === argv[0]) ? `${argv[0]} ` : ''}--help")`,
    );
  }
  return selected;
}
