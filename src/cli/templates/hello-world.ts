/** The hello-world template: one model without a store, `Greeting`, with one remote method. */
export const HELLO_WORLD_FILES: Record<string, string | Record<string, unknown>> = {
  'common/models/greeting.json': {
    name: 'Greeting',
    base: 'Model',
    properties: {},
    validations: [],
    relations: {},
    acls: [],
    methods: {
      hello: {
        description: 'Greets the person named.',
        accepts: [
          {
            arg: 'name',
            type: 'string',
            http: { source: 'query' },
            description: 'who to greet (default: world)',
          },
        ],
        returns: { arg: 'greeting', type: 'string' },
        http: { verb: 'get', path: '/hello' },
      },
    },
  },
  'common/models/greeting.js': `'use strict';

module.exports = function (Greeting) {
  // GET /api/Greetings/hello?name=Ann answers {"greeting": "Hello, Ann!"}
  Greeting.hello = async function (name) {
    return \`Hello, \${name || 'world'}!\`;
  };
};
`,
  'test/greeting.test.js': `'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { serveApp } = require('./support/app');

const { base } = serveApp();

test('GET /api/Greetings/hello greets the person named', async () => {
  const res = await fetch(\`\${base()}/api/Greetings/hello?name=Ann\`);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { greeting: 'Hello, Ann!' });
});

test('without a name it greets the world', async () => {
  const res = await fetch(\`\${base()}/api/Greetings/hello\`);
  assert.deepEqual(await res.json(), { greeting: 'Hello, world!' });
});
`,
};

export const HELLO_WORLD_MODEL_CONFIG = { Greeting: { dataSource: null, public: true } };
