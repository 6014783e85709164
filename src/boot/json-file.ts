import * as fs from 'fs';
import * as path from 'path';
import { BootError } from './errors';

/** Reads a JSON (or `.js`) config file; a syntax error names the file, line and column. */
export function readConfigFile(file: string): unknown {
  if (file.endsWith('.js')) return require(file);
  const text = fs.readFileSync(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    const pos = /position (\d+)/.exec(message);
    let where = '';
    if (pos) {
      const offset = Number(pos[1]);
      const before = text.slice(0, offset).split('\n');
      where = ` at line ${before.length}, column ${before[before.length - 1].length + 1}`;
    }
    throw new BootError(`${rel(file)}: malformed JSON${where}: ${message}`, 'MALFORMED_CONFIG');
  }
}

export function rel(file: string): string {
  const r = path.relative(process.cwd(), file);
  return r && !r.startsWith('..') ? r : file;
}

/** The first of `<base>.json`, `<base>.js` that exists. */
export function findFile(dir: string, base: string): string | undefined {
  for (const ext of ['.json', '.js']) {
    const f = path.join(dir, base + ext);
    if (fs.existsSync(f)) return f;
  }
  return undefined;
}

/** `config.json` overlaid by `config.local.*` and `config.<env>.*`, in that order. */
export function loadLayered(
  dir: string,
  base: string,
  env: string,
  merge: (a: any, b: any) => any,
): { value: any; files: string[] } {
  const files: string[] = [];
  let value: any = undefined;
  for (const name of [base, `${base}.local`, `${base}.${env}`]) {
    const f = findFile(dir, name);
    if (!f) continue;
    files.push(f);
    const layer = readConfigFile(f);
    value = value === undefined ? layer : merge(value, layer);
  }
  return { value, files };
}
