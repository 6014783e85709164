import * as fs from 'fs';
import { CliError } from './cli-error';

/**
 * JSON files the CLI edits keep their look: the indent they were written with (2 spaces when
 * there is none to see), their key order (JSON.parse keeps it; new keys go last), and a trailing
 * newline.
 */
export function readJson(file: string): Record<string, any> {
  const text = fs.readFileSync(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new CliError(
      'CLI_INVALID_VALUE',
      `${file} is not valid JSON (${(err as Error).message}); fix it and run the command again.`,
    );
  }
}

function indentOf(text: string): string | number {
  const m = /^\{\s*\n([ \t]+)"/.exec(text);
  return m ? m[1] : 2;
}

export function writeJson(file: string, value: unknown): void {
  const indent = fs.existsSync(file) ? indentOf(fs.readFileSync(file, 'utf8')) : 2;
  fs.writeFileSync(file, `${JSON.stringify(value, null, indent)}\n`);
}
