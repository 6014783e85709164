'use strict';
// One DAO-level workload on one target, in its own process; prints {opsPerSec} as JSON.
const path = require('path');

const [target, workload, durationMs, rowsArg] = process.argv.slice(2);
const rows = Number(rowsArg || 10000);

function dataSource() {
  if (target === 'juggler') {
    const { DataSource } = require('loopback-datasource-juggler');
    return new DataSource({ connector: 'memory' });
  }
  const loopline = require(path.join(__dirname, '..', 'dist'));
  return loopline.createDataSource({ connector: 'memory' });
}

async function main() {
  const ds = dataSource();
  const Todo = ds.createModel('Todo', {
    title: { type: 'string', required: true },
    done: 'boolean',
    priority: 'number',
    createdAt: 'date',
  });
  const seed = [];
  for (let i = 0; i < rows; i++)
    seed.push({
      title: `todo ${i}`,
      done: i % 3 === 0,
      priority: (i * 37) % 100,
      createdAt: new Date(1700000000000 + i * 1000),
    });
  for (let i = 0; i < seed.length; i += 1000) await Todo.create(seed.slice(i, i + 1000));
  const ops = {
    findById: (i) => Todo.findById(1 + ((i * 7919) % rows)),
    find: () =>
      Todo.find({ where: { priority: { gt: 50 }, done: false }, order: 'priority DESC', limit: 20 }),
    create: (i) => Todo.create({ title: `new ${i}`, done: false, priority: i % 100, createdAt: new Date() }),
  };
  const op = ops[workload];
  // warm-up
  for (let i = 0; i < 200; i++) await op(i);
  const end = Date.now() + Number(durationMs);
  let count = 0;
  const start = process.hrtime.bigint();
  while (Date.now() < end) {
    await op(count);
    count++;
  }
  const secs = Number(process.hrtime.bigint() - start) / 1e9;
  process.stdout.write(JSON.stringify({ opsPerSec: count / secs, count }) + '\n');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
