'use strict';

// `node server` lands here; start the app the way `node server/server.js` does.
const app = require('./server');

if (app.booting === false) app.start();
else app.once('booted', () => app.start());
