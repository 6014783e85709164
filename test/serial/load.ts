import http from 'http';

/**
 * Concurrent writers for the process tests: each POSTs Notes one after another and keeps what
 * every request got back, so a test can check each outcome (and that no 2xx write was lost).
 */
export interface Outcome {
  title: string;
  status: number;
  code?: string;
  ms: number;
  at: number;
}

export interface Load {
  outcomes: Outcome[];
  /** Titles the server acknowledged with a 2xx. */
  acked: () => string[];
  stop: () => Promise<void>;
}

export function startWriters(baseUrl: string, writers: number, tag: string, requestTimeoutMs = 10000): Load {
  const outcomes: Outcome[] = [];
  let running = true;
  const loops = Array.from({ length: writers }, async (_, w) => {
    for (let k = 0; running; k++) {
      const title = `${tag}-${w}-${k}`;
      const t0 = Date.now();
      let status = 0;
      let code: string | undefined;
      try {
        const res = await fetch(`${baseUrl}/api/Notes`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ title, n: k }),
          signal: AbortSignal.timeout(requestTimeoutMs),
        });
        status = res.status;
        const body = (await res.json()) as { error?: { code?: string } };
        code = body.error?.code;
      } catch (err) {
        code = (err as Error).name;
      }
      outcomes.push({ title, status, code, ms: Date.now() - t0, at: t0 });
      // A refused store answers at once: do not spin.
      if (status >= 500) await new Promise((r) => setTimeout(r, 20));
    }
  });
  return {
    outcomes,
    acked: () => outcomes.filter((o) => o.status >= 200 && o.status < 300).map((o) => o.title),
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Outcomes of requests that started in [from, to). */
export function between(outcomes: Outcome[], from: number, to: number): Outcome[] {
  return outcomes.filter((o) => o.at >= from && o.at < to);
}

/** The status of a GET on a new connection, or 0 when no answer came within `ms`. */
export function getStatus(url: string, ms = 5000): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: ms }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

/** Is a process with this pid still there? */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
