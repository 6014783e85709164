'use strict';
// Preloaded into every bench server (`node --expose-gc -r mem-probe.js server.js`): on SIGUSR2
// it collects garbage and prints the process's memory as one `BENCH_MEM {…}` line, so the harness
// measures what a server retains (bytes per stored row) from the server process itself.
process.on('SIGUSR2', () => {
  if (global.gc) {
    global.gc();
    global.gc();
  }
  const m = process.memoryUsage();
  process.stdout.write(
    `BENCH_MEM ${JSON.stringify({ rss: m.rss, heapUsed: m.heapUsed, external: m.external })}\n`,
  );
});
