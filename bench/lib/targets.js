'use strict';
// The targets of the bench (loopline, LB3 and the peers), where their servers live, which stores
// they run on, and the HTTP workloads with each target's spelling of the request and the check
// its answer must pass before it is measured (a peer that answers 404 fast is never counted).
const fs = require('fs');
const path = require('path');

const BENCH = path.join(__dirname, '..');
const app = (name) => path.join(BENCH, 'apps', name, 'server.js');
const ALL_STORES = ['memory', 'postgresql', 'mysql'];

/** In table order. `pkg` is what must resolve from bench/ for the target to count as installed. */
const TARGETS = {
  lb3: { label: 'LB3', pkg: 'loopback', stores: ALL_STORES, server: () => app('lb3') },
  loopline: { label: 'loopline', pkg: null, stores: ALL_STORES, server: () => app('loopline') },
  express: {
    label: 'Express 5',
    pkg: 'express',
    stores: ALL_STORES,
    server: (store) => app(store === 'memory' ? 'express' : 'express-sql'),
  },
  fastify: { label: 'Fastify 5', pkg: 'fastify', stores: ALL_STORES, server: () => app('fastify') },
  'node-http': { label: 'node:http', pkg: null, stores: ALL_STORES, server: () => app('node-http') },
  lb4: { label: 'LB4', pkg: '@loopback/rest', stores: ALL_STORES, server: () => app('lb4') },
  feathers: {
    label: 'Feathers 5',
    pkg: '@feathersjs/koa',
    stores: ALL_STORES,
    sqlPkg: '@feathersjs/knex',
    server: () => app('feathers'),
  },
  'json-server': {
    label: 'json-server',
    pkg: 'json-server',
    stores: ['memory'],
    server: () => app('json-server'),
  },
};

function installed(name) {
  const t = TARGETS[name];
  for (const pkg of [t.pkg, t.sqlPkg].filter(Boolean)) {
    try {
      require.resolve(pkg, { paths: [BENCH] });
    } catch {
      return false;
    }
  }
  return name !== 'loopline' || fs.existsSync(path.join(BENCH, '..', 'dist', 'index.js'));
}

const q = (o) => encodeURIComponent(JSON.stringify(o));
const isTodo = (x) => !!x && typeof x === 'object' && typeof x.title === 'string' && typeof x.id === 'number';
const todos = (t) => (t === 'json-server' ? '/api/todos' : '/api/Todos');

function expect(cond, what) {
  if (!cond) throw new Error(what);
}

/**
 * Each workload: `request(target, {id})` → {method, path, body} or a string saying why the target
 * cannot serve it; `check(status, body, ctx)` throws when the answer is wrong.
 */
const WORKLOADS = [
  {
    key: 'list',
    name: 'list, limit 20',
    request: (t) => ({
      method: 'GET',
      path:
        t === 'feathers'
          ? '/api/Todos?%24limit=20'
          : t === 'json-server'
            ? '/api/todos?_limit=20'
            : `/api/Todos?filter=${q({ limit: 20 })}`,
    }),
    check: (status, body) => {
      expect(status === 200, `status ${status}`);
      expect(Array.isArray(body) && body.length === 20 && body.every(isTodo), 'not an array of 20 todos');
    },
  },
  {
    key: 'get',
    name: 'get by id',
    ids: true,
    request: (t, { id }) => ({ method: 'GET', path: `${todos(t)}/${id}` }),
    check: (status, body, { id }) => {
      expect(status === 200, `status ${status}`);
      expect(isTodo(body) && body.id === id, `not todo ${id}`);
    },
  },
  {
    key: 'where',
    name: 'where + order + limit',
    request: (t) => ({
      method: 'GET',
      path:
        t === 'feathers'
          ? '/api/Todos?priority%5B%24gt%5D=50&%24sort%5Bpriority%5D=-1&%24limit=20'
          : t === 'json-server'
            ? '/api/todos?priority_gt=50&_sort=priority&_order=desc&_limit=20'
            : `/api/Todos?filter=${q({ where: { priority: { gt: 50 } }, order: 'priority DESC', limit: 20 })}`,
    }),
    check: (status, body) => {
      expect(status === 200, `status ${status}`);
      expect(Array.isArray(body) && body.length === 20 && body.every(isTodo), 'not an array of 20 todos');
      expect(
        body.every((r, i) => r.priority > 50 && (i === 0 || body[i - 1].priority >= r.priority)),
        'not priority > 50 in descending order',
      );
    },
  },
  {
    key: 'post',
    name: 'POST',
    request: (t) => ({
      method: 'POST',
      path: todos(t),
      body: JSON.stringify({ title: 'bench', done: false, priority: 42 }),
    }),
    check: (status, body) => {
      expect(status === 200 || status === 201, `status ${status}`);
      expect(isTodo(body) && body.title === 'bench' && body.priority === 42, 'not the created todo');
    },
  },
  {
    key: 'patch',
    name: 'PATCH by id',
    ids: true,
    request: (t, { id }) => ({
      method: 'PATCH',
      path: `${todos(t)}/${id}`,
      body: JSON.stringify({ done: true }),
    }),
    // LB4's generated controller answers 204 without a body; the others answer the patched row.
    check: (status, body, { id, target }) => {
      if (target === 'lb4') return expect(status === 204, `status ${status}`);
      expect(status === 200, `status ${status}`);
      expect(isTodo(body) && body.id === id && body.done === true, `not todo ${id} with done: true`);
    },
  },
  {
    key: 'count',
    name: 'count',
    request: (t) =>
      t === 'json-server' ? 'json-server has no count route' : { method: 'GET', path: '/api/Todos/count' },
    check: (status, body, { seedRows }) => {
      expect(status === 200, `status ${status}`);
      expect(body && typeof body.count === 'number' && body.count >= seedRows, `not {count: ≥ ${seedRows}}`);
    },
  },
  {
    key: 'include',
    name: 'include hasMany (20 customers × 10 orders)',
    request: (t) => ({
      method: 'GET',
      path:
        t === 'feathers'
          ? '/api/Customers?%24include=orders&%24limit=20'
          : t === 'json-server'
            ? '/api/customers?_embed=orders&_limit=20'
            : `/api/Customers?filter=${q({ include: t === 'lb4' ? ['orders'] : 'orders', limit: 20 })}`,
    }),
    check: (status, body) => {
      expect(status === 200, `status ${status}`);
      expect(Array.isArray(body) && body.length === 20, 'not an array of 20 customers');
      expect(
        body.every(
          (c) =>
            typeof c.name === 'string' &&
            Array.isArray(c.orders) &&
            c.orders.length === 10 &&
            c.orders.every((o) => o.customerId === c.id),
        ),
        'not 10 orders of their own on every customer',
      );
    },
  },
];

module.exports = { TARGETS, WORKLOADS, installed };
