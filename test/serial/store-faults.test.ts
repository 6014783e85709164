import { execFile, execFileSync, execSync } from 'child_process';
import { promisify } from 'util';
import mysql from 'mysql2/promise';
import path from 'path';
import { Client } from 'pg';
import { describeStore, Relay, STORES, StoreConfig } from '../connectors/stores';
import { makeOpsApp } from '../support/ops-app';
import { RunningApp, startApp } from '../support/spawn-app';
import { between, sleep, startWriters } from './load';

/**
 * The database cut off under load, for real: an app process whose SQL data source reaches the
 * server through a relay the test controls. With `connectionTimeout`/`connectTimeout` and
 * `queryTimeout` at 1000 ms, a request during an outage answers 503 STORE_UNAVAILABLE in under
 * OUTAGE_ANSWER_MS, the app recovers by itself, and every write answered 2xx is in the table.
 */
const OUTAGE_ANSWER_MS = 2500;
/** After a real restart, from the server answering a query to the app's first 2xx. */
const RECOVERY_MS = 15000;
const TIMEOUTS = { connectionTimeout: 1000, connectTimeout: 1000, queryTimeout: 1000 };

/** Titles of Notes in the store, read with the driver, not through loopline. */
async function storedTitles(store: StoreConfig): Promise<Set<string>> {
  const s = store.settings as {
    host: string;
    port: number;
    user: string;
    password?: string;
    database: string;
  };
  if (store.name === 'postgresql') {
    const client = new Client({
      host: s.host,
      port: s.port,
      user: s.user,
      password: s.password,
      database: s.database,
    });
    await client.connect();
    try {
      return new Set(
        (await client.query('SELECT title FROM faults_note')).rows.map((r) => r.title as string),
      );
    } finally {
      await client.end();
    }
  }
  const conn = await mysql.createConnection({
    host: s.host,
    port: s.port,
    user: s.user,
    password: s.password,
    database: s.database,
  });
  try {
    const [rows] = await conn.query('SELECT title FROM faults_note');
    return new Set((rows as { title: string }[]).map((r) => r.title));
  } finally {
    await conn.end();
  }
}

const run = promisify(execFile);

/**
 * Restarts the real server without blocking this process: the writers and the relay live here,
 * and a server shutting down waits for its clients to take their connections' end.
 */
async function restartServer(store: StoreConfig): Promise<void> {
  if (store.name === 'postgresql') {
    const version = execSync('ls /etc/postgresql').toString().trim().split(/\s+/)[0];
    await run('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'restart'], { timeout: 60000 });
    return;
  }
  await run('mariadb-admin', ['-h', '127.0.0.1', '-u', 'root', 'shutdown'], { timeout: 60000 });
  // `shutdown` returns while the old server is still closing; start-stop-daemon --oknodo would
  // find it running and start nothing, leaving the store down for good.
  for (let i = 0; i < 600 && (await mariadbRunning()); i++) await sleep(100);
  await run('start-stop-daemon', ['--start', '--oknodo', '--background', '--exec', '/usr/sbin/mariadbd'], {
    timeout: 10000,
  });
  for (let i = 0; i < 120; i++) {
    const ok = await run('mariadb', ['-h', '127.0.0.1', '-u', 'root', '-e', 'SELECT 1'], {
      timeout: 5000,
    }).then(
      () => true,
      () => false,
    );
    if (ok) return;
    await sleep(500);
  }
  throw new Error('MariaDB did not answer within 60 s of its restart');
}

function mariadbRunning(): Promise<boolean> {
  return run('pgrep', ['-x', 'mariadbd']).then(
    () => true,
    () => false,
  );
}

function ensureMariaDbRunning(): void {
  // `mariadb-admin ping` says "alive" while the server still refuses work; a query is the test.
  const ping = () => {
    try {
      execFileSync('mariadb', ['-h', '127.0.0.1', '-u', 'root', '-e', 'SELECT 1'], {
        stdio: 'ignore',
        timeout: 5000,
      });
      return true;
    } catch {
      return false;
    }
  };
  if (ping()) return;
  execFileSync('start-stop-daemon', ['--start', '--oknodo', '--background', '--exec', '/usr/sbin/mariadbd'], {
    stdio: 'ignore',
    timeout: 10000,
  });
  for (let i = 0; i < 60 && !ping(); i++) execFileSync('sleep', ['1']);
}

function ensurePostgresRunning(): void {
  try {
    execFileSync('pg_isready', ['-h', '127.0.0.1', '-p', '5432'], { stdio: 'ignore', timeout: 5000 });
  } catch {
    const version = execSync('ls /etc/postgresql').toString().trim().split(/\s+/)[0];
    execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start'], {
      stdio: 'ignore',
      timeout: 60000,
    });
  }
}

