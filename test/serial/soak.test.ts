import fs from 'fs';
import http from 'http';
import path from 'path';
import { describeStore, STORES } from '../connectors/stores';
import { makeOpsApp } from '../support/ops-app';
import { RunningApp, startApp } from '../support/spawn-app';

/**
 * Soak: a real app process on PostgreSQL (127.0.0.1) under mixed reads and writes from 32
 * kept-alive connections for SOAK_SECONDS (default 40; set it higher for a longer run). Asserts:
 * no 5xx and no failed request; RSS growth after the warm-up (the first quarter of the run) under
 * RSS_GROWTH_BOUND_MB: the median RSS of the last third of the samples after warm-up against
 * that of the first third (medians, so one GC more or less does not decide).
 * Reports throughput, latency and the app's event-loop delay (perf_hooks.monitorEventLoopDelay,
 * read inside the app process) in the test output.
 */
const SECONDS = Number(process.env.SOAK_SECONDS ?? 40);
const CONNECTIONS = 32;
const RSS_GROWTH_BOUND_MB = 40;

/** A route only this test's app has: the process's memory and event-loop delay, in ms. */
const STATS_BOOT_SCRIPT = `'use strict';
const { monitorEventLoopDelay } = require('perf_hooks');
module.exports = function (app) {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  app.get('/soak-stats', (req, res) => {
    const ms = (ns) => Math.round(ns / 1e4) / 100;
    res.json({ rss: process.memoryUsage().rss, eld: { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max), mean: ms(h.mean) } });
    if (req.query.reset) h.reset();
  });
};
`;

interface Answer {
  status: number;
  body: string;
}

function call(agent: http.Agent, base: URL, method: string, urlPath: string, body?: unknown): Promise<Answer> {
  return new Promise((resolve) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      { host: base.hostname, port: base.port, method, path: urlPath, agent, headers: data ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } : {}, timeout: 10000 },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) => resolve({ status: 0, body: String(err) }));
    req.end(data);
  });
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const median = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50);

const pg = STORES.find((s) => s.name === 'postgresql')!;

describeStore(pg, () => {
  const app = makeOpsApp({ dataSource: { ...pg.settings, max: 10 } });
  fs.writeFileSync(path.join(app.dir, 'server', 'middleware.json'), JSON.stringify({ routes: { 'loopback#rest': { paths: ['${restApiRoot}'] } }, final: { 'loopback#urlNotFound': {} }, 'final:after': { 'strong-error-handler': {} } }));
  fs.writeFileSync(path.join(app.dir, 'server', 'boot', 'soak-stats.js'), STATS_BOOT_SCRIPT);
  let running: RunningApp | undefined;
  afterAll(async () => {
    await running?.stop();
    app.remove();
  });

  it(`serves ${CONNECTIONS} connections of mixed reads and writes for ${SECONDS} s: no 5xx, RSS flat after warm-up`, async () => {
    running = await startApp(path.join(app.dir, 'server'), { cwd: app.dir, env: { OPS_MIGRATE: '1' } });
    const base = new URL(running.url);
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
    const stats = async (reset = false) => JSON.parse((await call(agent, base, 'GET', `/soak-stats${reset ? '?reset=1' : ''}`)).body) as { rss: number; eld: Record<string, number> };

    const statuses = new Map<number, number>();
    const failures: string[] = [];
    const latencies: number[] = [];
    const ids: number[] = [];
    const rss: Array<{ at: number; rss: number }> = [];
    const started = Date.now();
    const end = started + SECONDS * 1000;
    const warmUpEnd = started + (SECONDS * 1000) / 4;
    let warmUpStats: { rss: number; eld: Record<string, number> } | undefined;

    const worker = async (w: number) => {
      for (let k = 0; Date.now() < end; k++) {
        const roll = (w * 7919 + k * 104729) % 100;
        const id = ids.length ? ids[(w * 31 + k) % ids.length] : undefined;
        let answer: Answer;
        const t0 = Date.now();
        if (roll < 25 || id === undefined) {
          answer = await call(agent, base, 'POST', '/api/Notes', { title: `soak-${w}-${k}`, n: k % 100 });
          if (answer.status === 200) ids.push((JSON.parse(answer.body) as { id: number }).id);
        } else if (roll < 35) {
          answer = await call(agent, base, 'PATCH', `/api/Notes/${id}`, { n: k % 100 });
        } else if (roll < 65) {
          answer = await call(agent, base, 'GET', `/api/Notes/${id}`);
        } else if (roll < 90) {
          answer = await call(agent, base, 'GET', `/api/Notes?filter=${encodeURIComponent(JSON.stringify({ where: { n: { gt: k % 90 } }, order: 'id DESC', limit: 20 }))}`);
        } else {
          answer = await call(agent, base, 'GET', `/api/Notes/count?where=${encodeURIComponent(JSON.stringify({ n: { lt: 50 } }))}`);
        }
        latencies.push(Date.now() - t0);
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        if (answer.status === 0 || answer.status >= 500) failures.push(`${answer.status} ${answer.body.slice(0, 200)}`);
      }
    };
    const sampler = (async () => {
      while (Date.now() < end) {
        await new Promise((r) => setTimeout(r, 1000));
        const now = Date.now();
        if (!warmUpStats && now >= warmUpEnd) warmUpStats = await stats(true);
        else rss.push({ at: now, rss: (await stats()).rss });
      }
    })();
    await Promise.all([...Array.from({ length: CONNECTIONS }, (_, w) => worker(w)), sampler]);
    const final = await stats();
    agent.destroy();

    const total = latencies.length;
    const sorted = [...latencies].sort((a, b) => a - b);
    const afterWarmUp = rss.filter((s) => s.at >= warmUpEnd);
    const third = Math.max(1, Math.floor(afterWarmUp.length / 3));
    const early = median(afterWarmUp.slice(0, third).map((s) => s.rss));
    const late = median(afterWarmUp.slice(-third).map((s) => s.rss));
    const mb = (b: number) => Math.round((b / 1048576) * 10) / 10;
    console.log(
      `soak (PostgreSQL, ${CONNECTIONS} connections, ${SECONDS} s): ${total} requests, ${Math.round(total / SECONDS)} req/s; ` +
        `statuses ${JSON.stringify(Object.fromEntries(statuses))}; latency p50 ${percentile(sorted, 50)} ms, p99 ${percentile(sorted, 99)} ms, max ${sorted[sorted.length - 1]} ms; ` +
        `RSS after warm-up ${mb(early)} MB -> ${mb(late)} MB (growth ${mb(late - early)} MB, bound ${RSS_GROWTH_BOUND_MB} MB), at end ${mb(final.rss)} MB; ` +
        `event-loop delay during warm-up p50 ${warmUpStats?.eld.p50} ms p99 ${warmUpStats?.eld.p99} ms max ${warmUpStats?.eld.max} ms; ` +
        `after warm-up p50 ${final.eld.p50} ms p99 ${final.eld.p99} ms max ${final.eld.max} ms`,
    );

    expect(failures.slice(0, 5)).toEqual([]);
    expect([...statuses.keys()].filter((s) => s >= 500)).toEqual([]);
    expect(total).toBeGreaterThan(SECONDS * 10);
    expect(afterWarmUp.length).toBeGreaterThanOrEqual(3);
    expect(late - early).toBeLessThan(RSS_GROWTH_BOUND_MB * 1048576);
  }, (SECONDS + 45) * 1000);
});
