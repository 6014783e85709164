import * as readline from 'readline';

/**
 * Questions for a person at a terminal. Commands ask only for what no flag gave, and only when
 * stdin is a TTY; scripts pass flags and never block on a prompt.
 */
export interface Prompter {
  ask(question: string, fallback?: string): Promise<string>;
  close(): void;
}

export function terminalPrompter(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Prompter {
  const rl = readline.createInterface({ input, output });
  return {
    ask: (question, fallback) =>
      new Promise((resolve) => {
        rl.question(fallback !== undefined && fallback !== '' ? `${question} (${fallback}): ` : `${question}: `, (answer) => resolve(answer.trim() || fallback || ''));
      }),
    close: () => rl.close(),
  };
}
