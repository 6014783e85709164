'use strict';
/* global fetch */
// Starting, probing and stopping bench servers. Each server runs pinned to core 0 (when taskset
// exists) with mem-probe.js preloaded, listens on a free port it reports as `READY … <port>`.
const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const BENCH = path.join(__dirname, '..');
const MEM_PROBE = path.join(BENCH, 'apps', 'shared', 'mem-probe.js');

const hasTaskset = (() => {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return os.cpus().length > 1;
  } catch {
    return false;
  }
})();

/**
 * Starts `script` with `env`; resolves {child, port, bootMs, firstOkMs?} once it printed READY
 * (and, with `probePath`, once that path first answered 200: the boot-to-first-200 time).
 */
function startServer(script, env, { nodeArgs = [], probePath, timeoutMs = 60000 } = {}) {
  return new Promise((resolve, reject) => {
    const argv = ['--expose-gc', '-r', MEM_PROBE, ...nodeArgs, script];
    const fullEnv = { ...process.env, PORT: '0', NODE_ENV: 'production', ...env };
    const started = Date.now();
    const child = hasTaskset
      ? spawn('taskset', ['-c', '0', process.execPath, ...argv], {
          env: fullEnv,
          stdio: ['ignore', 'pipe', 'pipe'],
        })
      : spawn(process.execPath, argv, { env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    let ready = false;
    const memWaiters = [];
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`did not start in ${timeoutMs} ms: ${log.slice(-500)}`));
    }, timeoutMs);
    child.stdout.on('data', (d) => {
      const text = String(d);
      for (const line of text.split('\n')) {
        if (line.startsWith('BENCH_MEM ') && memWaiters.length)
          memWaiters.shift()(JSON.parse(line.slice(10)));
      }
      if (ready) return;
      log += text;
      const m = /READY[^\n]*?(\d+)\D*$/m.exec(log);
      if (!m) return;
      ready = true;
      const s = { child, port: Number(m[1]), bootMs: Date.now() - started, memWaiters };
      if (!probePath) {
        clearTimeout(timer);
        return resolve(s);
      }
      const poll = async () => {
        try {
          const res = await fetch(`http://127.0.0.1:${s.port}${probePath}`);
          await res.arrayBuffer();
          if (res.status === 200) {
            clearTimeout(timer);
            return resolve({ ...s, firstOkMs: Date.now() - started });
          }
        } catch {
          // not answering yet
        }
        setTimeout(poll, 10);
      };
      poll();
    });
    child.stderr.on('data', (d) => (log += d));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited (${code}): ${log.slice(0, 500)}`));
    });
  });
}

function stopServer(s, signal = 'SIGTERM') {
  return new Promise((resolve) => {
    if (!s || !s.child || s.child.exitCode !== null) return resolve();
    s.child.removeAllListeners('exit');
    const timer = setTimeout(() => {
      s.child.kill('SIGKILL');
      resolve();
    }, 5000);
    s.child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    s.child.kill(signal);
  });
}

/** Memory the server holds after a full GC, as the server itself reports it (mem-probe.js). */
function memorySnapshot(s) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), 10000);
    s.memWaiters.push((m) => {
      clearTimeout(timer);
      resolve(m);
    });
    s.child.kill('SIGUSR2');
  });
}

/** Peak resident set (VmHWM) of the server so far, in MB. */
function peakRssMb(pid) {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** CPU time (user + system) the process has used, in clock ticks; NaN where /proc is not there. */
function cpuTicks(pid) {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return NaN;
  }
}

/**
 * Resolves once the server has gone quiet after a load: a server still working through the
 * requests queued when the load generator stopped (or collecting their garbage) shares core 0
 * with the next target measured, and would be counted against it. Waits for a 100 ms window with
 * at most one clock tick of CPU, 10 s at most.
 */
async function settle(s) {
  const pid = s && s.child && s.child.pid;
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  if (!pid || Number.isNaN(cpuTicks(pid))) return sleep(100);
  const until = Date.now() + 10000;
  let before = cpuTicks(pid);
  while (Date.now() < until) {
    await sleep(100);
    const now = cpuTicks(pid);
    if (!(now - before > 1)) return;
    before = now;
  }
}

/** One request; resolves {status, body} (body parsed as JSON when it is JSON). */
async function request(port, { method, path: p, body }) {
  const res = await fetch(`http://127.0.0.1:${port}${p}`, {
    method,
    body,
    headers: body ? { 'content-type': 'application/json' } : {},
  });
  const text = await res.text();
  let parsed;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  return { status: res.status, body: parsed };
}

module.exports = { hasTaskset, startServer, stopServer, memorySnapshot, peakRssMb, request, settle };
