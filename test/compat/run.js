'use strict';
// `npm run compat [-- [--update | --rewrite] [file ...]]`
//
// Runs LB3's own test files and the four example apps' suites (../shared/compat) against the built
// loopline, test by test, and fails when a test recorded in passing.json no longer passes, or when
// a test listed in expected-failures.json passes (the safer behaviour is gone, or the entry is
// stale). The trees the tests run in are the shared scripts' own: run-lb3-tests.sh lays out the
// LB3 twin (installing the snapshot's dependencies into $COMPAT_WORK the first time) and
// run-examples.sh installs each app; this runner then runs mocha in them with reporter.js.
//
//   --update    add the tests passing now to passing.json (never removes anything)
//   --rewrite   record exactly the tests passing now, for the files run (drops the others)
//   file ...    LB3 test files (remoting.integration.js), example apps (examples/mixins) or
//               `examples`; default: every file in lb3-reference.txt and every example app
//
// $COMPAT_WORK (default: <tmpdir>/loopline-compat-ratchet) holds the installs and the outputs:
// out/ratchet.<file>.out (readable) and out/ratchet.<file>.jsonl (one outcome per line).
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const ratchet = require('./ratchet');

const root = path.resolve(__dirname, '..', '..');
const here = __dirname;
const PASSING = path.join(here, 'passing.json');
const EXPECTED = path.join(here, 'expected-failures.json');
const EXAMPLES = { 'access-control': 5, relations: 14, 'app-logic': 2, mixins: 3 };

/** A clone made from a local checkout (`git clone . /tmp/ci-check`) finds shared/ beside its origin. */
function originCheckout() {
  const r = spawnSync('git', ['config', '--get', 'remote.origin.url'], { cwd: root, encoding: 'utf8' });
  const url = r.status === 0 ? r.stdout.trim() : '';
  return url && path.isAbsolute(url) ? url : undefined;
}

function sharedDir() {
  const origin = originCheckout();
  const candidates = [
    process.env.LOOPLINE_SHARED,
    path.join(root, '..', 'shared'),
    path.join(root, '..', '..', 'shared'),
    origin && path.join(origin, '..', 'shared'),
  ];
  for (const c of candidates) {
    if (c && fs.existsSync(path.join(c, 'compat', 'run-lb3-tests.sh'))) return path.join(c, 'compat');
  }
  throw new Error('compat: ../shared/compat not found (set LOOPLINE_SHARED to the folder holding compat/)');
}

function referenceCounts(shared) {
  const counts = new Map();
  for (const line of fs.readFileSync(path.join(shared, 'lb3-reference.txt'), 'utf8').split('\n')) {
    const m = /^(\S+\.js): (\d+) passing/.exec(line);
    if (m) counts.set(m[1], Number(m[2]));
  }
  return counts;
}

function readJson(file, fallback) {
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : fallback;
}

function writeSorted(file, record) {
  const sorted = {};
  for (const k of Object.keys(record).sort()) sorted[k] = record[k];
  fs.writeFileSync(file, JSON.stringify(sorted, null, 2) + '\n');
}

/** Runs mocha in `cwd` with the compat reporter; returns the keyed titles of the passing tests. */
function runMocha(cwd, key, mochaArgs, timeoutSeconds, work) {
  const safe = key.replace(/[^\w.-]+/g, '_');
  const jsonl = path.join(work, 'out', `ratchet.${safe}.jsonl`);
  const out = path.join(work, 'out', `ratchet.${safe}.out`);
  fs.rmSync(jsonl, { force: true });
  const fd = fs.openSync(out, 'w');
  const res = spawnSync(
    path.join(cwd, 'node_modules', '.bin', 'mocha'),
    ['-R', path.join(here, 'reporter.js'), ...mochaArgs],
    {
      cwd,
      env: { ...process.env, COMPAT_RESULTS: jsonl },
      stdio: ['ignore', fd, fd],
      timeout: timeoutSeconds * 1000,
      killSignal: 'SIGKILL',
    },
  );
  fs.closeSync(fd);
  if (res.error && res.error.code === 'ETIMEDOUT')
    fs.appendFileSync(out, `\n[compat] killed after ${timeoutSeconds}s\n`);
  return ratchet.passedTitles(fs.existsSync(jsonl) ? fs.readFileSync(jsonl, 'utf8') : '');
}

function bash(script, args, work) {
  const res = spawnSync('bash', [script, ...args], {
    env: { ...process.env, COMPAT_WORK: work },
    encoding: 'utf8',
  });
  if (res.status !== 0)
    throw new Error(`compat: ${path.basename(script)} failed:\n${res.stdout}${res.stderr}`);
  return res.stdout;
}

/** The LB3 twin tree of run-lb3-tests.sh, laid out (and the snapshot installed) by running one small file. */
function prepareLb3(shared, work) {
  bash(path.join(shared, 'run-lb3-tests.sh'), [root, 'memory.test.js'], work);
  const twin = path.join(work, 'impl');
  if (!fs.existsSync(path.join(twin, 'index.js'))) throw new Error(`compat: ${twin} was not laid out`);
  return twin;
}

