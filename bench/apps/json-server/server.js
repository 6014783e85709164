'use strict';
// json-server 0.17 as its README uses it: a JSON file as the database (lowdb, written back on
// every change), its router mounted at /api, its default middlewares (logger off). Memory store
// only — there is no SQL json-server. Its own query syntax and lower-case resource names (its
// `_embed` derives the foreign key `customerId` from the resource name `customers`):
//   list /api/todos?_limit=20 · where+order ?priority_gt=50&_sort=priority&_order=desc&_limit=20
//   include /api/customers?_embed=orders&_limit=20 · POST answers 201.
// It has no count route: the count workload is not run on it.
const fs = require('fs');
const os = require('os');
const path = require('path');
const jsonServer = require('json-server');
const { makeRows, makeCustomers } = require('../shared/server/boot/seed');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-json-server-'));
const file = path.join(dir, 'db.json');
const db = {};
const models = Number(process.env.BENCH_MODELS || 0);
if (models) {
  for (let i = 0; i < models; i++) db[`Model${i}`] = [];
} else {
  db.todos = makeRows(Number(process.env.SEED_ROWS || 1000)).map((r, i) => ({ ...r, id: i + 1 }));
  const c = makeCustomers();
  db.customers = c.customers.map((r, i) => ({ ...r, id: i + 1 }));
  db.orders = c.orders.map((r, i) => ({ ...r, id: i + 1 }));
}
fs.writeFileSync(file, JSON.stringify(db));

const server = jsonServer.create();
server.use(jsonServer.defaults({ logger: false }));
server.use('/api', jsonServer.router(file));
const cleanup = () => fs.rmSync(dir, { recursive: true, force: true });
process.on('SIGTERM', () => {
  cleanup();
  process.exit(0);
});
const listener = server.listen(Number(process.env.PORT || 0), '127.0.0.1', () =>
  console.log(`READY ${listener.address().port}`),
);
