'use strict';
// The practical limit on a SQL store: the same routes written by hand on Express 5 with
// hand-written parameterised SQL over `pg` or `mysql2` (BENCH_STORE=postgresql|mysql), against
// the tables the LB3 and loopline targets use (created and seeded by the first target). The
// statements are the hand-written peers' shared SQL store (../shared/handwritten/sql.js), so
// Express, Fastify and node:http differ only in their HTTP layer.
const express = require('express');
const { sqlStore } = require('../shared/handwritten/sql');

const store = sqlStore();
const filterOf = (req) => (req.query.filter ? JSON.parse(req.query.filter) : {});

const app = express();
app.use(express.json());

app.get('/api/Todos', async (req, res, next) => {
  try {
    res.json(await store.list(filterOf(req)));
  } catch (err) {
    next(err);
  }
});
app.get('/api/Todos/count', async (req, res, next) => {
  try {
    res.json({ count: await store.count() });
  } catch (err) {
    next(err);
  }
});
app.get('/api/Todos/:id', async (req, res, next) => {
  try {
    const row = await store.get(Number(req.params.id));
    if (!row) return res.status(404).json({ error: { statusCode: 404 } });
    res.json(row);
  } catch (err) {
    next(err);
  }
});
app.post('/api/Todos', async (req, res, next) => {
  try {
    if (typeof req.body.title !== 'string') return res.status(422).json({ error: { statusCode: 422 } });
    res.json(await store.create(req.body));
  } catch (err) {
    next(err);
  }
});
app.patch('/api/Todos/:id', async (req, res, next) => {
  try {
    const row = await store.patch(Number(req.params.id), req.body);
    if (!row) return res.status(404).json({ error: { statusCode: 404 } });
    res.json(row);
  } catch (err) {
    next(err);
  }
});
// The include done by hand: a page of customers, then their orders in one query.
app.get('/api/Customers', async (req, res, next) => {
  try {
    res.json(await store.customers(filterOf(req)));
  } catch (err) {
    next(err);
  }
});

const server = app.listen(Number(process.env.PORT), '127.0.0.1', () =>
  console.log(`READY ${server.address().port}`),
);
