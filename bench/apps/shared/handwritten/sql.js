'use strict';
// The data layer of the hand-written peers (Express, Fastify, node:http) on a SQL store:
// parameterised statements over `pg` or `mysql2` (BENCH_STORE=postgresql|mysql), against the
// tables the first target of the run created and seeded.

function sqlStore() {
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
  const todo = (r) => ({
    title: r.title,
    done: r.done === true || r.done === 1,
    priority: r.priority,
    createdAt: r[pg ? 'createdat' : 'createdAt'],
    id: r.id,
  });
  const byId = async (id) => {
    const [row] = await query(
      `SELECT title, done, priority, ${T.createdAt}, id FROM ${T.todo} WHERE id = ${T.p(1)}`,
      [id],
    );
    return row && todo(row);
  };

  return {
    async list(filter) {
      const params = [];
      let sql = `SELECT title, done, priority, ${T.createdAt}, id FROM ${T.todo}`;
      if (filter.where && filter.where.priority && filter.where.priority.gt !== undefined) {
        params.push(filter.where.priority.gt);
        sql += ` WHERE priority > ${T.p(params.length)}`;
      }
      sql += filter.order === 'priority DESC' ? ' ORDER BY priority DESC' : ' ORDER BY id';
      params.push(filter.limit || 100);
      sql += ` LIMIT ${T.p(params.length)}`;
      return (await query(sql, params)).map(todo);
    },
    get: byId,
    async count() {
      const [row] = await query(`SELECT COUNT(*) AS count FROM ${T.todo}`, []);
      return Number(row.count);
    },
    async create(body) {
      const values = [body.title, body.done === true, body.priority ?? null];
      let id;
      if (pg)
        id = (
          await query('INSERT INTO todo (title, done, priority) VALUES ($1, $2, $3) RETURNING id', values)
        )[0].id;
      else id = (await query('INSERT INTO `Todo` (title, done, priority) VALUES (?, ?, ?)', values)).insertId;
      return { title: values[0], done: values[1], priority: values[2], id };
    },
    async patch(id, body) {
      await query(`UPDATE ${T.todo} SET done = ${T.p(1)} WHERE id = ${T.p(2)}`, [body.done === true, id]);
      return byId(id);
    },
    async customers(filter) {
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
      return customers;
    },
    collections: new Map(),
  };
}

module.exports = { sqlStore };
