'use strict';
/**
 * loopline side by side with LoopBack 3 and its peers (hand-written Express 5, Fastify 5,
 * node:http, LoopBack 4, FeathersJS 5, json-server), in one run.
 *
 *   npm run bench                       full run (memory store), every installed peer
 *   npm run bench -- --smoke            under a minute; CI keeps the harness working with it
 *   npm run bench -- --peers express,fastify --only include --rounds 5 --duration 10
 *   npm run bench -- --store postgresql  the HTTP workloads on PostgreSQL (or mysql: MariaDB)
 *   npm run bench -- --cpu-prof         profiles of the loopline server in bench/profiles/
 *
 * Targets are measured interleaved (A B C A B C …) after each answered the workload's check; the
 * server runs pinned to core 0 and the load generator to core 1 where `taskset` exists. Reported:
 * median req/s (or ops/s), p50/p99, the ratios to Express and to Fastify, peak RSS and bytes per
 * stored row after the POST run, and the boot of 100 models to the first 200.
 */
const { spawn, execFileSync } = require('child_process');
const { TARGETS, WORKLOADS, installed } = require('./lib/targets');
const {
  hasTaskset,
  startServer,
  stopServer,
  memorySnapshot,
  peakRssMb,
  request,
  settle,
} = require('./lib/servers');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.join(__dirname, '..');
const args = parseArgs(process.argv.slice(2));
const smoke = !!args.smoke;
const rounds = Number(args.rounds || (smoke ? 1 : 5));
const duration = Number(args.duration || (smoke ? 1 : 8));
const connections = Number(args.connections || 50);
const only = args.only;
// --store postgresql|mysql runs the HTTP workloads on that store (the servers on this machine).
const store = args.store || 'memory';
const STORE_SETTINGS = {
  postgresql: {
    connector: 'postgresql',
    host: '127.0.0.1',
    port: 5432,
    user: 'postgres',
    database: process.env.PGDATABASE || 'test',
  },
  mysql: {
    connector: 'mysql',
    host: '127.0.0.1',
    port: 3306,
    user: 'root',
    password: '',
    database: process.env.MYSQL_DATABASE || 'test',
  },
};
if (store !== 'memory' && !STORE_SETTINGS[store])
  throw new Error(`--store must be memory, postgresql or mysql, not ${store}`);

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) continue;
    const key = a.slice(2);
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--')) out[key] = true;
    else out[key] = argv[++i];
  }
  return out;
}

function requireBenchDeps() {
  if (!fs.existsSync(path.join(__dirname, 'node_modules', 'autocannon'))) {
    console.log('Installing bench dependencies (LB3 and the peers, autocannon) into bench/node_modules …');
    execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: __dirname, stdio: 'inherit' });
  }
  if (!fs.existsSync(path.join(ROOT, 'dist', 'index.js'))) {
    console.log('Building loopline (npm run build) …');
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  }
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
}

// ---------- DAO level ----------
function runDao(target, workload, ms, rows) {
  return new Promise((resolve) => {
    const cmd = hasTaskset ? 'taskset' : process.execPath;
    const argv = [path.join(__dirname, 'dao-worker.js'), target, workload, String(ms), String(rows)];
    const child = spawn(cmd, hasTaskset ? ['-c', '0', process.execPath, ...argv] : argv, {
      cwd: __dirname,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', () => {
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()));
      } catch {
        resolve({ error: (err || out).trim().split('\n').slice(0, 3).join(' ') });
      }
    });
  });
}

async function daoSuite(results) {
  const rows = smoke ? 1000 : 10000;
  const ms = smoke ? 300 : duration * 1000;
  for (const workload of ['findById', 'find', 'create']) {
    if (only && !`dao ${workload}`.includes(only)) continue;
    const samples = { juggler: [], loopline: [] };
    const errors = {};
    for (let r = 0; r < rounds; r++) {
      for (const target of ['juggler', 'loopline']) {
        const res = await runDao(target, workload, ms, rows);
        if (res.error) errors[target] = res.error;
        else samples[target].push(res.opsPerSec);
      }
    }
    const lb3 = median(samples.juggler);
    const ll = median(samples.loopline);
    results.push({
      kind: 'dao',
      workload: `DAO ${workload} (${rows} rows)`,
      unit: 'ops/s',
      targets: { lb3: { rate: lb3, error: errors.juggler }, loopline: { rate: ll, error: errors.loopline } },
      ratioLb3: ll / lb3,
    });
  }
}

