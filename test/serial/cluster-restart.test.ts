import { spawn } from 'child_process';
import path from 'path';
import { describeStore, STORES } from '../connectors/stores';
import { makeOpsApp } from '../support/ops-app';
import { startApp } from '../support/spawn-app';
import { alive, getStatus, sleep } from './load';

/** The pids in the request lines (`LOOPLINE_REQUEST_LOG=1`, `req.url`) of `path`, from `output`. */
function servingPids(output: string, path: string): number[] {
  const pids = output
    .split('\n')
    .filter((l) => l.startsWith('{') && l.includes(`"url":"${path}"`))
    .map((l) => (JSON.parse(l) as { pid: number }).pid);
  return [...new Set(pids)];
}

const postgresql = STORES.find((s) => s.name === 'postgresql')!;

/**
 * A worker the OS kills outright (SIGKILL: no drain, no goodbye) is replaced by a new process on
 * the same port, while the other worker keeps serving. `/ready` pings PostgreSQL through the
 * answering worker's own pool, so every 200 here is a round trip to the shared store.
 */
describeStore(postgresql, () => {
  const app = makeOpsApp({ dataSource: postgresql.settings });
  afterAll(() => app.remove());

  it('replaces a worker killed with SIGKILL; the new pid serves and every request after recovery is 200', async () => {
    const running = await startApp(path.join(app.dir, 'server'), {
      cwd: app.dir,
      env: { WEB_CONCURRENCY: '2', LOOPLINE_REQUEST_LOG: '1' },
    });
    const seen = new Set<number>();
    try {
      for (let i = 0; i < 100 && (running.output().match(/listening at/g) ?? []).length < 2; i++)
        await sleep(100);
      const first = await Promise.all(Array.from({ length: 20 }, () => getStatus(`${running.url}/ready`)));
      expect(new Set(first)).toEqual(new Set([200]));
      await sleep(200);
      const [killed, survivor] = servingPids(running.output(), '/ready');
      expect(servingPids(running.output(), '/ready')).toHaveLength(2);
      for (const pid of [killed, survivor]) seen.add(pid);

      process.kill(killed, 'SIGKILL');
      const killedAt = Date.now();
      // Until a third pid answers: one request at a time, each on a new connection. One sent as
      // the worker dies may be lost with it (Node's primary can hand the connection to the dead
      // worker before it learns of the death), hence the short timeout here and only here.
      let replacement: number | undefined;
      while (replacement === undefined && Date.now() - killedAt < 8000) {
        await getStatus(`${running.url}/ready`, 1000);
        replacement = servingPids(running.output(), '/ready').find(
          (pid) => pid !== killed && pid !== survivor,
        );
        if (replacement === undefined) await sleep(50);
      }
      const recoveredIn = Date.now() - killedAt;
      expect(replacement).toBeDefined();
      seen.add(replacement!);
      expect(recoveredIn).toBeLessThan(5000);
      expect(alive(killed)).toBe(false);
      expect(replacement).not.toBe(running.child.pid);
      expect(running.output()).toMatch(
        new RegExp(`worker ${killed} exited \\(SIGKILL\\)[^\\n]*; replacing it`),
      );
      expect(running.output()).toContain(`worker ${replacement} started in place of worker ${killed}`);

      const before = running.output().length;
      const after = await Promise.all(Array.from({ length: 40 }, () => getStatus(`${running.url}/ready`)));
      expect(after).toEqual(Array.from({ length: 40 }, () => 200));
      await sleep(200);
      // Both live workers take the load; the dead one is gone from the rotation.
      expect(servingPids(running.output().slice(before), '/ready').sort()).toEqual(
        [survivor, replacement!].sort(),
      );

      running.child.kill('SIGTERM');
      expect(await running.exited).toEqual({ code: 0, signal: null });
      expect([...seen].filter(alive)).toEqual([]);
    } finally {
      for (const pid of [...seen].filter(alive)) process.kill(pid, 'SIGKILL');
      await running.stop();
    }
  }, 30000);
});

/**
 * `node server` in the app folder, without waiting for it to listen (these apps never do). Each
 * whole line of output is kept with the time it arrived, so a test can measure gaps between them.
 */
