'use strict';
// The practical limit: the same routes written by hand on Express 5 over a Map.
const express = require('express');

const todos = new Map();
let nextId = 1;
const n = Number(process.env.SEED_ROWS || 1000);
for (let i = 0; i < n; i++) {
  const id = nextId++;
  todos.set(id, {
    title: `todo ${i}`,
    done: i % 3 === 0,
    priority: (i * 37) % 100,
    createdAt: new Date(1700000000000 + i * 1000),
    id,
  });
}

function query(filter) {
  let rows = Array.from(todos.values());
  const where = filter.where || {};
  if (where.priority && where.priority.gt !== undefined)
    rows = rows.filter((r) => r.priority > where.priority.gt);
  if (where.done !== undefined) rows = rows.filter((r) => r.done === where.done);
  if (filter.order === 'priority DESC') rows.sort((a, b) => b.priority - a.priority);
  const skip = filter.skip || 0;
  return rows.slice(skip, filter.limit ? skip + filter.limit : undefined);
}

// Customers and their orders, as the seed script makes them, with the orders indexed by customer
// as a hand-written handler would keep them.
const { makeCustomers } = require('../shared/server/boot/seed');
const customers = new Map();
const ordersByCustomer = new Map();
{
  const seed = makeCustomers();
  seed.customers.forEach((c, i) => customers.set(i + 1, { ...c, id: i + 1 }));
  seed.orders.forEach((o, i) => {
    const row = { ...o, id: i + 1 };
    if (!ordersByCustomer.has(o.customerId)) ordersByCustomer.set(o.customerId, []);
    ordersByCustomer.get(o.customerId).push(row);
  });
}

const app = express();
app.use(express.json());
app.get('/api/Todos', (req, res) => {
  const filter = req.query.filter ? JSON.parse(req.query.filter) : {};
  res.json(query(filter));
});
// The include workload done by hand: the page of customers, then their orders.
app.get('/api/Customers', (req, res) => {
  const filter = req.query.filter ? JSON.parse(req.query.filter) : {};
  const page = Array.from(customers.values()).slice(0, filter.limit || undefined);
  res.json(
    filter.include === 'orders'
      ? page.map((c) => ({ ...c, orders: ordersByCustomer.get(c.id) || [] }))
      : page,
  );
});
app.get('/api/Todos/count', (req, res) => res.json({ count: todos.size }));
app.get('/api/Todos/:id', (req, res) => {
  const row = todos.get(Number(req.params.id));
  if (!row) return res.status(404).json({ error: { statusCode: 404, message: 'not found' } });
  res.json(row);
});
app.post('/api/Todos', (req, res) => {
  if (typeof req.body.title !== 'string') return res.status(422).json({ error: { statusCode: 422 } });
  const id = nextId++;
  const row = {
    title: req.body.title,
    done: req.body.done === true,
    priority: req.body.priority,
    createdAt: req.body.createdAt ? new Date(req.body.createdAt) : undefined,
    id,
  };
  todos.set(id, row);
  res.json(row);
});
app.patch('/api/Todos/:id', (req, res) => {
  const row = todos.get(Number(req.params.id));
  if (!row) return res.status(404).json({ error: { statusCode: 404 } });
  Object.assign(row, req.body, { id: row.id });
  res.json(row);
});

// Boot probe (BENCH_MODELS=N): list and get routes for N more (empty) models.
for (let i = 0; i < Number(process.env.BENCH_MODELS || 0); i++) {
  const rows = new Map();
  app.get(`/api/Model${i}`, (req, res) => res.json(Array.from(rows.values())));
  app.get(`/api/Model${i}/:id`, (req, res) =>
    rows.has(Number(req.params.id))
      ? res.json(rows.get(Number(req.params.id)))
      : res.status(404).json({ error: { statusCode: 404 } }),
  );
}

const server = app.listen(Number(process.env.PORT), '127.0.0.1', () =>
  console.log(`READY ${server.address().port}`),
);