// ---------- HTTP ----------
// Every installed target by default; --peers a,b,c picks some (loopline is always measured).
// Decided in main(), after requireBenchDeps(): on a fresh clone the peers are installed only then.
let missing = [];
let names = [];
let notOnStore = [];

function chooseTargets() {
  const available = Object.keys(TARGETS).filter(installed);
  const selected = (() => {
    if (!args.peers) return available;
    const asked = String(args.peers)
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const n of asked)
      if (!TARGETS[n])
        throw new Error(`--peers: unknown target ${n} (known: ${Object.keys(TARGETS).join(', ')})`);
    return Object.keys(TARGETS).filter((n) => n === 'loopline' || asked.includes(n));
  })();
  missing = selected.filter((n) => !available.includes(n));
  names = selected.filter((n) => available.includes(n) && TARGETS[n].stores.includes(store));
  notOnStore = selected.filter((n) => available.includes(n) && !TARGETS[n].stores.includes(store));
}
const wrongAnswers = [];

function serverEnv(name, seedRows, seed, extra = {}) {
  const env = { SEED_ROWS: String(seedRows), ...extra };
  if (store !== 'memory') {
    // The targets share the database: the first one (LB3 or loopline, which boot the shared app
    // and its seed script) creates and seeds the tables.
    Object.assign(env, {
      BENCH_STORE: store,
      BENCH_STORE_SETTINGS: JSON.stringify(STORE_SETTINGS[store]),
      BENCH_SEED: seed ? '1' : '0',
    });
  }
  return env;
}

async function startTargets(seedRows) {
  // The first target alone (on SQL it creates and seeds the tables), then the others together.
  const servers = {};
  const start = async (name) => {
    const nodeArgs =
      args['cpu-prof'] && name === 'loopline'
        ? ['--cpu-prof', '--cpu-prof-dir', path.join(__dirname, 'profiles')]
        : [];
    try {
      servers[name] = await startServer(
        TARGETS[name].server(store),
        serverEnv(name, seedRows, name === names[0]),
        { nodeArgs },
      );
    } catch (err) {
      servers[name] = { error: `${name} did not start: ${err.message}` };
    }
  };
  if (names.length) await start(names[0]);
  await Promise.all(names.slice(1).map(start));
  return servers;
}

async function stopTargets(servers) {
  for (const n of Object.keys(servers))
    await stopServer(servers[n], args['cpu-prof'] && n === 'loopline' ? 'SIGINT' : 'SIGTERM');
}

/** The workload's request on `target`, or a string saying why the target cannot serve it. */
function requestOf(w, target, id) {
  return w.request(target, { id });
}

/** Asks `target` once and checks the answer; returns undefined or what was wrong. */
async function checkAnswer(w, target, server, seedRows) {
  const id = 1 + (7 % seedRows);
  const req = requestOf(w, target, id);
  if (typeof req === 'string') return undefined;
  try {
    const { status, body } = await request(server.port, req);
    w.check(status, body, { id, target, seedRows });
    return undefined;
  } catch (err) {
    return `wrong answer to ${req.method} ${req.path}: ${err.message}`;
  }
}

function loadOnce(port, w, target, seedRows, seconds) {
  const autocannon = require(path.join(__dirname, 'node_modules', 'autocannon'));
  return new Promise((resolve, reject) => {
    let i = 0;
    const first = requestOf(w, target, 1);
    const opts = {
      url: `http://127.0.0.1:${port}`,
      connections,
      duration: seconds,
      headers: { 'content-type': 'application/json' },
      requests: [
        {
          method: first.method,
          body: first.body,
          setupRequest: (req) => ({
            ...req,
            path: w.ids ? requestOf(w, target, 1 + ((i++ * 7919) % seedRows)).path : first.path,
          }),
        },
      ],
    };
    autocannon(opts, (err, res) => (err ? reject(err) : resolve(res)));
  });
}

