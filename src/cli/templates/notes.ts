/** The notes template: a `Note` model on the app's data source, with its REST CRUD and a test of it. */
export const NOTES_FILES: Record<string, string | Record<string, unknown>> = {
  'common/models/note.json': {
    name: 'Note',
    base: 'PersistedModel',
    idInjection: true,
    options: { validateUpsert: true },
    properties: {
      title: { type: 'string', required: true },
      body: { type: 'string' },
      done: { type: 'boolean', default: false },
    },
    validations: [],
    relations: {},
    acls: [],
    methods: {},
  },
  'common/models/note.js': `'use strict';

module.exports = function (Note) {};
`,
  'test/note.test.js': `'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { serveApp } = require('./support/app');

const { base } = serveApp();
const json = { 'content-type': 'application/json' };

test('a note is created, listed, changed and deleted over REST', async () => {
  const created = await fetch(\`\${base()}/api/Notes\`, { method: 'POST', headers: json, body: JSON.stringify({ title: 'Buy milk' }) });
  assert.equal(created.status, 200);
  const note = await created.json();
  assert.equal(note.title, 'Buy milk');
  assert.equal(note.done, false);

  const list = await (await fetch(\`\${base()}/api/Notes?filter=\${encodeURIComponent(JSON.stringify({ where: { id: note.id } }))}\`)).json();
  // A SQL store answers an unset property as null, the memory store leaves it out: compare what was set.
  assert.deepEqual(list.map((n) => [n.id, n.title, n.done]), [[note.id, 'Buy milk', false]]);

  const patched = await fetch(\`\${base()}/api/Notes/\${note.id}\`, { method: 'PATCH', headers: json, body: JSON.stringify({ done: true }) });
  assert.equal((await patched.json()).done, true);

  assert.equal((await fetch(\`\${base()}/api/Notes/\${note.id}\`, { method: 'DELETE' })).status, 200);
  assert.equal((await fetch(\`\${base()}/api/Notes/\${note.id}\`)).status, 404);
});

test('a note without a title is refused with 422', async () => {
  const res = await fetch(\`\${base()}/api/Notes\`, { method: 'POST', headers: json, body: JSON.stringify({ body: 'no title' }) });
  assert.equal(res.status, 422);
  assert.equal((await res.json()).error.code, 'VALIDATION_FAILED');
});
`,
};

export const NOTES_MODEL_CONFIG = { Note: { dataSource: 'db', public: true } };
