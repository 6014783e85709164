'use strict';
/**
 * loopline side by side with LoopBack 3 and a bare Express baseline, in one run.
 *
 *   npm run bench                       full run (memory store)
 *   npm run bench -- --smoke            a few seconds; CI keeps the harness working with it
 *   npm run bench -- --only get --rounds 5 --duration 10 --connections 50
 *   npm run bench -- --cpu-prof         profiles of the loopline server in bench/profiles/
 *
 * Targets are measured interleaved (A B C A B C …); the server runs pinned to core 0 and the load
 * generator to core 1 where `taskset` exists. Reported: median req/s (or ops/s), p50/p99 latency,
 * peak RSS, and the ratios loopline ÷ LB3 and loopline ÷ baseline.
 */
const { spawn, execFileSync } = require('child_process');
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
  postgresql: { connector: 'postgresql', host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' },
  mysql: { connector: 'mysql', host: '127.0.0.1', port: 3306, user: 'root', password: '', database: 'test' },
};
if (store !== 'memory' && !STORE_SETTINGS[store]) throw new Error(`--store must be memory, postgresql or mysql, not ${store}`);

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
    console.log('Installing bench dependencies (LB3, Express, autocannon) into bench/node_modules …');
    execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: __dirname, stdio: 'inherit' });
  }
  if (!fs.existsSync(path.join(ROOT, 'dist', 'index.js'))) {
    console.log('Building loopline (npm run build) …');
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  }
}

const hasTaskset = (() => {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return os.cpus().length > 1;
  } catch {
    return false;
  }
})();

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
}