function workloadLabel(w, seedRows) {
  return `${w.name} (${seedRows} rows${store === 'memory' ? '' : `, ${store}`})`;
}

function ratios(targets) {
  const base = (n) => (targets[n] && Number.isFinite(targets[n].rate) ? targets[n].rate : NaN);
  const out = {};
  for (const [n, t] of Object.entries(targets))
    if (Number.isFinite(t.rate))
      out[n] = { express: t.rate / base('express'), fastify: t.rate / base('fastify') };
  return out;
}

/** Smoke: one server per target, every workload asked once and checked, one short load each. */
async function httpSmoke(results) {
  const seedRows = 100;
  const servers = await startTargets(seedRows);
  try {
    for (const w of WORKLOADS.filter((x) => !only || x.name.includes(only) || x.key === only)) {
      const targets = {};
      for (const n of names) {
        const s = servers[n];
        const why = typeof requestOf(w, n, 1) === 'string' ? requestOf(w, n, 1) : undefined;
        if (s.error) targets[n] = { error: s.error };
        else if (why) targets[n] = { skipped: why };
        else {
          const wrong = await checkAnswer(w, n, s, seedRows);
          targets[n] = wrong ? { error: wrong } : { rate: NaN, checked: true };
          if (wrong) wrongAnswers.push(`${n}: ${wrong}`);
        }
      }
      results.push({
        kind: 'http',
        key: w.key,
        workload: workloadLabel(w, seedRows),
        unit: 'req/s',
        targets,
      });
    }
    // One short load per target, so the load path (autocannon, setupRequest) keeps working.
    const w = WORKLOADS.find((x) => x.key === 'get');
    const row = results.find((r) => r.kind === 'http' && r.key === 'get');
    for (const n of names) {
      if (servers[n].error || !row || row.targets[n].error) continue;
      const res = await loadOnce(servers[n].port, w, n, seedRows, 1);
      Object.assign(row.targets[n], {
        rate: res.requests.average,
        p50: res.latency.p50,
        p99: res.latency.p99,
        non2xx: res.non2xx + res.errors,
      });
    }
    if (row) row.ratios = ratios(row.targets);
  } finally {
    await stopTargets(servers);
  }
}

async function httpSuite(results) {
  const seedRows = 1000;
  const workloads = WORKLOADS.filter((w) => !only || w.name.includes(only) || w.key === only);
  for (const w of workloads) {
    // Fresh servers for every workload, so each one runs on the seeded rows it names and rows
    // created by an earlier workload (POST) never make a later one unequal between targets.
    console.error(`… ${workloadLabel(w, seedRows)}`);
    const servers = await startTargets(seedRows);
    try {
      const targets = {};
      const live = [];
      for (const n of names) {
        const why = requestOf(w, n, 1);
        if (servers[n].error) targets[n] = { error: servers[n].error };
        else if (typeof why === 'string') targets[n] = { skipped: why };
        else {
          const wrong = await checkAnswer(w, n, servers[n], seedRows);
          if (wrong) {
            targets[n] = { error: wrong };
            wrongAnswers.push(`${n}: ${wrong}`);
          } else live.push(n);
        }
      }
      const samples = Object.fromEntries(
        live.map((n) => [n, { rps: [], p50: [], p99: [], non2xx: 0, stored: 0 }]),
      );
      const memBefore = {};
      if (w.key === 'post' && store === 'memory')
        for (const n of live) memBefore[n] = await memorySnapshot(servers[n]);
      for (const n of live) {
        const res = await loadOnce(servers[n].port, w, n, seedRows, 1).catch(() => undefined); // warm-up
        if (res) samples[n].stored += res['2xx'];
        await settle(servers[n]);
      }
      for (let r = 0; r < rounds; r++) {
        for (const n of live) {
          const res = await loadOnce(servers[n].port, w, n, seedRows, duration);
          samples[n].rps.push(res.requests.average);
          samples[n].p50.push(res.latency.p50);
          samples[n].p99.push(res.latency.p99);
          samples[n].non2xx += res.non2xx + res.errors;
          samples[n].stored += res['2xx'];
          // The next target is measured on a quiet core.
          await settle(servers[n]);
        }
      }
      for (const n of live) {
        const t = {
          rate: median(samples[n].rps),
          p50: median(samples[n].p50),
          p99: median(samples[n].p99),
          non2xx: samples[n].non2xx,
          rssMb: peakRssMb(servers[n].child.pid),
        };
        if (memBefore[n]) {
          // Bytes each stored row costs the server: its memory after a full GC, after the POST
          // run minus before it, over the rows it stored (2xx answers).
          const after = await memorySnapshot(servers[n]);
          if (after) {
            t.rowsStored = samples[n].stored;
            t.heapBytesPerRow =
              (after.heapUsed + after.external - memBefore[n].heapUsed - memBefore[n].external) /
              samples[n].stored;
            t.rssBytesPerRow = (after.rss - memBefore[n].rss) / samples[n].stored;
          }
        }
        targets[n] = t;
      }
      results.push({
        kind: 'http',
        key: w.key,
        workload: workloadLabel(w, seedRows),
        unit: 'req/s',
        targets,
        ratios: ratios(targets),
      });
    } finally {
      await stopTargets(servers);
    }
  }
}

