'use strict';
// Fastify 5 written by hand as its docs recommend: routes with JSON schemas for the query, the
// body and every response (fast-json-stringify writes the answers), over the same store code as
// the other hand-written peers (../shared/handwritten: a Map, or parameterised SQL over pg/mysql2).
// Routes and answers are LB3's.
const fastify = require('fastify');
const { openStore } = require('../shared/handwritten');

const store = openStore();
const app = fastify({ logger: false });

const todo = {
  type: 'object',
  properties: {
    title: { type: 'string' },
    done: { type: 'boolean' },
    priority: { type: ['number', 'null'] },
    createdAt: { type: 'string', format: 'date-time' },
    id: { type: 'number' },
  },
};
const order = {
  type: 'object',
  properties: { total: { type: 'number' }, customerId: { type: 'number' }, id: { type: 'number' } },
};
const customer = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    email: { type: 'string' },
    id: { type: 'number' },
    orders: { type: 'array', items: order },
  },
};
const error = {
  type: 'object',
  properties: {
    error: { type: 'object', properties: { statusCode: { type: 'number' }, message: { type: 'string' } } },
  },
};
const filterQuery = { type: 'object', properties: { filter: { type: 'string' } } };
const idParams = { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] };

function parseFilter(req, reply) {
  try {
    return req.query.filter ? JSON.parse(req.query.filter) : {};
  } catch {
    reply.code(400);
    return undefined;
  }
}

app.get(
  '/api/Todos',
  { schema: { querystring: filterQuery, response: { 200: { type: 'array', items: todo }, 400: error } } },
  async (req, reply) => {
    const filter = parseFilter(req, reply);
    return filter ? store.list(filter) : { error: { statusCode: 400, message: 'bad filter' } };
  },
);
app.get(
  '/api/Todos/count',
  { schema: { response: { 200: { type: 'object', properties: { count: { type: 'number' } } } } } },
  async () => ({ count: await store.count() }),
);
app.get(
  '/api/Todos/:id',
  { schema: { params: idParams, response: { 200: todo, 404: error } } },
  async (req, reply) => {
    const row = await store.get(req.params.id);
    if (!row) return reply.code(404).send({ error: { statusCode: 404, message: 'not found' } });
    return row;
  },
);
app.post(
  '/api/Todos',
  {
    schema: {
      body: {
        type: 'object',
        required: ['title'],
        properties: {
          title: { type: 'string' },
          done: { type: 'boolean' },
          priority: { type: 'number' },
          createdAt: { type: 'string', format: 'date-time' },
        },
      },
      response: { 200: todo },
    },
  },
  async (req) => store.create(req.body),
);
app.patch(
  '/api/Todos/:id',
  {
    schema: {
      params: idParams,
      body: {
        type: 'object',
        properties: { title: { type: 'string' }, done: { type: 'boolean' }, priority: { type: 'number' } },
      },
      response: { 200: todo, 404: error },
    },
  },
  async (req, reply) => {
    const row = await store.patch(req.params.id, req.body);
    if (!row) return reply.code(404).send({ error: { statusCode: 404, message: 'not found' } });
    return row;
  },
);
app.get(
  '/api/Customers',
  { schema: { querystring: filterQuery, response: { 200: { type: 'array', items: customer }, 400: error } } },
  async (req, reply) => {
    const filter = parseFilter(req, reply);
    return filter ? store.customers(filter) : { error: { statusCode: 400, message: 'bad filter' } };
  },
);

// Boot probe (BENCH_MODELS=N): list, get and create routes with schemas for N more models.
for (const [name, rows] of store.collections) {
  const props = { id: { type: 'number' } };
  for (let p = 0; p < 10; p++)
    props[`field${p}`] = { type: ['string', 'number', 'boolean', 'string'][p % 4] };
  const schema = { type: 'object', properties: props };
  app.get(`/api/${name}`, { schema: { response: { 200: { type: 'array', items: schema } } } }, async () =>
    Array.from(rows.values()),
  );
  app.get(
    `/api/${name}/:id`,
    { schema: { params: idParams, response: { 200: schema } } },
    async (req, reply) => rows.get(req.params.id) || reply.code(404).send(),
  );
  app.post(
    `/api/${name}`,
    { schema: { body: { ...schema, required: ['field0'] }, response: { 200: schema } } },
    async (req) => {
      const row = { ...req.body, id: rows.size + 1 };
      rows.set(row.id, row);
      return row;
    },
  );
}

process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
app
  .listen({ port: Number(process.env.PORT || 0), host: '127.0.0.1' })
  .then(() => console.log(`READY ${app.server.address().port}`));
