'use strict';
// The store of a hand-written peer: BENCH_STORE=postgresql|mysql → ./sql, otherwise ./memory.
function openStore() {
  const store = process.env.BENCH_STORE || 'memory';
  return store === 'memory' ? require('./memory').memoryStore() : require('./sql').sqlStore();
}
module.exports = { openStore };
