'use strict';
// The ratchet's bookkeeping, apart from running anything: which recorded tests stopped passing,
// how the record grows, and whether each expected failure names a row of the README's table of
// deliberate differences. Test titles are full title paths (describe › … › it), matched exactly.

const TABLE_INTRO = 'Deliberate differences from LB3 (secure or stricter by default):';

/** Titles as keys; a title path that occurs twice in a file keeps both, the second as "title [2]". */
function keyed(titles) {
  const seen = new Map();
  return titles.map((t) => {
    const n = (seen.get(t) || 0) + 1;
    seen.set(t, n);
    return n === 1 ? t : `${t} [${n}]`;
  });
}

/** Outcome lines (JSON per line, from reporter.js) → the keyed titles of passing tests. */
function passedTitles(jsonLines) {
  const rows = [];
  for (const line of jsonLines.split('\n')) {
    if (!line.trim()) continue;
    try {
      rows.push(JSON.parse(line));
    } catch {
      // a line cut short by a killed process carries no outcome
    }
  }
  const all = keyed(rows.map((r) => r.title));
  return all.filter((_, i) => rows[i].state === 'passed');
}

/** What a run means for one file's record. */
function compare(recorded, passing) {
  const now = new Set(passing);
  const before = new Set(recorded);
  return {
    regressed: recorded.filter((t) => !now.has(t)),
    gained: passing.filter((t) => !before.has(t)),
  };
}

/** The record after `--update`: recorded ∪ passing, or exactly `passing` when rewriting. */
function updatedRecord(recorded, passing, rewrite) {
  const next = new Set(rewrite ? passing : [...recorded, ...passing]);
  return [...next].sort();
}

/** The rows of the README's deliberate-differences table ("Moving an LB3 app"), as raw lines. */
function deliberateDifferenceRows(readme) {
  const lines = readme.split('\n');
  const start = lines.findIndex((l) => l.trim() === TABLE_INTRO);
  if (start < 0) return [];
  const rows = [];
  let i = start + 1;
  while (i < lines.length && !lines[i].trim().startsWith('|')) i++;
  for (; i < lines.length && lines[i].trim().startsWith('|'); i++) rows.push(lines[i]);
  return rows.slice(2); // header and separator
}

/**
 * Problems with expected-failures.json: each entry names a file, a test and a `row` — text found
 * in exactly one row of the deliberate-differences table; no test may be listed twice.
 */
function expectedFailureProblems(entries, rows) {
  const problems = [];
  const seen = new Set();
  for (const e of entries) {
    const where = `${e.file} :: ${e.test}`;
    if (typeof e.file !== 'string' || typeof e.test !== 'string' || typeof e.row !== 'string' || !e.row) {
      problems.push(`entry needs "file", "test" and "row" strings: ${JSON.stringify(e)}`);
      continue;
    }
    if (seen.has(where)) problems.push(`listed twice: ${where}`);
    seen.add(where);
    const matches = rows.filter((r) => r.includes(e.row)).length;
    if (matches !== 1) {
      problems.push(
        `${where}: row ${JSON.stringify(e.row)} matches ${matches} rows of the README's deliberate-differences table (needs exactly 1)`,
      );
    }
  }
  return problems;
}

module.exports = {
  keyed,
  passedTitles,
  compare,
  updatedRecord,
  deliberateDifferenceRows,
  expectedFailureProblems,
  TABLE_INTRO,
};