function spawnServer(dir: string, env: Record<string, string>) {
  const child = spawn(process.execPath, [path.join(dir, 'server')], {
    cwd: dir,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const lines: { at: number; text: string }[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    let partial = '';
    stream.on('data', (c: Buffer) => {
      out += c.toString();
      const parts = (partial + c.toString()).split('\n');
      partial = parts.pop()!;
      for (const text of parts) lines.push({ at: Date.now(), text });
    });
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, output: () => out, lines };
}

/**
 * A worker that dies while booting (here: a boot script throws) would be replaced at once, die
 * again, and so on: a fork loop that burns the CPU and floods the log. The primary waits before
 * each replacement of a worker that died young, twice as long each time.
 */
describe('an app that cannot boot', () => {
  const app = makeOpsApp({ dataSource: { connector: 'memory' } });
  afterAll(() => app.remove());

  it('ends its process with code 1 when server.js rethrows the boot error, as with loopback-boot', async () => {
    const server = spawnServer(app.dir, { OPS_BOOT_FAIL: '1' });
    try {
      const exit = await Promise.race([server.exited, sleep(5000).then(() => 'still running')]);
      expect(exit).toEqual({ code: 1, signal: null });
      expect(server.output()).toContain('Error: ops boot script failed (OPS_BOOT_FAIL is set)');
      expect(server.output()).not.toContain('listening at');
    } finally {
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
    }
  }, 10000);

  it('with WEB_CONCURRENCY=2: backs off between restarts instead of forking in a loop, and stops at once on SIGTERM', async () => {
    const server = spawnServer(app.dir, { WEB_CONCURRENCY: '2', OPS_BOOT_FAIL: '1' });
    const out = server.output;
    // Every worker that ever ran: each one that died, each one started in its place.
    const workerPids = () => [...out().matchAll(/worker (\d+) (?:exited|started)/g)].map((m) => Number(m[1]));
    const diedPids = () => [...out().matchAll(/worker (\d+) exited/g)].map((m) => Number(m[1]));
    try {
      await sleep(4000);
      expect(server.child.exitCode).toBeNull();
      expect(out()).toContain('ops boot script failed (OPS_BOOT_FAIL is set)');
      const deaths = server.lines.flatMap(({ at, text }) => {
        const m = /worker (\d+) exited \(1\) \d+ ms after it started; replacing it in (\d+) ms/.exec(text);
        return m ? [{ at, pid: m[1], delay: Number(m[2]) }] : [];
      });
      // Each early death doubles the wait, from 100 ms: a handful of forks in 4 s, not dozens
      // (a worker of this app dies some 300-800 ms after its fork, so no wait would mean 10-25).
      expect(deaths.length).toBeGreaterThanOrEqual(2);
      expect(deaths.length).toBeLessThanOrEqual(8);
      expect(deaths.map((d) => d.delay)).toEqual(
        [100, 200, 400, 800, 1600, 3200, 5000, 5000].slice(0, deaths.length),
      );
      expect(diedPids()).toHaveLength(deaths.length);
      // And the primary does wait that long before each replacement.
      const replaced = deaths.flatMap((d) => {
        // The primary logs JSON lines (pino): the message is inside one.
        const replacing = new RegExp(`started in place of worker ${d.pid}\\b`);
        const started = server.lines.find(({ text }) => replacing.test(text));
        return started ? [{ ...d, waited: started.at - d.at }] : [];
      });
      expect(replaced.length).toBeGreaterThanOrEqual(1);
      for (const r of replaced) expect(r.waited).toBeGreaterThanOrEqual(r.delay - 20);

      const signalled = Date.now();
      server.child.kill('SIGTERM');
      // A replacement still waiting is called off: no deadline to sit out. Not every worker
      // stopped cleanly (they crashed), hence 1.
      expect(await server.exited).toEqual({ code: 1, signal: null });
      expect(Date.now() - signalled).toBeLessThan(1500);
      expect(workerPids().filter(alive)).toEqual([]);
    } finally {
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
    }
  }, 15000);
});
