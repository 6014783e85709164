import fs from 'fs';
import path from 'path';
import { ERROR_CODES } from '../src/errors';

/** The README's error table is the contract users read: it must list exactly the codes raised. */
const ROOT = path.resolve(__dirname, '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(full) : e.name.endsWith('.ts') ? [full] : [];
  });
}

/**
 * The codes errors are raised with: the first or last string argument of an `...Error(...)`
 * call, and `code: '...'` / `.code = '...'` assignments (driver codes compared against are not).
 */
const CODE_PATTERNS = [
  /Error\(\s*'([A-Z][A-Z_]{3,})'/g,
  /Error\([^;]*?,\s*'([A-Z][A-Z_]{3,})'\s*\)/g,
  /\bcode:\s*'([A-Z][A-Z_]{3,})'/g,
  /\.code = '([A-Z][A-Z_]{3,})'/g,
];

function codeLiterals(files: string[]): Set<string> {
  const found = new Set<string>();
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    for (const re of CODE_PATTERNS) for (const m of text.matchAll(re)) found.add(m[1]);
  }
  return found;
}

const NOT_ERROR_CODES = new Set(['READ', 'WRITE', 'EXECUTE', 'ENOENT']);

describe('README error codes', () => {
  it('has one row per entry of ERROR_CODES, with its status and meaning', () => {
    const rows = [...README.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \| (.+) \|$/gm)].map((m) => [
      m[1],
      Number(m[2]),
      m[3],
    ]);
    expect(rows).toEqual(
      Object.entries(ERROR_CODES).map(([code, { status, meaning }]) => [code, status, meaning]),
    );
  });

  it('declares every code the runtime raises', () => {
    const runtime = sourceFiles(path.join(ROOT, 'src')).filter(
      (f) => !f.includes(`${path.sep}boot${path.sep}`) && !f.includes(`${path.sep}cli${path.sep}`),
    );
    const missing = [...codeLiterals(runtime)].filter((c) => !NOT_ERROR_CODES.has(c) && !(c in ERROR_CODES));
    expect(missing).toEqual([]);
  });

  it('names every boot error code', () => {
    const boot = codeLiterals(sourceFiles(path.join(ROOT, 'src', 'boot')));
    const missing = [...boot].filter((c) => !NOT_ERROR_CODES.has(c) && !README.includes(`\`${c}\``));
    expect(missing).toEqual([]);
  });

  it('names every CLI error code (exit codes, not HTTP statuses)', () => {
    const cli = codeLiterals(sourceFiles(path.join(ROOT, 'src', 'cli')));
    expect(cli.size).toBeGreaterThan(0);
    const missing = [...cli].filter((c) => !README.includes(`| \`${c}\` |`));
    expect(missing).toEqual([]);
  });
});