function peakRssMb(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /VmHWM:\s+(\d+) kB/.exec(status);
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

// ---------- DAO level ----------
function runDao(target, workload, ms, rows) {
  return new Promise((resolve) => {
    const cmd = hasTaskset ? 'taskset' : process.execPath;
    const argv = [path.join(__dirname, 'dao-worker.js'), target, workload, String(ms), String(rows)];
    const child = spawn(cmd, hasTaskset ? ['-c', '0', process.execPath, ...argv] : argv, { cwd: __dirname, stdio: ['ignore', 'pipe', 'pipe'] });
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
const SERVERS = {
  lb3: path.join(__dirname, 'apps', 'lb3', 'server.js'),
  loopline: path.join(__dirname, 'apps', 'loopline', 'server.js'),
  express: path.join(__dirname, 'apps', store === 'memory' ? 'express' : 'express-sql', 'server.js'),
};

function startServer(name, port, seedRows, seed = true) {
  return new Promise((resolve, reject) => {
    const nodeArgs = [];
    if (args['cpu-prof'] && name === 'loopline') nodeArgs.push('--cpu-prof', '--cpu-prof-dir', path.join(__dirname, 'profiles'));
    const argv = [...nodeArgs, SERVERS[name]];
    const env = { ...process.env, PORT: String(port), SEED_ROWS: String(seedRows), NODE_ENV: 'production' };
    if (store !== 'memory') {
      // The targets share the database: the first one creates and seeds the tables.
      Object.assign(env, { BENCH_STORE: store, BENCH_STORE_SETTINGS: JSON.stringify(STORE_SETTINGS[store]), BENCH_SEED: seed ? '1' : '0' });
    }
    const child = hasTaskset ? spawn('taskset', ['-c', '0', process.execPath, ...argv], { env, stdio: ['ignore', 'pipe', 'pipe'] }) : spawn(process.execPath, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const started = Date.now();
    let log = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not start: ${log}`));
    }, 30000);
    child.stdout.on('data', (d) => {
      log += d;
      if (/READY/.test(log)) {
        clearTimeout(timer);
        resolve({ child, name, port, bootMs: Date.now() - started });
      }
    });
    child.stderr.on('data', (d) => (log += d));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code}): ${log.slice(0, 500)}`));
    });
  });
}

function stopServer(s) {
  return new Promise((resolve) => {
    if (!s || !s.child || s.child.exitCode !== null) return resolve();
    s.child.removeAllListeners('exit');
    s.child.once('exit', resolve);
    s.child.kill(args['cpu-prof'] ? 'SIGINT' : 'SIGTERM');
    setTimeout(() => {
      s.child.kill('SIGKILL');
      resolve();
    }, 5000);
  });
}

const HTTP_WORKLOADS = [
  { name: 'GET /api/Todos?filter={"limit":20}', method: 'GET', path: '/api/Todos?filter=' + encodeURIComponent('{"limit":20}') },
  { name: 'GET /api/Todos/{id}', method: 'GET', path: '/api/Todos/', ids: true },
  { name: 'POST /api/Todos', method: 'POST', path: '/api/Todos', body: JSON.stringify({ title: 'bench', done: false, priority: 42 }) },
  {
    name: 'GET where+order+limit',
    method: 'GET',
    path: '/api/Todos?filter=' + encodeURIComponent('{"where":{"priority":{"gt":50}},"order":"priority DESC","limit":20}'),
  },
  { name: 'PATCH /api/Todos/{id}', method: 'PATCH', path: '/api/Todos/', ids: true, body: JSON.stringify({ done: true }) },
  { name: 'GET /api/Todos/count', method: 'GET', path: '/api/Todos/count' },
  {
    name: 'GET include hasMany (100 customers × 10 orders)',
    method: 'GET',
    path: '/api/Customers?filter=' + encodeURIComponent('{"include":"orders","limit":20}'),
  },
];

function loadOnce(port, w, seedRows) {
  const autocannon = require(path.join(__dirname, 'node_modules', 'autocannon'));
  return new Promise((resolve, reject) => {
    let i = 0;
    const opts = {
      url: `http://127.0.0.1:${port}`,
      connections,
      duration,
      headers: { 'content-type': 'application/json' },
      requests: [
        {
          method: w.method,
          body: w.body,
          setupRequest: (req) => ({ ...req, path: w.ids ? `${w.path}${1 + ((i++ * 7919) % seedRows)}` : w.path }),
        },
      ],
    };
    autocannon(opts, (err, res) => (err ? reject(err) : resolve(res)));
  });
}

async function httpSuite(results, boots) {
  const seedRows = smoke ? 100 : 1000;
  const workloads = HTTP_WORKLOADS.filter((w) => !only || w.name.includes(only)).slice(0, smoke ? 2 : undefined);
  if (!workloads.length) return;
  const names = ['lb3', 'loopline', 'express'];
  let port = 4100;
  for (const w of workloads) {
    // Fresh servers for every workload, so each one runs on the seeded rows it names and rows
    // created by an earlier workload (POST) never make a later one unequal between targets.
    const servers = {};
    try {
      for (const name of names) {
        try {
          servers[name] = await startServer(name, port++, seedRows, name === names[0]);
          if (w === workloads[0]) boots.push({ target: name, models: 1, bootMs: servers[name].bootMs });
        } catch (err) {
          servers[name] = { error: err.message };
        }
      }
      const samples = Object.fromEntries(names.map((n) => [n, { rps: [], p50: [], p99: [], errors: 0 }]));
      for (const n of names) if (servers[n].child) await loadOnce(servers[n].port, { ...w, duration: 1 }, seedRows).catch(() => undefined); // warm-up
      for (let r = 0; r < rounds; r++) {
        for (const n of names) {
          if (!servers[n].child) continue;
          const res = await loadOnce(servers[n].port, w, seedRows);
          samples[n].rps.push(res.requests.average);
          samples[n].p50.push(res.latency.p50);
          samples[n].p99.push(res.latency.p99);
          samples[n].errors += res.non2xx + res.errors;
        }
      }
      const targets = {};
      for (const n of names) {
        targets[n] = servers[n].child
          ? { rate: median(samples[n].rps), p50: median(samples[n].p50), p99: median(samples[n].p99), non2xx: samples[n].errors, rssMb: peakRssMb(servers[n].child.pid) }
          : { error: servers[n].error };
      }
      results.push({
        kind: 'http',
        workload: `${w.name} (${seedRows} rows${store === 'memory' ? '' : `, ${store}`})`,
        unit: 'req/s',
        targets,
        ratioLb3: targets.loopline.rate / targets.lb3.rate,
        ratioBaseline: targets.loopline.rate / targets.express.rate,
      });
    } finally {
      for (const n of names) await stopServer(servers[n]);
    }
  }
}

// ---------- boot time and memory ----------
function makeApp(models) {
  // Inside bench/ so both frameworks resolve their modules (loopback#rest…) from bench/node_modules.
  fs.mkdirSync(path.join(__dirname, '.tmp-apps'), { recursive: true });
  const dir = fs.mkdtempSync(path.join(__dirname, '.tmp-apps', `app-${models}-`));
  fs.mkdirSync(path.join(dir, 'server'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'common', 'models'), { recursive: true });
  const write = (f, v) => fs.writeFileSync(path.join(dir, f), JSON.stringify(v, null, 2));
  write('server/config.json', { restApiRoot: '/api', host: '127.0.0.1', port: 0 });
  write('server/datasources.json', { db: { name: 'db', connector: 'memory' } });
  write('server/middleware.json', { routes: { 'loopback#rest': { paths: ['${restApiRoot}'] } }, final: { 'loopback#urlNotFound': {} } });
  const config = { _meta: { sources: ['../common/models'], mixins: [] } };
  for (let i = 0; i < models; i++) {
    const name = `Model${i}`;
    const properties = {};
    for (let p = 0; p < 10; p++) properties[`field${p}`] = { type: ['string', 'number', 'boolean', 'date'][p % 4], required: p === 0 };
    write(`common/models/model-${i}.json`, { name, base: 'PersistedModel', properties, scopes: { recent: { order: 'field3 DESC', limit: 10 } } });
    config[name] = { dataSource: 'db', public: true };
  }
  write('server/model-config.json', config);
  return dir;
}

function probeBoot(target, dir) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(__dirname, 'boot-probe.js'), target, dir], { cwd: __dirname, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', () => {
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()));
      } catch {
        resolve({ error: (err || out).trim().slice(0, 300) });
      }
    });
  });
}

