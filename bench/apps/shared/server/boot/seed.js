'use strict';

// Seeds SEED_ROWS todos (default 1000), identically on every target: deterministic values, ids
// 1..N. With BENCH_SEED=0 it does nothing (a SQL table shared by several targets is seeded once).
// On a SQL store the table is (re)created first.

function makeRows(n) {
  const rows = [];
  for (let i = 0; i < n; i++) {
    rows.push({
      title: `todo ${i}`,
      done: i % 3 === 0,
      priority: (i * 37) % 100,
      createdAt: new Date(1700000000000 + i * 1000),
    });
  }
  return rows;
}

/** 100 customers with 10 orders each, for the include workload (ids 1..100 and 1..1000). */
function makeCustomers() {
  const customers = [];
  const orders = [];
  for (let c = 1; c <= 100; c++) {
    customers.push({ name: `customer ${c}`, email: `c${c}@example.com` });
    for (let o = 0; o < 10; o++) orders.push({ total: (c * 10 + o) % 97, customerId: c });
  }
  return { customers, orders };
}

module.exports = async function seed(app) {
  if (process.env.BENCH_SEED === '0') return;
  const n = Number(process.env.SEED_ROWS || 1000);
  const store = process.env.BENCH_STORE || 'memory';
  if (store !== 'memory') await app.dataSources.db.automigrate(['Todo', 'Customer', 'Order']);
  const rows = makeRows(n);
  for (let i = 0; i < rows.length; i += 500) await app.models.Todo.create(rows.slice(i, i + 500));
  const { customers, orders } = makeCustomers();
  await app.models.Customer.create(customers);
  for (let i = 0; i < orders.length; i += 500) await app.models.Order.create(orders.slice(i, i + 500));
};

module.exports.makeRows = makeRows;
module.exports.makeCustomers = makeCustomers;