// ---------- boot to the first 200 ----------
function makeApp(models) {
  // An LB3 app folder for LB3 and loopline, inside bench/ so both resolve loopback#rest… from
  // bench/node_modules. The peers make the same N models themselves (BENCH_MODELS=N).
  fs.mkdirSync(path.join(__dirname, '.tmp-apps'), { recursive: true });
  const dir = fs.mkdtempSync(path.join(__dirname, '.tmp-apps', `app-${models}-`));
  fs.mkdirSync(path.join(dir, 'server'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'common', 'models'), { recursive: true });
  const write = (f, v) => fs.writeFileSync(path.join(dir, f), JSON.stringify(v, null, 2));
  write('server/config.json', { restApiRoot: '/api', host: '127.0.0.1', port: 0 });
  write('server/datasources.json', { db: { name: 'db', connector: 'memory' } });
  write('server/middleware.json', {
    routes: { 'loopback#rest': { paths: ['${restApiRoot}'] } },
    final: { 'loopback#urlNotFound': {} },
  });
  const config = { _meta: { sources: ['../common/models'], mixins: [] } };
  for (let i = 0; i < models; i++) {
    const name = `Model${i}`;
    const properties = {};
    for (let p = 0; p < 10; p++)
      properties[`field${p}`] = { type: ['string', 'number', 'boolean', 'date'][p % 4], required: p === 0 };
    write(`common/models/model-${i}.json`, {
      name,
      base: 'PersistedModel',
      properties,
      scopes: { recent: { order: 'field3 DESC', limit: 10 } },
    });
    config[name] = { dataSource: 'db', public: true };
  }
  write('server/model-config.json', config);
  return dir;
}

