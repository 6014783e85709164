/**
 * The development tooling of a new app: a test runner (node:test, nothing to install), ESLint's
 * flat config with its recommended rules, and a tsconfig.json so editors type-check the JavaScript
 * against loopline's declarations and the app's own (`npm run types`).
 */
export const ESLINT_CONFIG_JS = `'use strict';

const js = require('@eslint/js');

module.exports = [
  { ignores: ['node_modules/', 'server/data/'] },
  js.configs.recommended,
  {
    files: ['**/*.js'],
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', exports: 'writable', __dirname: 'readonly', __filename: 'readonly', process: 'readonly', console: 'readonly', fetch: 'readonly', URL: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' },
    },
    // A model script takes its model whether it uses it yet or not (module.exports = function (Note) {}).
    rules: { 'no-unused-vars': ['error', { args: 'none' }] },
  },
];
`;

export const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'node16',
    moduleResolution: 'node16',
    allowJs: true,
    checkJs: false,
    noEmit: true,
    strict: true,
    skipLibCheck: true,
  },
  include: ['common', 'server', 'test'],
};

export const SCRIPTS = {
  start: 'node .',
  dev: 'node --watch server/server.js',
  test: 'node --test',
  lint: 'eslint .',
  types: 'loopline types server',
};

export const DEV_DEPENDENCIES = { eslint: '^9.39.0', '@eslint/js': '^9.39.0' };

/**
 * test/support/app.js: boots the app (as `require('../server/server')` does), serves it on a free
 * port of 127.0.0.1 for the test file, and closes it after.
 */
export const TEST_SUPPORT_JS = `'use strict';

const { once } = require('node:events');
const path = require('node:path');
const { before, after } = require('node:test');
const app = require(path.join(__dirname, '..', '..', 'server', 'server'));

/** The app served on a free local port for the tests of one file; \`base()\` is its URL. */
function serveApp() {
  let server;
  let url;
  before(async () => {
    if (app.booting) await once(app, 'booted');
    // A SQL store's tables are made, or brought up to date keeping their rows, before the tests.
    for (const ds of new Set(Object.values(app.dataSources))) await ds.autoupdate();
    server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = \`http://127.0.0.1:\${server.address().port}\`;
  });
  after(() => new Promise((resolve) => server.close(resolve)));
  return { app, base: () => url };
}

module.exports = { serveApp };
`;

export const ROOT_TEST_JS = `'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { serveApp } = require('./support/app');

const { base } = serveApp();

test('GET / answers with the time the server started and its uptime', async () => {
  const res = await fetch(\`\${base()}/\`);
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(typeof body.started, 'string');
  assert.equal(typeof body.uptime, 'number');
});

test('an unknown path is a 404', async () => {
  const res = await fetch(\`\${base()}/api/nothing-here\`);
  assert.equal(res.status, 404);
});
`;
