import http from 'http';
import path from 'path';
import { describeStore, STORES } from '../connectors/stores';
import { makeOpsApp } from '../support/ops-app';
import { startApp } from '../support/spawn-app';

/**
 * Soak: 32 connections of mixed reads and writes against an app process on PostgreSQL, all on
 * 127.0.0.1, for two minutes. Zero 5xx; the app's RSS may grow at most RSS_GROWTH_BOUND after
 * warm-up, and the trend from the first to the last quarter of the run (medians of 5 s samples,
 * which a leak raises steadily and GC noise does not) at most RSS_TREND_BOUND; the event-loop
 * delay inside the app is reported. LOOPLINE_SOAK_SECONDS=600 makes it a longer soak.
 */
const CONNECTIONS = 32;
const WARMUP_S = 10;
const MEASURE_S = Number(process.env.LOOPLINE_SOAK_SECONDS ?? 110);
const RSS_GROWTH_BOUND = 64 * 1024 * 1024;
const RSS_TREND_BOUND = 24 * 1024 * 1024;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** The lines of an app's output that report an error, with a few lines after each (its stack). */
function errorLines(output: string): string {
  const lines = output.split('\n');
  const picked = new Set<number>();
  lines.forEach((line, i) => {
    if (/error/i.test(line)) for (let j = i; j < Math.min(lines.length, i + 4); j++) picked.add(j);
  });
  return [...picked]
    .map((i) => lines[i])
    .join('\n')
    .slice(0, 4000);
}

interface Reply {
  status: number;
  body: string;
}

function call(agent: http.Agent, base: string, method: string, url: string, body?: unknown): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      `${base}${url}`,
      {
        method,
        agent,
        headers: payload
          ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
          : {},
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.setTimeout(10000, () => req.destroy(new Error('no answer within 10 s')));
    req.end(payload);
  });
}

describeStore(
  STORES.find((s) => s.name === 'postgresql')!,
  () => {
    const app = makeOpsApp({
      dataSource: STORES.find((s) => s.name === 'postgresql')!.settings,
      table: 'soak_note',
    });
    afterAll(() => app.remove());

    it(
      `32 connections of mixed reads and writes: zero 5xx, RSS flat after warm-up, event-loop delay reported`,
      async () => {
        const running = await startApp(path.join(app.dir, 'server'), {
          cwd: app.dir,
          env: { OPS_MIGRATE: '1', OPS_STATS: '1' },
        });
        const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
        const counts = new Map<number, number>();
        const failures: string[] = [];
        let ids: number[] = [];
        let running_ = true;
        const worker = async (w: number) => {
          for (let k = 0; running_; k++) {
            const pick = (w * 7919 + k * 104729) % 100;
            let reply: Reply;
            try {
              if (pick < 25) {
                reply = await call(agent, running.url, 'POST', '/api/Notes', {
                  title: `soak-${w}-${k}`,
                  n: k % 50,
                });
                if (reply.status === 200) ids.push((JSON.parse(reply.body) as { id: number }).id);
              } else if (pick < 35 && ids.length) {
                const id = ids[(w + k) % ids.length];
                reply = await call(agent, running.url, 'PATCH', `/api/Notes/${id}`, { n: k % 50 });
              } else if (pick < 55 && ids.length) {
                reply = await call(agent, running.url, 'GET', `/api/Notes/${ids[(w * k) % ids.length]}`);
              } else if (pick < 65) {
                reply = await call(
                  agent,
                  running.url,
                  'GET',
                  `/api/Notes/count?where=${encodeURIComponent(JSON.stringify({ n: { gt: k % 50 } }))}`,
                );
              } else {
                reply = await call(
                  agent,
                  running.url,
                  'GET',
                  `/api/Notes?filter=${encodeURIComponent(JSON.stringify({ where: { n: { lt: k % 50 } }, order: 'id DESC', limit: 20 }))}`,
                );
              }
            } catch (err) {
              failures.push((err as Error).message);
              continue;
            }
            counts.set(reply.status, (counts.get(reply.status) ?? 0) + 1);
            if (reply.status >= 500) failures.push(`${reply.status} ${reply.body.slice(0, 200)}`);
            // Keep the id list bounded: the soak is about the server's memory, not the test's.
            if (ids.length > 5000) ids = ids.slice(-1000);
          }
        };
        const stats = async () =>
          JSON.parse((await call(agent, running.url, 'GET', '/_stats?reset=1')).body) as {
            rss: number;
            eld: Record<string, number>;
          };
        try {
          const loops = Array.from({ length: CONNECTIONS }, (_, w) => worker(w));
          await new Promise((r) => setTimeout(r, WARMUP_S * 1000));
          const warm = await stats();
          // Each sample resets the app's delay histogram: one sample, one 5 s window.
          const windows: Array<{ rss: number; eld: Record<string, number> }> = [];
          for (let s = 0; s < MEASURE_S; s += 5) {
            await new Promise((r) => setTimeout(r, 5000));
            windows.push(await stats());
          }
          const samples = windows.map((w) => w.rss);
          const end = windows[windows.length - 1];
          running_ = false;
          await Promise.all(loops);
          const total = [...counts.values()].reduce((a, b) => a + b, 0);
          const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`;
          const quarter = Math.max(1, Math.floor(samples.length / 4));
          const trend = median(samples.slice(-quarter)) - median(samples.slice(0, quarter));
          console.log(
            `[soak] ${total} requests in ${WARMUP_S + MEASURE_S} s (${Math.round(total / (WARMUP_S + MEASURE_S))}/s) over ${CONNECTIONS} connections; statuses ${JSON.stringify(Object.fromEntries(counts))}\n` +
              `[soak] RSS after warm-up ${mb(warm.rss)}, at the end ${mb(end.rss)}, peak ${mb(Math.max(...samples))} (bound: +${mb(RSS_GROWTH_BOUND)}); first to last quarter ${mb(trend)} (bound: ${mb(RSS_TREND_BOUND)})\n` +
              `[soak] event-loop delay in the app over the last 5 s: ${JSON.stringify(end.eld)} ms; worst p99 of any 5 s window ${Math.max(...windows.map((w) => w.eld.p99))} ms, worst max ${Math.max(...windows.map((w) => w.eld.max))} ms`,
          );
          // A 5xx body keeps only its code in production: the app's own log says what failed.
          if (failures.length) console.log(`[soak] the app's error output:\n${errorLines(running.output())}`);
          expect(failures).toEqual([]);
          expect([...counts.keys()].filter((s) => s >= 500)).toEqual([]);
          expect(total).toBeGreaterThan(1000);
          expect(end.rss - warm.rss).toBeLessThan(RSS_GROWTH_BOUND);
          expect(trend).toBeLessThan(RSS_TREND_BOUND);
          // The delay was measured, not left empty.
          expect(windows.every((w) => typeof w.eld.mean === 'number' && w.eld.max > 0)).toBe(true);
        } finally {
          running_ = false;
          agent.destroy();
          await running.stop();
        }
      },
      (WARMUP_S + MEASURE_S + 40) * 1000,
    );
  },
);
