'use strict';
// The floor: the same routes on bare node:http — no framework, a hand-written router over the
// URL, JSON.parse / JSON.stringify — over the same store code as the other hand-written peers
// (../shared/handwritten: a Map, or parameterised SQL over pg/mysql2). Routes and answers are LB3's.
const http = require('http');
const { openStore } = require('../shared/handwritten');

const store = openStore();

function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function readJson(req) {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (d) => {
      text += d;
      if (text.length > 100000) reject(Object.assign(new Error('too large'), { status: 413 }));
    });
    req.on('end', () => {
      try {
        resolve(text ? JSON.parse(text) : {});
      } catch {
        reject(Object.assign(new Error('bad json'), { status: 400 }));
      }
    });
    req.on('error', reject);
  });
}

function filterOf(url) {
  const f = url.searchParams.get('filter');
  return f ? JSON.parse(f) : {};
}

async function handle(req, res) {
  const url = new URL(req.url, 'http://x');
  const parts = url.pathname.split('/'); // ['', 'api', Model, id?]
  if (parts[1] !== 'api' || parts.length > 4)
    return send(res, 404, { error: { statusCode: 404, message: 'not found' } });
  const [, , model, rest] = parts;
  if (model === 'Todos') {
    if (rest === undefined) {
      if (req.method === 'GET') return send(res, 200, await store.list(filterOf(url)));
      if (req.method === 'POST') {
        const body = await readJson(req);
        if (typeof body.title !== 'string')
          return send(res, 422, { error: { statusCode: 422, message: 'title is required' } });
        return send(res, 200, await store.create(body));
      }
    } else if (rest === 'count' && req.method === 'GET') {
      return send(res, 200, { count: await store.count() });
    } else if (/^\d+$/.test(rest)) {
      const id = Number(rest);
      const row =
        req.method === 'GET'
          ? await store.get(id)
          : req.method === 'PATCH'
            ? await store.patch(id, await readJson(req))
            : null;
      if (row === null) return send(res, 405, { error: { statusCode: 405, message: 'method not allowed' } });
      return row ? send(res, 200, row) : send(res, 404, { error: { statusCode: 404, message: 'not found' } });
    }
  } else if (model === 'Customers' && rest === undefined && req.method === 'GET') {
    return send(res, 200, await store.customers(filterOf(url)));
  } else if (store.collections.has(model) && rest === undefined && req.method === 'GET') {
    return send(res, 200, Array.from(store.collections.get(model).values()));
  }
  return send(res, 404, { error: { statusCode: 404, message: 'not found' } });
}

const server = http.createServer((req, res) => {
  handle(req, res).catch((err) =>
    send(res, err.status || (err instanceof SyntaxError ? 400 : 500), {
      error: { statusCode: err.status || 500, message: err.message },
    }),
  );
});
process.on('SIGTERM', () => process.exit(0));
server.listen(Number(process.env.PORT || 0), '127.0.0.1', () =>
  console.log(`READY ${server.address().port}`),
);
