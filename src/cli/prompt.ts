import { confirm, input, select } from '@inquirer/prompts';
import { CliError } from './cli-error';

/** Why an answer cannot be taken (shown under the question, which stays open), or undefined when it can. */
export type Check = (answer: string) => string | undefined;

export interface Question {
  message: string;
  /** Taken when the answer is empty. */
  default?: string;
  check?: Check;
}

/**
 * Questions for a person at a terminal. Commands ask only for what no flag gave, and only when
 * stdin is a TTY; scripts pass flags and never block on a prompt. An answer the command cannot
 * take is refused with its reason and the question asked again: a typo never ends the command.
 */
export interface Prompter {
  /** Free text, asked again while `check` gives a reason. */
  ask(question: Question): Promise<string>;
  /** One of `choices` (picked from a list, so nothing else can be answered). */
  choose(question: { message: string; choices: readonly string[]; default?: string }): Promise<string>;
  confirm(question: { message: string; default: boolean }): Promise<boolean>;
}

export interface PromptStreams {
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
}

/** Ctrl-C at a prompt ends the command as a refusal, not a crash with a stack trace. */
async function interruptible<T>(pending: Promise<T>): Promise<T> {
  try {
    return await pending;
  } catch (err) {
    if ((err as Error)?.name === 'ExitPromptError' || (err as Error)?.name === 'AbortPromptError')
      throw new CliError('CLI_ABORTED', 'Stopped at a question; nothing was written.');
    throw err;
  }
}

/** The terminal's prompter, on @inquirer/prompts; tests hand in their own streams. */
export function inquirerPrompter(streams: PromptStreams = {}): Prompter {
  const context = { input: streams.input, output: streams.output };
  return {
    ask: ({ message, default: fallback, check }) =>
      interruptible(
        input(
          {
            message,
            default: fallback === '' ? undefined : fallback,
            validate: (answer: string) => {
              const value = answer.trim() || fallback || '';
              return check?.(value) ?? true;
            },
          },
          context,
        ).then((answer) => answer.trim() || fallback || ''),
      ),
    choose: ({ message, choices, default: fallback }) =>
      interruptible(
        select(
          { message, choices: choices.map((value) => ({ value, name: value })), default: fallback },
          context,
        ),
      ),
    confirm: ({ message, default: fallback }) =>
      interruptible(confirm({ message, default: fallback }, context)),
  };
}
