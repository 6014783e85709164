import { addNativeDriver } from './connector-settings';
import { HELLO_WORLD_FILES, HELLO_WORLD_MODEL_CONFIG } from './templates/hello-world';
import { NOTES_FILES, NOTES_MODEL_CONFIG } from './templates/notes';
import {
  DEV_DEPENDENCIES,
  ESLINT_CONFIG_JS,
  ROOT_TEST_JS,
  SCRIPTS,
  TEST_SUPPORT_JS,
  TSCONFIG,
} from './templates/tooling';

export const TEMPLATES = ['empty', 'hello-world', 'notes'] as const;
export type TemplateName = (typeof TEMPLATES)[number];

export interface AppOptions {
  /** What the app holds besides the skeleton: nothing, a hello-world remote method, or a notes CRUD model. */
  template?: TemplateName;
  /** The `db` data source (the memory store by default). */
  db?: Record<string, unknown>;
}

const TEMPLATE_FILES: Record<
  TemplateName,
  { files: Record<string, string | Record<string, unknown>>; models: Record<string, unknown> }
> = {
  empty: { files: { 'common/models/.gitkeep': '' }, models: {} },
  'hello-world': { files: HELLO_WORLD_FILES, models: HELLO_WORLD_MODEL_CONFIG },
  notes: { files: NOTES_FILES, models: NOTES_MODEL_CONFIG },
};

/**
 * The files of a new app, as LB3's "api-server" template lays them out, so the result is an
 * ordinary LB3 app folder that happens to depend on loopline; with tests (node:test), ESLint and
 * a tsconfig.json for editors.
 */
export function appFiles(
  name: string,
  looplineSpec: string,
  options: AppOptions = {},
): Record<string, string | Record<string, unknown>> {
  const template = TEMPLATE_FILES[options.template ?? 'empty'];
  const pkg: Record<string, unknown> = {
    name,
    version: '1.0.0',
    private: true,
    main: 'server/server.js',
    scripts: SCRIPTS,
    engines: { node: '>=20' },
    dependencies: { loopline: looplineSpec },
    devDependencies: DEV_DEPENDENCIES,
  };
  const connector = options.db?.connector;
  if (typeof connector === 'string') addNativeDriver(pkg, connector);
  return {
    'package.json': pkg,
    '.gitignore': 'node_modules/\nserver/data/\n',
    'README.md': readme(name),
    'eslint.config.js': ESLINT_CONFIG_JS,
    'tsconfig.json': TSCONFIG,
    'test/support/app.js': TEST_SUPPORT_JS,
    'test/root.test.js': ROOT_TEST_JS,
    ...template.files,
    'server/server.js': SERVER_JS,
    'server/boot/root.js': ROOT_JS,
    'server/boot/authentication.js': AUTHENTICATION_JS,
    'server/config.json': {
      restApiRoot: '/api',
      host: '0.0.0.0',
      port: 3000,
      remoting: {
        context: false,
        rest: { handleErrors: false, normalizeHttpPath: false, xml: false },
        json: { strict: false, limit: '100kb' },
        urlencoded: { extended: true, limit: '100kb' },
        cors: false,
      },
    },
    'server/datasources.json': { db: options.db ?? { name: 'db', connector: 'memory' } },
    'server/model-config.json': {
      _meta: {
        sources: ['loopback/common/models', 'loopback/server/models', '../common/models', './models'],
        mixins: ['loopback/common/mixins', 'loopback/server/mixins', '../common/mixins', './mixins'],
      },
      User: { dataSource: 'db' },
      AccessToken: { dataSource: 'db', public: false },
      ACL: { dataSource: 'db', public: false },
      RoleMapping: { dataSource: 'db', public: false },
      Role: { dataSource: 'db', public: false },
      ...template.models,
    },
    'server/middleware.json': {
      'initial:before': { 'loopback#favicon': {} },
      // LB3's template allowed every origin with credentials and set no security headers (its
      // helmet entries came later). Here: helmet's defaults, gzip for clients that ask, and CORS
      // for the origins listed only (none yet: a cross-origin preflight is refused with 403).
      initial: {
        compression: {},
        helmet: {},
        cors: { params: { origin: [], maxAge: 86400 } },
      },
      session: {},
      auth: { 'loopback#token': {} },
      parse: {},
      routes: { 'loopback#rest': { paths: ['${restApiRoot}'] } },
      files: {},
      final: { 'loopback#urlNotFound': {} },
      'final:after': { 'strong-error-handler': {} },
    },
    'server/component-config.json': { 'loopback-component-explorer': { mountPath: '/explorer' } },
  };
}

