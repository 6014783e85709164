'use strict';

// loopline booting the very same app folder as ../lb3/server.js (../shared), unchanged.
// loopline is the repo root build: require('loopline') ≙ require('../../..'),
// require('loopline/boot') ≙ dist/boot.
const http = require('http');
const path = require('path');
const root = path.resolve(__dirname, '../../..');
const loopback = require(root);
const boot = require(path.join(root, 'dist/boot'));

const app = (module.exports = loopback());
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(0)); // exit cleanly so --cpu-prof can write

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
