'use strict';
// Boots an app folder on one target and prints {bootMs, rssMb}: the time from process start
// (including requiring the framework) to 'booted', and the resident set size after boot.
const path = require('path');
const t0 = process.hrtime.bigint();
const [target, appDir] = process.argv.slice(2);
const root = path.join(__dirname, '..');
const loopback = target === 'lb3' ? require('loopback') : require(path.join(root, 'dist'));
const boot = target === 'lb3' ? require('loopback-boot') : require(path.join(root, 'dist', 'boot'));

const app = loopback();
boot(app, path.join(appDir, 'server'), (err) => {
  if (err) {
    console.error(err.message);
    process.exit(1);
  }
  const bootMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (global.gc) global.gc();
  console.log(JSON.stringify({ bootMs, rssMb: process.memoryUsage().rss / 1048576, models: Object.keys(app.models).length }));
  process.exit(0);
});
