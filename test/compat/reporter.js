'use strict';
// A mocha reporter (works with the mocha 3, 5 and 6 the LB3 snapshots install) that appends one JSON
// line per test outcome to the file named by COMPAT_RESULTS, as it happens: a file killed by its
// time limit still leaves the outcomes it reached. On stdout it prints one line per outcome and the
// first lines of each failure, enough to see why a test fails without the spec reporter.
const fs = require('fs');

const SEPARATOR = ' › ';

function titlePath(runnable) {
  const titles = [];
  for (let node = runnable; node; node = node.parent) {
    if (node.title) titles.unshift(node.title);
  }
  return titles.join(SEPARATOR);
}

function CompatReporter(runner) {
  const file = process.env.COMPAT_RESULTS;
  const record = (state, test, err) => {
    const line = { state, title: titlePath(test) };
    if (err)
      line.error = String((err && err.message) || err)
        .split('\n')
        .slice(0, 3)
        .join(' ')
        .slice(0, 300);
    if (file) fs.appendFileSync(file, JSON.stringify(line) + '\n');
    process.stdout.write(
      `${state === 'passed' ? 'ok  ' : state === 'failed' ? 'FAIL' : 'skip'} ${line.title}${line.error ? `\n       ${line.error}` : ''}\n`,
    );
  };
  runner.on('pass', (test) => record('passed', test));
  runner.on('fail', (test, err) => record('failed', test, err));
  runner.on('pending', (test) => record('pending', test));
}

CompatReporter.SEPARATOR = SEPARATOR;
module.exports = CompatReporter;