// Faults of a server and its network: the embedded stores (memory, SQLite) have neither.
for (const store of STORES.filter((s) => !s.embedded)) {
  describeStore(store, () => {
    const relay = new Relay(String(store.settings.host), Number(store.settings.port));
    let app: ReturnType<typeof makeOpsApp>;
    let running: RunningApp;

    beforeAll(async () => {
      await relay.start();
      app = makeOpsApp({
        dataSource: { ...store.settings, port: relay.port, ...TIMEOUTS },
        table: 'faults_note',
      });
      running = await startApp(path.join(app.dir, 'server'), { cwd: app.dir, env: { OPS_MIGRATE: '1' } });
    }, 30000);

    afterAll(async () => {
      await running?.stop();
      await relay.stop();
      app?.remove();
      // Whatever happened above, both servers are left running for everyone else.
      ensurePostgresRunning();
      ensureMariaDbRunning();
    }, 120000);

    it('cut, stall and slow under 4 writers: 503 fast, recovery on its own, no acknowledged write lost', async () => {
      const load = startWriters(running.url, 4, `${store.name}-faults`);
      try {
        await sleep(800);
        const cutAt = Date.now();
        await relay.stop();
        await sleep(1500);
        const cutEnd = Date.now();
        await relay.start();
        await sleep(2500);
        const stallAt = Date.now();
        relay.stall();
        await sleep(2500);
        const stallEnd = Date.now();
        relay.pass();
        await sleep(1500);
        const slowAt = Date.now();
        relay.slow(40);
        await sleep(1500);
        const slowEnd = Date.now();
        await load.stop();
        relay.pass();

        const all = load.outcomes;
        if (process.env.OPS_DEBUG)
          console.log(
            JSON.stringify({ cutAt, cutEnd, stallAt, stallEnd, slowAt, slowEnd }),
            all.map((o) => `${o.at - cutAt}:${o.status}:${o.ms}`).join(' '),
          );
        // Nothing but 2xx and 503 STORE_UNAVAILABLE, ever; and never a hang.
        expect(
          all.filter((o) => o.status !== 200 && !(o.status === 503 && o.code === 'STORE_UNAVAILABLE')),
        ).toEqual([]);
        const outage = [...between(all, cutAt + 100, cutEnd), ...between(all, stallAt + 100, stallEnd)];
        expect(outage.filter((o) => o.status === 503).length).toBeGreaterThan(4);
        expect(outage.filter((o) => o.ms >= OUTAGE_ANSWER_MS)).toEqual([]);
        // Recovered by itself: the writes started a while after each outage went through (those
        // started within a query timeout of the next outage may be caught by it).
        for (const [from, to] of [
          [cutEnd + 800, stallAt - 1200],
          [stallEnd + 800, slowAt],
        ]) {
          const after = between(all, from, to);
          expect(after.length).toBeGreaterThan(0);
          expect(after.filter((o) => o.status !== 200)).toEqual([]);
        }
        const slow = between(all, slowAt + 200, slowEnd);
        expect(slow.length).toBeGreaterThan(0);
        expect(slow.filter((o) => o.status !== 200)).toEqual([]);

        const stored = await storedTitles(store);
        expect(load.acked().filter((t) => !stored.has(t))).toEqual([]);
        console.log(
          `[faults] ${store.name}: ${all.length} writes, ${load.acked().length} acknowledged, ${all.length - load.acked().length} answered 503; slowest outage answer ${Math.max(...outage.map((o) => o.ms))} ms`,
        );
      } finally {
        await load.stop();
        relay.pass();
      }
    }, 60000);

    it('a real server restart under load: 503 while it is down, recovery after, no acknowledged write lost', async () => {
      const load = startWriters(running.url, 4, `${store.name}-restart`);
      try {
        await sleep(500);
        await restartServer(store);
        const upAt = Date.now();
        // The server answers queries again; the app must find its way back by itself, soon.
        const firstOk = () => load.outcomes.find((o) => o.at > upAt && o.status === 200)?.at;
        while (firstOk() === undefined && Date.now() < upAt + RECOVERY_MS) await sleep(100);
        expect(firstOk()).toBeDefined();
        const recoveredAt = firstOk()!;
        await sleep(2500);
        await load.stop();
        const all = load.outcomes;
        if (process.env.OPS_DEBUG)
          console.log(
            all.map((o) => `${o.at - upAt}:${o.status}:${o.code}:${o.ms}`).join(' '),
            running.output(),
          );
        // The app lived through it (its output says why, if not).
        expect({
          exitCode: running.child.exitCode,
          output: running.child.exitCode === null ? '' : running.output(),
        }).toEqual({ exitCode: null, output: '' });
        expect(
          all.filter((o) => o.status !== 200 && !(o.status === 503 && o.code === 'STORE_UNAVAILABLE')),
        ).toEqual([]);
        // The outage was seen, and answered quickly: no request waited out the restart.
        expect(all.filter((o) => o.status === 503).length).toBeGreaterThan(0);
        expect(all.filter((o) => o.ms >= OUTAGE_ANSWER_MS)).toEqual([]);
        const after = between(all, recoveredAt + 1000, Date.now());
        expect(after.length).toBeGreaterThan(0);
        expect(after.filter((o) => o.status !== 200)).toEqual([]);
        const stored = await storedTitles(store);
        expect(load.acked().filter((t) => !stored.has(t))).toEqual([]);
        console.log(
          `[faults] ${store.name} restart: ${all.length} writes, ${load.acked().length} acknowledged, ${all.filter((o) => o.status === 503).length} answered 503 (slowest answer ${Math.max(...all.map((o) => o.ms))} ms), first 2xx ${recoveredAt - upAt} ms after the server was back`,
        );
      } finally {
        await load.stop();
      }
    }, 150000);
  });
}
