import type { Prompter } from '../../src/cli/prompt';

/**
 * A prompter answering from a script, as a person at the terminal would: an empty answer takes the
 * default, and an answer the question's check refuses is recorded and the question asked again
 * with the next answer (as the terminal prompter does).
 */
export function scriptedPrompter(
  answers: Array<string | boolean>,
): Prompter & { asked: string[]; refused: string[] } {
  const asked: string[] = [];
  const refused: string[] = [];
  const next = (): string | boolean => {
    if (!answers.length) throw new Error(`no answer left for: ${asked[asked.length - 1]}`);
    return answers.shift()!;
  };
  return {
    asked,
    refused,
    async ask({ message, default: fallback, check }) {
      asked.push(message);
      for (;;) {
        const answer = String(next()) || fallback || '';
        const reason = check?.(answer);
        if (!reason) return answer;
        refused.push(reason);
      }
    },
    async choose({ message, choices, default: fallback }) {
      asked.push(message);
      const answer = String(next()) || fallback || '';
      if (!choices.includes(answer))
        throw new Error(`"${answer}" is not among the choices of ${message}: ${choices.join(', ')}`);
      return answer;
    },
    async confirm({ message, default: fallback }) {
      asked.push(message);
      const answer = next();
      return answer === '' ? fallback : answer === true || answer === 'y';
    },
  };
}
