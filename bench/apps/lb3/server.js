'use strict';

// Real LoopBack 3 booting the shared app folder (../shared: common/ + server/*.json + boot/).
const http = require('http');
const path = require('path');
const loopback = require('loopback');
const boot = require('loopback-boot');

const app = (module.exports = loopback());
process.on('SIGTERM', () => process.exit(0)); // exit cleanly so --cpu-prof can write

// BENCH_APP_DIR: the boot probe's generated app folder instead of the shared one.
boot(
  app,
  process.env.BENCH_APP_DIR
    ? path.join(process.env.BENCH_APP_DIR, 'server')
    : path.join(__dirname, '../shared/server'),
  (err) => {
    if (err) throw err;
    const server = http.createServer(app);
    server.listen(Number(process.env.PORT || 0), '127.0.0.1', () => {
      console.log(`BENCH_READY ${JSON.stringify({ port: server.address().port })}`);
    });
  },
);