/** An example app installed by run-examples.sh, with loopback/loopback-boot re-exporting loopline. */
function prepareExample(shared, work, name) {
  const dir = path.join(work, 'examples', name);
  if (!fs.existsSync(path.join(dir, '.installed')))
    bash(path.join(shared, 'run-examples.sh'), [root, name], work);
  for (const [mod, body] of [
    ['loopback', `module.exports = require('${root}');`],
    ['loopback-boot', `const l = require('${root}'); module.exports = l.boot || require('${root}/boot');`],
  ]) {
    const m = path.join(dir, 'node_modules', mod);
    fs.rmSync(m, { recursive: true, force: true });
    fs.mkdirSync(m, { recursive: true });
    fs.writeFileSync(path.join(m, 'index.js'), body + '\n');
  }
  return dir;
}

function main(argv) {
  const update = argv.includes('--update') || argv.includes('--rewrite');
  const rewrite = argv.includes('--rewrite');
  const wanted = argv.filter((a) => !a.startsWith('--'));
  const shared = sharedDir();
  const work = process.env.COMPAT_WORK || path.join(os.tmpdir(), 'loopline-compat-ratchet');
  fs.mkdirSync(path.join(work, 'out'), { recursive: true });
  if (!fs.existsSync(path.join(root, 'dist', 'index.js')))
    throw new Error('compat: run `npm run build` first');

  const reference = referenceCounts(shared);
  const lb3Files = [...reference.keys()];
  const exampleKeys = Object.keys(EXAMPLES).map((n) => `examples/${n}`);
  const all = [...lb3Files, ...exampleKeys];
  const selected =
    wanted.length === 0
      ? all
      : all.filter((k) => wanted.includes(k) || (wanted.includes('examples') && k.startsWith('examples/')));
  const unknown = wanted.filter((w) => w !== 'examples' && !all.includes(w));
  if (unknown.length) throw new Error(`compat: unknown file(s): ${unknown.join(', ')}`);

  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const expected = readJson(EXPECTED, { failures: [] }).failures;
  const problems = ratchet.expectedFailureProblems(expected, ratchet.deliberateDifferenceRows(readme));
  const record = readJson(PASSING, {});

  let twin = null;
  const run = (key) => {
    if (key.startsWith('examples/')) {
      const dir = prepareExample(shared, work, key.slice('examples/'.length));
      return runMocha(dir, key, ['test'], 180, work);
    }
    twin = twin || prepareLb3(shared, work);
    return runMocha(
      twin,
      key,
      ['--require', './test/helpers/use-english', '--timeout', '10000', '--exit', `test/${key}`],
      300,
      work,
    );
  };

  const failures = [...problems];
  let totalNow = 0;
  let totalRef = 0;
  let totalGained = 0;
  console.log(`${'file'.padEnd(40)} ${'now'.padStart(4)} ${'rec'.padStart(4)} ${'LB3'.padStart(4)}  new`);
  for (const key of selected) {
    const recorded = record[key] || [];
    let passing = run(key);
    let { regressed } = ratchet.compare(recorded, passing);
    if (regressed.length) {
      // A test must fail twice in a row to count as lost: a few LB3 tests depend on timing.
      passing = [...new Set([...passing, ...run(key)])];
      regressed = ratchet.compare(recorded, passing).regressed;
    }
    const { gained } = ratchet.compare(recorded, passing);
    const ref = key.startsWith('examples/') ? EXAMPLES[key.slice('examples/'.length)] : reference.get(key);
    totalNow += passing.length;
    totalRef += ref;
    totalGained += gained.length;
    console.log(
      `${key.padEnd(40)} ${String(passing.length).padStart(4)} ${String(recorded.length).padStart(4)} ${String(ref).padStart(4)}  ${gained.length ? '+' + gained.length : ''}`,
    );
    if (!rewrite) for (const t of regressed) failures.push(`${key}: recorded as passing, now failing: ${t}`);
    const passingSet = new Set(passing);
    for (const e of expected) {
      if (e.file === key && passingSet.has(e.test))
        failures.push(`${key}: listed in expected-failures.json but passes: ${e.test}`);
    }
    if (update) record[key] = ratchet.updatedRecord(recorded, passing, rewrite);
  }
  console.log(
    `${'total'.padEnd(40)} ${String(totalNow).padStart(4)} ${''.padStart(4)} ${String(totalRef).padStart(4)}  ${totalGained ? '+' + totalGained : ''}`,
  );

  if (update) {
    writeSorted(PASSING, record);
    console.log(
      `compat: ${path.relative(root, PASSING)} ${rewrite ? 'rewritten' : 'updated'} for ${selected.length} file(s)`,
    );
  } else if (totalGained) {
    console.log(
      `compat: ${totalGained} test(s) pass that are not recorded; record them with \`npm run compat -- --update\``,
    );
  }
  if (failures.length) {
    console.log(`\ncompat: FAILED\n  ${failures.join('\n  ')}`);
    console.log(`(outputs: ${path.join(work, 'out')}/ratchet.<file>.out)`);
    return 1;
  }
  console.log('compat: ok');
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (err) {
  console.error(err.message);
  process.exitCode = 2;
}
