'use strict';
// The practical limit on a SQL store: the same routes written by hand on Express 5 with
// hand-written parameterised SQL over `pg` or `mysql2` (BENCH_STORE=postgresql|mysql), against
// the tables the LB3 and loopline targets use (created and seeded by the first target).
const express = require('express');

const store = process.env.BENCH_STORE;
const settings = JSON.parse(process.env.BENCH_STORE_SETTINGS || '{}');
const pg = store === 'postgresql';

let query;
if (pg) {
  const { Pool } = require('pg');
  const pool = new Pool({
    host: settings.host,
    port: settings.port,
    user: settings.user,
    password: settings.password,
    database: settings.database,
    max: 10,
  });
  query = async (sql, params) => (await pool.query(sql, params)).rows;
} else {
  const mysql = require('mysql2/promise');
  const pool = mysql.createPool({
    host: settings.host,
    port: settings.port,
    user: settings.user,
    password: settings.password,
    database: settings.database,
    connectionLimit: 10,
    timezone: 'Z',
  });
  query = async (sql, params) => (await pool.query(sql, params))[0];
}

// Table and column names as each store's LB3 connector names them.
const T = pg
  ? {
      todo: 'todo',
      customer: 'customer',
      order: '"order"',
      createdAt: 'createdat',
      customerId: 'customerid',
      p: (n) => `$${n}`,
    }
  : {
      todo: '`Todo`',
      customer: '`Customer`',
      order: '`Order`',
      createdAt: '`createdAt`',
      customerId: '`customerId`',
      p: () => '?',
    };

function todo(r) {
  return {
    title: r.title,
    done: r.done === true || r.done === 1,
    priority: r.priority,
    createdAt: r[pg ? 'createdat' : 'createdAt'],
    id: r.id,
  };
}

const app = express();
app.use(express.json());

app.get('/api/Todos', async (req, res, next) => {
  try {
    const filter = req.query.filter ? JSON.parse(req.query.filter) : {};
    const params = [];
    let sql = `SELECT title, done, priority, ${T.createdAt}, id FROM ${T.todo}`;
    if (filter.where && filter.where.priority && filter.where.priority.gt !== undefined) {
      params.push(filter.where.priority.gt);
      sql += ` WHERE priority > ${T.p(params.length)}`;
    }
    sql += filter.order === 'priority DESC' ? ' ORDER BY priority DESC' : ' ORDER BY id';
    params.push(filter.limit || 100);
    sql += ` LIMIT ${T.p(params.length)}`;
    res.json((await query(sql, params)).map(todo));
  } catch (err) {
    next(err);
  }
});
app.get('/api/Todos/count', async (req, res, next) => {
  try {
    const [row] = await query(`SELECT COUNT(*) AS count FROM ${T.todo}`, []);
    res.json({ count: Number(row.count) });
  } catch (err) {
    next(err);
  }
});
app.get('/api/Todos/:id', async (req, res, next) => {
  try {
    const [row] = await query(
      `SELECT title, done, priority, ${T.createdAt}, id FROM ${T.todo} WHERE id = ${T.p(1)}`,
      [Number(req.params.id)],
    );
    if (!row) return res.status(404).json({ error: { statusCode: 404 } });
    res.json(todo(row));
  } catch (err) {
    next(err);
  }
});
app.post('/api/Todos', async (req, res, next) => {
  try {
    if (typeof req.body.title !== 'string') return res.status(422).json({ error: { statusCode: 422 } });
    const values = [req.body.title, req.body.done === true, req.body.priority ?? null];
    let id;
    if (pg)
      id = (
        await query('INSERT INTO todo (title, done, priority) VALUES ($1, $2, $3) RETURNING id', values)
      )[0].id;
    else id = (await query('INSERT INTO `Todo` (title, done, priority) VALUES (?, ?, ?)', values)).insertId;
    res.json({ title: values[0], done: values[1], priority: values[2], id });
  } catch (err) {
    next(err);
  }
});
app.patch('/api/Todos/:id', async (req, res, next) => {
  try {
    const id = Number(req.params.id);
    await query(`UPDATE ${T.todo} SET done = ${T.p(1)} WHERE id = ${T.p(2)}`, [req.body.done === true, id]);
    const [row] = await query(
      `SELECT title, done, priority, ${T.createdAt}, id FROM ${T.todo} WHERE id = ${T.p(1)}`,
      [id],
    );
    if (!row) return res.status(404).json({ error: { statusCode: 404 } });
    res.json(todo(row));
  } catch (err) {
    next(err);
  }
});
// The include done by hand: a page of customers, then their orders in one query.
app.get('/api/Customers', async (req, res, next) => {
  try {
    const filter = req.query.filter ? JSON.parse(req.query.filter) : {};
    const customers = await query(`SELECT name, email, id FROM ${T.customer} ORDER BY id LIMIT ${T.p(1)}`, [
      filter.limit || 100,
    ]);
    if (filter.include === 'orders' && customers.length) {
      const ids = customers.map((c) => c.id);
      const marks = ids.map((_, i) => T.p(i + 1)).join(', ');
      const orders = await query(
        `SELECT total, ${T.customerId}, id FROM ${T.order} WHERE ${T.customerId} IN (${marks}) ORDER BY id`,
        ids,
      );
      const by = new Map();
      for (const o of orders) {
        const row = { total: o.total, customerId: o[pg ? 'customerid' : 'customerId'], id: o.id };
        if (!by.has(row.customerId)) by.set(row.customerId, []);
        by.get(row.customerId).push(row);
      }
      for (const c of customers) c.orders = by.get(c.id) || [];
    }
    res.json(customers);
  } catch (err) {
    next(err);
  }
});

const server = app.listen(Number(process.env.PORT), '127.0.0.1', () =>
  console.log(`READY ${server.address().port}`),
);