const SERVER_JS = `'use strict';

const loopback = require('loopline');
const boot = require('loopline/boot');

const app = (module.exports = loopback());

app.start = function () {
  return app.listen(function () {
    app.emit('started');
    const baseUrl = app.get('url').replace(/\\/$/, '');
    console.log('Web server listening at: %s', baseUrl);
    if (app.get('loopback-component-explorer')) {
      console.log('Browse your REST API at %s%s', baseUrl, app.get('loopback-component-explorer').mountPath);
    }
  });
};

// WEB_CONCURRENCY=N (one per core, usually) makes this process fork N workers that each boot
// and serve the app on the shared port; it then serves nothing itself.
if (require.main !== module || !loopback.runWorkers(process.env.WEB_CONCURRENCY)) {
  // Configure models, data sources and middleware from the JSON files, then run server/boot/*.js.
  boot(app, __dirname, function (err) {
    if (err) throw err;
    if (require.main === module) app.start();
  });
}
`;

const ROOT_JS = `'use strict';

module.exports = function (server) {
  // GET / answers with the server's uptime.
  const router = server.loopback.Router();
  router.get('/', server.loopback.status());
  server.use(router);
};
`;

const AUTHENTICATION_JS = `'use strict';

module.exports = function enableAuthentication(server) {
  // Check REST calls against the models' ACLs; models without ACLs stay open.
  server.enableAuth();
};
`;

function readme(name: string): string {
  return `# ${name}

A LoopBack 3-style API on [loopline](https://www.npmjs.com/package/loopline).

\`\`\`sh
npm install          # (done by "loopline new" unless --skip-install)
npm start            # http://localhost:3000/api, explorer at /explorer
npm run dev          # the same, restarted when a file changes
npm test             # test/*.test.js on node:test
npm run lint         # ESLint
\`\`\`

Add to it with the CLI (run inside this folder):

\`\`\`sh
npx loopline model Customer --property name:string:required --property email:string
npx loopline property --model Customer phone:string
npx loopline remote-method --model Customer greet --accepts name:string --returns greeting:string
npx loopline relation --model Customer --type hasMany --target Order
npx loopline datasource --name pg --connector postgresql --database ${name.replace(/[^A-Za-z0-9_]/g, '_')}
npx loopline acl --model Customer --principalType ROLE --principalId '$everyone' --permission DENY --accessType WRITE
npx loopline boot-script seed
npx loopline middleware --phase routes:before --name morgan --params '["dev"]'
npx loopline migrate --datasource pg
npx loopline types   # TypeScript declarations of the models in server/models.d.ts
\`\`\`

Models live in \`common/models\` (one JSON file and one script each); the app's configuration is in
\`server/*.json\`. \`npx loopline --help\` lists every command, \`npx loopline <command> --help\` its flags.

\`server/middleware.json\` sets helmet's security headers, compresses responses for clients that
accept gzip, and allows cross-origin browser requests from no origin: list your front end's
origins in \`initial.cors.params.origin\`, e.g. \`["https://app.example.com"]\` (and add
\`"credentials": true\` only if the browser must send cookies; access tokens travel in the
\`Authorization\` header without it).
`;
}