/** From spawning the process to the first 200 on the last model's list route. */
async function bootSuite(results) {
  if (only && !'boot'.includes(only)) return;
  const models = smoke ? 5 : 100;
  console.error(`… boot, ${models} models`);
  const dir = makeApp(models);
  // The smoke run boots loopline only: CI keeps the probe working, every peer's boot is checked
  // by the HTTP smoke already.
  const targetsToBoot = smoke ? names.filter((n) => n === 'loopline') : names;
  const samples = Object.fromEntries(names.map((n) => [n, { ms: [], rss: [] }]));
  const errors = {};
  try {
    for (let r = 0; r < (smoke ? 1 : Math.max(rounds, 3)); r++) {
      for (const n of targetsToBoot) {
        const env =
          n === 'lb3' || n === 'loopline' ? { BENCH_APP_DIR: dir } : { BENCH_MODELS: String(models) };
        let s;
        try {
          // LB3 (and loopline) name a model's REST path by its plural.
          const probePath =
            n === 'lb3' || n === 'loopline' ? `/api/Model${models - 1}s` : `/api/Model${models - 1}`;
          s = await startServer(TARGETS[n].server('memory'), env, { probePath });
          samples[n].ms.push(s.firstOkMs);
          samples[n].rss.push(peakRssMb(s.child.pid));
        } catch (err) {
          errors[n] = err.message.slice(0, 300);
        } finally {
          await stopServer(s);
        }
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const targets = {};
  for (const n of targetsToBoot)
    targets[n] = errors[n]
      ? { error: errors[n] }
      : { rate: median(samples[n].ms), rssMb: median(samples[n].rss) };
  results.push({ kind: 'boot', workload: `boot, ${models} models, to the first 200`, unit: 'ms', targets });
}

// ---------- report ----------
function fmt(n, digits = 0) {
  return Number.isFinite(n)
    ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : 'n/a';
}

function cell(t, render) {
  if (!t) return '—';
  if (t.skipped) return 'not served';
  if (t.error) return 'failed';
  if (t.checked && !Number.isFinite(t.rate)) return 'checked';
  return render(t);
}

function tables(results) {
  const cols = names;
  const head = (first) => [
    `| ${first} | ${cols.map((n) => TARGETS[n].label).join(' | ')} |`,
    `|---|${cols.map(() => '---:').join('|')}|`,
  ];
  const http = results.filter((r) => r.kind === 'http');
  const out = [];
  if (http.length) {
    out.push('Requests per second (median of the rounds):', '', ...head('workload'));
    for (const r of http)
      out.push(
        `| ${r.workload} | ${cols.map((n) => cell(r.targets[n], (t) => fmt(t.rate) + (t.non2xx ? ` (${t.non2xx} non-2xx)` : ''))).join(' | ')} |`,
      );
    if (smoke) return out.join('\n'); // smoke: the checks, and the rates of the short load
    out.push('', 'Ratios: ÷ Express / ÷ Fastify, same run:', '', ...head('workload'));
    for (const r of http)
      out.push(
        `| ${r.workload} | ${cols.map((n) => cell(r.targets[n], () => (r.ratios && r.ratios[n] ? `${fmt(r.ratios[n].express, 2)}× / ${fmt(r.ratios[n].fastify, 2)}×` : 'n/a'))).join(' | ')} |`,
      );
    out.push('', 'Latency p50 / p99 ms:', '', ...head('workload'));
    for (const r of http)
      out.push(
        `| ${r.workload} | ${cols.map((n) => cell(r.targets[n], (t) => `${fmt(t.p50, 1)} / ${fmt(t.p99, 1)}`)).join(' | ')} |`,
      );
    const post = http.find((r) => r.key === 'post');
    if (post && !smoke) {
      out.push('', 'Memory after the POST run (server process):', '', ...head('measure'));
      out.push(
        `| peak RSS MB | ${cols.map((n) => cell(post.targets[n], (t) => fmt(t.rssMb))).join(' | ')} |`,
      );
      if (store === 'memory') {
        out.push(
          `| rows stored | ${cols.map((n) => cell(post.targets[n], (t) => fmt(t.rowsStored))).join(' | ')} |`,
        );
        out.push(
          `| heap bytes per row (after GC) | ${cols.map((n) => cell(post.targets[n], (t) => fmt(t.heapBytesPerRow))).join(' | ')} |`,
        );
        out.push(
          `| RSS bytes per row | ${cols.map((n) => cell(post.targets[n], (t) => fmt(t.rssBytesPerRow))).join(' | ')} |`,
        );
      }
    }
  }
  for (const r of results.filter((x) => x.kind === 'boot')) {
    out.push('', `${r.workload} (ms, median; peak RSS MB):`, '', ...head('boot'));
    out.push(
      `| ${r.workload} | ${cols.map((n) => cell(r.targets[n], (t) => `${fmt(t.rate)} ms, ${fmt(t.rssMb)} MB`)).join(' | ')} |`,
    );
  }
  const dao = results.filter((x) => x.kind === 'dao');
  if (dao.length) {
    out.push(
      '',
      'DAO level, in-process (ops/s):',
      '',
      '| workload | LB3 (juggler) | loopline | loopline ÷ LB3 |',
      '|---|---:|---:|---:|',
    );
    for (const r of dao)
      out.push(
        `| ${r.workload} | ${fmt(r.targets.lb3.rate)} | ${fmt(r.targets.loopline.rate)} | ${fmt(r.ratioLb3, 2)}× |`,
      );
  }
  return out.join('\n');
}

async function main() {
  requireBenchDeps();
  chooseTargets();
  const t0 = Date.now();
  const results = [];
  // DAO and boot figures are the memory store's; --store runs the HTTP workloads only.
  if (
    store === 'memory' &&
    (!only || only.startsWith('dao') || ['findById', 'find', 'create'].some((w) => only === w))
  )
    await daoSuite(results);
  if (smoke) await httpSmoke(results);
  else await httpSuite(results);
  if (store === 'memory') await bootSuite(results);
  const machine = {
    cpu: os.cpus()[0] && os.cpus()[0].model,
    cores: os.cpus().length,
    loadavg: os.loadavg().map((x) => Number(x.toFixed(2))),
    node: process.version,
    taskset: hasTaskset,
  };
  const md = tables(results);
  const command = `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim();
  console.log(
    `\nMachine: ${machine.cpu}, ${machine.cores} cores, load average ${machine.loadavg.join(' ')} at the end, Node ${machine.node}${hasTaskset ? ', servers on core 0, load on core 1' : ''}`,
  );
  console.log(`Command: ${command}`);
  console.log(
    `Targets: ${names.join(', ')}${missing.length ? `; not installed: ${missing.join(', ')}` : ''}${notOnStore.length ? `; not on ${store}: ${notOnStore.join(', ')}` : ''}`,
  );
  console.log(
    `Rounds: ${smoke ? 'smoke: every workload checked once per target, 1 s of load on get by id' : `${rounds} × ${duration}s, ${connections} connections`}; ${Math.round((Date.now() - t0) / 1000)} s\n`,
  );
  console.log(md);
  for (const r of results)
    for (const [n, t] of Object.entries(r.targets))
      if (t && (t.error || t.skipped))
        console.log(`\n${n} on ${r.workload}: ${t.error || `not run: ${t.skipped}`}`);
  if (!smoke) {
    // A full run is the day's record; a partial one (--only, --peers) is kept beside it, never over it.
    const stamp = new Date().toISOString().slice(0, 10);
    const suffix =
      '-peers' +
      (store !== 'memory' ? `-${store}` : '') +
      (only ? `-${String(only).replace(/[^a-zA-Z0-9]+/g, '_')}` : '') +
      (args.peers ? `-${names.join('_')}` : '');
    const file = path.join(__dirname, 'results', `${stamp}${suffix}.json`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(
      file,
      JSON.stringify(
        {
          date: new Date().toISOString(),
          command,
          machine,
          rounds,
          duration,
          connections,
          store,
          targets: names,
          results,
          markdown: md,
        },
        null,
        2,
      ),
    );
    console.log(`\nSaved ${path.relative(ROOT, file)}`);
  }
  // Fails when loopline failed anywhere, or any target started but answered a workload wrongly.
  const failed =
    results.some((r) => r.targets.loopline && r.targets.loopline.error) ||
    wrongAnswers.length > 0 ||
    results.some((r) => Object.values(r.targets).some((t) => t && t.error && smoke));
  if (wrongAnswers.length) console.log(`\nWrong answers:\n${wrongAnswers.join('\n')}`);
  process.exit(failed ? 1 : 0);
}

if (hasTaskset) {
  try {
    execFileSync('taskset', ['-cp', '1', String(process.pid)], { stdio: 'ignore' });
  } catch {
    // best effort
  }
}
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
