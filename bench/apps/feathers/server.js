'use strict';
// FeathersJS 5 as its guide sets it up: a Koa transport (@feathersjs/koa: rest(), bodyParser(),
// errorHandler()) and one service per model — @feathersjs/memory, or @feathersjs/knex over `pg`
// / `mysql2` on the tables the first target of the run created. Feathers's own query syntax,
// not LB3's filter (see the workload table in bench/README.md):
//   list ?$limit=20 · where+order ?priority[$gt]=50&$sort[priority]=-1&$limit=20
//   count: a custom service at /api/Todos/count · include: an after hook on Customers that loads
//   the page's orders in one find ({customerId: {$in: ids}}), asked for with ?$include=orders.
const { feathers } = require('@feathersjs/feathers');
const { koa, rest, bodyParser, errorHandler } = require('@feathersjs/koa');
const { makeRows, makeCustomers } = require('../shared/server/boot/seed');

const storeName = process.env.BENCH_STORE || 'memory';
const models = Number(process.env.BENCH_MODELS || 0);
const adapter = { multi: false, paginate: false };

let makeService;
if (storeName === 'memory') {
  const { MemoryService } = require('@feathersjs/memory');
  makeService = () => new MemoryService({ ...adapter, id: 'id', startId: 1 });
} else {
  const { KnexService } = require('@feathersjs/knex');
  const settings = JSON.parse(process.env.BENCH_STORE_SETTINGS);
  const pg = storeName === 'postgresql';
  const db = require('knex')({
    client: pg ? 'pg' : 'mysql2',
    connection: {
      host: settings.host,
      port: settings.port,
      user: settings.user,
      password: settings.password,
      database: settings.database,
      ...(pg ? {} : { timezone: 'Z' }),
    },
    pool: { min: 0, max: 10 },
  });
  // Table names as the LB3 connectors made them.
  const tables = pg
    ? { Todo: 'todo', Customer: 'customer', Order: 'order' }
    : { Todo: 'Todo', Customer: 'Customer', Order: 'Order' };
  makeService = (model) => new KnexService({ ...adapter, Model: db, name: tables[model], id: 'id' });
}

class TodoCount {
  constructor(todos) {
    this.todos = todos;
  }
  async find() {
    const page = await this.todos.find({ query: { $limit: 0 }, paginate: { default: 10, max: 1000 } });
    return { count: page.total };
  }
}

async function main() {
  const app = koa(feathers());
  app.use(errorHandler());
  app.use(bodyParser());
  app.configure(rest());
  if (models) {
    for (let i = 0; i < models; i++) app.use(`api/Model${i}`, makeService(`Model${i}`));
  } else {
    app.use('api/Todos/count', new TodoCount(null));
    app.use('api/Todos', makeService('Todo'));
    app.service('api/Todos/count').todos = app.service('api/Todos');
    app.use('api/Orders', makeService('Order'));
    app.use('api/Customers', makeService('Customer'));
    // LB3 answers a missing title with 422; the memory adapter would store it.
    app.service('api/Todos').hooks({
      before: {
        // Query strings carry text; the generated app's query schema would coerce it (TypeBox +
        // AJV); this hook does only what the workloads need.
        find: [
          async (ctx) => {
            const q = ctx.params.query;
            if (q && q.priority && q.priority.$gt !== undefined)
              ctx.params.query = { ...q, priority: { ...q.priority, $gt: Number(q.priority.$gt) } };
          },
        ],
        create: [
          async (ctx) => {
            if (typeof ctx.data.title !== 'string')
              throw new (require('@feathersjs/errors').Unprocessable)('title is required');
          },
        ],
      },
    });
    app.service('api/Customers').hooks({
      before: {
        find: [
          async (ctx) => {
            if (ctx.params.query && ctx.params.query.$include === 'orders') {
              const { $include: _include, ...query } = ctx.params.query;
              ctx.params = { ...ctx.params, query, includeOrders: true };
            }
          },
        ],
      },
      after: {
        find: [
          async (ctx) => {
            if (!ctx.params.includeOrders || !ctx.result.length) return;
            const ids = ctx.result.map((c) => c.id);
            // On PostgreSQL the LB3 connector made the column lower-case; knex returns it as is.
            const fk = storeName === 'postgresql' ? 'customerid' : 'customerId';
            const orders = await app
              .service('api/Orders')
              .find({ query: { [fk]: { $in: ids }, $sort: { id: 1 } } });
            const by = new Map();
            for (const o of orders) {
              const row = fk === 'customerId' ? o : { total: o.total, customerId: o[fk], id: o.id };
              if (!by.has(row.customerId)) by.set(row.customerId, []);
              by.get(row.customerId).push(row);
            }
            ctx.result = ctx.result.map((c) => ({ ...c, orders: by.get(c.id) || [] }));
          },
        ],
      },
    });
    if (storeName === 'memory') {
      const todos = app.service('api/Todos');
      for (const row of makeRows(Number(process.env.SEED_ROWS || 1000))) await todos._create(row);
      const c = makeCustomers();
      for (const row of c.customers) await app.service('api/Customers')._create(row);
      for (const row of c.orders) await app.service('api/Orders')._create(row);
    }
  }
  const server = await app.listen(Number(process.env.PORT || 0), '127.0.0.1');
  if (!server.listening) await new Promise((resolve) => server.once('listening', resolve));
  console.log(`READY ${server.address().port}`);
}

process.on('SIGTERM', () => process.exit(0));
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
