'use strict';

// `node server` lands here; start the app the way `node server/server.js` does.
// WEB_CONCURRENCY=N runs N worker processes sharing the port, one per core being the usual N.
const { runWorkers } = require('loopline');

if (!runWorkers(process.env.WEB_CONCURRENCY)) {
  const app = require('./server');
  if (app.booting === false) app.start();
  else app.once('booted', () => app.start());
}
