'use strict';

// Store selection for the bench (BENCH_STORE=memory|postgresql|mysql). loopback-boot and
// loopline's boot both overlay `datasources.local.js` on `datasources.json`; for memory it
// changes nothing.
const store = process.env.BENCH_STORE || 'memory';
let override = {};
if (store !== 'memory') {
  const settings = JSON.parse(process.env.BENCH_STORE_SETTINGS || '{}');
  override = { db: { name: 'db', ...settings } };
}
module.exports = override;