async function bootSuite(results) {
  for (const models of smoke ? [5] : [5, 100]) {
    if (only && !'boot'.includes(only)) continue;
    const dir = makeApp(models);
    const samples = { lb3: [], loopline: [] };
    const rss = { lb3: [], loopline: [] };
    const errors = {};
    try {
      for (let r = 0; r < Math.max(rounds, 3); r++) {
        for (const target of ['lb3', 'loopline']) {
          const res = await probeBoot(target, dir);
          if (res.error) errors[target] = res.error;
          else {
            samples[target].push(res.bootMs);
            rss[target].push(res.rssMb);
          }
        }
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const t = (n) => (errors[n] ? { error: errors[n] } : { rate: median(samples[n]), rssMb: median(rss[n]) });
    results.push({ kind: 'boot', workload: `boot, ${models} models`, unit: 'ms; lower is better', targets: { lb3: t('lb3'), loopline: t('loopline') }, ratioLb3: median(samples.lb3) / median(samples.loopline) });
  }
}

function fmt(n, digits = 0) {
  return Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : 'n/a';
}

function table(results) {
  const lines = ['| workload | LB3 | loopline | Express baseline | loopline ÷ LB3 | loopline ÷ baseline | p50 / p99 ms (loopline) | peak RSS MB (LB3 / loopline / Express) |', '|---|---:|---:|---:|---:|---:|---:|---:|'];
  for (const r of results) {
    const t = r.targets;
    const rate = (x) => (x ? (x.error ? 'n/a' : fmt(x.rate)) : '—');
    const ll = t.loopline || {};
    const rssCell = r.kind === 'http' ? [t.lb3, t.loopline, t.express].map((x) => fmt(x && x.rssMb)).join(' / ') : r.kind === 'boot' ? [t.lb3, t.loopline].map((x) => fmt(x && x.rssMb)).join(' / ') : '—';
    lines.push(
      `| ${r.workload} (${r.unit}) | ${rate(t.lb3)} | ${rate(t.loopline)} | ${rate(t.express)} | ${fmt(r.ratioLb3, 2)}×${r.kind === 'boot' ? ' faster' : ''} | ${r.ratioBaseline === undefined ? '—' : fmt(r.ratioBaseline, 2) + '×'} | ${r.kind === 'http' ? `${fmt(ll.p50, 1)} / ${fmt(ll.p99, 1)}` : '—'} | ${rssCell} |`,
    );
  }
  return lines.join('\n');
}

async function main() {
  requireBenchDeps();
  const results = [];
  const boots = [];
  // DAO and boot figures are the memory store's; --store runs the HTTP workloads only.
  if (store === 'memory' && (!only || only.startsWith('dao') || ['findById', 'find', 'create'].some((w) => only === w))) await daoSuite(results);
  await httpSuite(results, boots);
  if (store === 'memory') await bootSuite(results);
  const machine = { cpu: os.cpus()[0] && os.cpus()[0].model, cores: os.cpus().length, node: process.version, taskset: hasTaskset };
  const md = table(results);
  console.log(`\nMachine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}${hasTaskset ? ', server on core 0, load on core 1' : ''}`);
  console.log(`Rounds: ${rounds} × ${duration}s, ${connections} connections${smoke ? ' (smoke)' : ''}\n`);
  console.log(md);
  for (const r of results) for (const [n, t] of Object.entries(r.targets)) if (t && t.error) console.log(`\n${n} on ${r.workload}: ${t.error}`);
  if (!smoke) {
    // A full run is the day's record; a partial one (--only) is kept beside it, never over it.
    const stamp = new Date().toISOString().slice(0, 10);
    const suffix = (store !== 'memory' ? `-${store}` : '') + (only ? `-${String(only).replace(/[^a-zA-Z0-9]+/g, '_')}` : '');
    const file = path.join(__dirname, 'results', `${stamp}${suffix}.json`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), machine, rounds, duration, connections, results, boots }, null, 2));
    console.log(`\nSaved ${path.relative(ROOT, file)}`);
  }
  const failed = results.some((r) => r.targets.loopline && r.targets.loopline.error);
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
