'use strict';
// The data layer of the hand-written peers (Fastify, node:http) on the memory store: the same
// Maps and the same query code as apps/express/server.js, so those peers differ from the Express
// baseline only in their HTTP layer. Every method returns a promise, as a driver would.
const { makeRows, makeCustomers } = require('../server/boot/seed');

function memoryStore() {
  const todos = new Map();
  let nextId = 1;
  for (const r of makeRows(Number(process.env.SEED_ROWS || 1000))) {
    const id = nextId++;
    todos.set(id, { ...r, id });
  }
  const customers = new Map();
  const ordersByCustomer = new Map();
  const seed = makeCustomers();
  seed.customers.forEach((c, i) => customers.set(i + 1, { ...c, id: i + 1 }));
  seed.orders.forEach((o, i) => {
    if (!ordersByCustomer.has(o.customerId)) ordersByCustomer.set(o.customerId, []);
    ordersByCustomer.get(o.customerId).push({ ...o, id: i + 1 });
  });
  // BENCH_MODELS=N (boot probe): N more empty collections, Model0 … Model{N-1}.
  const collections = new Map();
  for (let i = 0; i < Number(process.env.BENCH_MODELS || 0); i++) collections.set(`Model${i}`, new Map());

  return {
    async list(filter) {
      let rows = Array.from(todos.values());
      const where = filter.where || {};
      if (where.priority && where.priority.gt !== undefined)
        rows = rows.filter((r) => r.priority > where.priority.gt);
      if (where.done !== undefined) rows = rows.filter((r) => r.done === where.done);
      if (filter.order === 'priority DESC') rows.sort((a, b) => b.priority - a.priority);
      const skip = filter.skip || 0;
      return rows.slice(skip, filter.limit ? skip + filter.limit : undefined);
    },
    async get(id) {
      return todos.get(id);
    },
    async count() {
      return todos.size;
    },
    async create(body) {
      const id = nextId++;
      const row = {
        title: body.title,
        done: body.done === true,
        priority: body.priority,
        createdAt: body.createdAt ? new Date(body.createdAt) : undefined,
        id,
      };
      todos.set(id, row);
      return row;
    },
    async patch(id, body) {
      const row = todos.get(id);
      if (row) Object.assign(row, body, { id: row.id });
      return row;
    },
    async customers(filter) {
      const page = Array.from(customers.values()).slice(0, filter.limit || undefined);
      return filter.include === 'orders'
        ? page.map((c) => ({ ...c, orders: ordersByCustomer.get(c.id) || [] }))
        : page;
    },
    collections,
  };
}

module.exports = { memoryStore };
