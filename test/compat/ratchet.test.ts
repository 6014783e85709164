import fs from 'fs';
import path from 'path';

// The compat ratchet's bookkeeping (test/compat/ratchet.js) and the project's two records: the
// tests recorded as passing and the expected failures, each tied to a README row.
const ratchet = require('./ratchet') as {
  keyed(titles: string[]): string[];
  passedTitles(jsonLines: string): string[];
  compare(recorded: string[], passing: string[]): { regressed: string[]; gained: string[] };
  updatedRecord(recorded: string[], passing: string[], rewrite: boolean): string[];
  deliberateDifferenceRows(readme: string): string[];
  expectedFailureProblems(entries: unknown[], rows: string[]): string[];
  TABLE_INTRO: string;
};

const ROOT = path.resolve(__dirname, '..', '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const passing = JSON.parse(fs.readFileSync(path.join(__dirname, 'passing.json'), 'utf8')) as Record<
  string,
  string[]
>;
const expected = JSON.parse(fs.readFileSync(path.join(__dirname, 'expected-failures.json'), 'utf8')) as {
  failures: { file: string; test: string; row: string }[];
};

describe('compat ratchet', () => {
  it('keeps a title path that occurs twice as two tests', () => {
    expect(ratchet.keyed(['a › b', 'a › c', 'a › b'])).toEqual(['a › b', 'a › c', 'a › b [2]']);
  });

  it('reads the passing tests from outcome lines, ignoring a line cut short by a killed run', () => {
    const lines = [
      JSON.stringify({ state: 'passed', title: 'A › one' }),
      JSON.stringify({ state: 'failed', title: 'A › two', error: 'boom' }),
      JSON.stringify({ state: 'pending', title: 'A › three' }),
      JSON.stringify({ state: 'passed', title: 'A › one' }),
      '{"state":"pas',
    ].join('\n');
    expect(ratchet.passedTitles(lines)).toEqual(['A › one', 'A › one [2]']);
  });

  it('reports recorded tests that stopped passing, and new passes', () => {
    expect(ratchet.compare(['x', 'y'], ['y', 'z'])).toEqual({ regressed: ['x'], gained: ['z'] });
  });

  it('--update only adds; --rewrite records exactly what passes now', () => {
    expect(ratchet.updatedRecord(['b', 'x'], ['a', 'b'], false)).toEqual(['a', 'b', 'x']);
    expect(ratchet.updatedRecord(['b', 'x'], ['a', 'b'], true)).toEqual(['a', 'b']);
  });

  it('refuses an expected failure whose row is not exactly one row of the README table', () => {
    const rows = ['| LB3 did A. | loopline refuses A. |', '| LB3 did B. | loopline refuses B. |'];
    expect(ratchet.expectedFailureProblems([{ file: 'f.js', test: 't', row: 'did A' }], rows)).toEqual([]);
    expect(ratchet.expectedFailureProblems([{ file: 'f.js', test: 't', row: 'LB3 did' }], rows)[0]).toMatch(
      /matches 2 rows/,
    );
    expect(ratchet.expectedFailureProblems([{ file: 'f.js', test: 't', row: 'nowhere' }], rows)[0]).toMatch(
      /matches 0 rows/,
    );
    expect(ratchet.expectedFailureProblems([{ file: 'f.js', test: 't' }], rows)[0]).toMatch(
      /needs "file", "test" and "row"/,
    );
  });

  it('finds the README deliberate-differences table', () => {
    const rows = ratchet.deliberateDifferenceRows(README);
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.every((r) => r.startsWith('|') && !r.startsWith('| ---'))).toBe(true);
  });

  it("the project's expected failures each name a README row, and none is recorded as passing", () => {
    expect(
      ratchet.expectedFailureProblems(expected.failures, ratchet.deliberateDifferenceRows(README)),
    ).toEqual([]);
    for (const e of expected.failures) expect(passing[e.file] ?? []).not.toContain(e.test);
  });

  it('passing.json is sorted and without duplicates, so records merge and diff cleanly', () => {
    for (const titles of Object.values(passing)) expect(titles).toEqual([...new Set(titles)].sort());
    expect(Object.keys(passing)).toEqual(Object.keys(passing).sort());
  });
});
