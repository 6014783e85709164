import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { booleanFlag, findOneOf, notOneOf, stringFlag } from '../args';
import { appFiles, TEMPLATES, TemplateName } from '../app-template';
import { obtainRequired } from '../ask';
import { CliError } from '../cli-error';
import type { Command, CliContext } from '../command';
import { connectorNames, connectorProblem } from '../connector-names';
import { defaultPort, keepsAFile, nativeDriverOf } from '../connector-settings';
import { writeJson } from '../json-file';

/** loopline's own folder: the same relative path from src/cli/commands and from dist/cli/commands. */
const OWN_ROOT = path.resolve(__dirname, '../../..');

/**
 * The dependency the new app gets when `--loopline` is not given: an installed loopline (inside
 * some node_modules) names its version; a loopline run from its own clone names that folder, so
 * `npx loopline new demo` works from a checkout.
 */
function defaultSpec(): string {
  if (OWN_ROOT.split(path.sep).includes('node_modules')) {
    return `^${(JSON.parse(fs.readFileSync(path.join(OWN_ROOT, 'package.json'), 'utf8')) as { version: string }).version}`;
  }
  return `file:${OWN_ROOT}`;
}

function packageNameProblem(name: string): string | undefined {
  const base = path.basename(name);
  return /^[a-z0-9][a-z0-9._-]*$/.test(base)
    ? undefined
    : `"${base}" cannot be a package name: use lower-case letters, digits, ".", "_" and "-".`;
}

/** The `db` data source of a new app on `connector`: a database named after the app on the usual local server, or a file for the stores kept in one. */
function dbSettings(connector: string, appName: string): Record<string, unknown> {
  const port = defaultPort(connector);
  if (port)
    return {
      name: 'db',
      connector,
      host: 'localhost',
      port,
      database: appName.replace(/[^A-Za-z0-9_]/g, '_'),
    };
  if (keepsAFile(connector) && connector !== 'memory')
    return { name: 'db', connector, file: 'server/data/db.sqlite' };
  return { name: 'db', connector };
}

/** `npm install` in the new folder, its output shown as it goes; resolves to npm's exit code. */
function npmInstall(dir: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(
      process.platform === 'win32' ? 'npm.cmd' : 'npm',
      ['install', '--no-fund', '--no-audit'],
      { cwd: dir, stdio: ['ignore', 'inherit', 'inherit'] },
    );
    child.once('error', () => resolve(127));
    child.once('exit', (code) => resolve(code ?? 1));
  });
}

/** `loopline migrate --datasource db` in the new folder, by the loopline it installed; resolves to its exit code. */
function migrateNewApp(dir: string): Promise<number> {
  const cli = path.join(dir, 'node_modules', 'loopline', 'dist', 'cli', 'index.js');
  if (!fs.existsSync(cli)) return Promise.resolve(1);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, 'migrate', '--datasource', 'db'], {
      cwd: dir,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.once('error', () => resolve(127));
    child.once('exit', (code) => resolve(code ?? 1));
  });
}

async function chooseTemplate(given: string | undefined, ctx: CliContext): Promise<TemplateName> {
  if (given === undefined)
    return ctx.prompter
      ? ((await ctx.prompter.choose({
          message: 'Template',
          choices: TEMPLATES,
          default: 'empty',
        })) as TemplateName)
      : 'empty';
  const hit = findOneOf(given, TEMPLATES);
  if (!hit) throw new CliError('CLI_INVALID_VALUE', `--template ${notOneOf(given, TEMPLATES)}.`);
  return hit as TemplateName;
}

export const newCommand: Command = {
  name: 'new',
  summary: 'create an app folder (models, config, tests, lint) and install it',
  arguments: [{ name: 'app', help: 'the folder to create; its last part names the package' }],
  flags: {
    template: {
      kind: 'string',
      value: 'name',
      help: `what the app starts with: ${TEMPLATES.join(', ')} (default empty)`,
    },
    datasource: {
      kind: 'string',
      value: 'connector',
      get help() {
        return `the connector of its db data source: ${connectorNames().join(', ')} (default memory)`;
      },
    },
    'skip-install': { kind: 'boolean', help: 'write the files but do not run npm install' },
    loopline: {
      kind: 'string',
      value: 'spec',
      help: "the app's loopline dependency, an npm spec (default: this loopline's version; file:<clone> from a clone)",
    },
  },
  examples: [
    'new demo',
    'new notes-api --template notes --datasource postgresql',
    'new demo --skip-install --loopline file:../loopline',
  ],
  async run(args, ctx) {
    const name = await obtainRequired(
      ctx,
      'new',
      {
        flag: '<app>',
        given: args.positional[0],
        message: 'App name (its folder)',
        default: 'my-app',
        check: packageNameProblem,
      },
      'loopline new demo',
    );
    const packageName = path.basename(name);
    const dir = path.resolve(ctx.cwd, name);
    if (fs.existsSync(dir) && fs.readdirSync(dir).length)
      throw new CliError(
        'CLI_ALREADY_EXISTS',
        `${dir} exists and is not empty; pick another name or remove it.`,
      );
    const template = await chooseTemplate(stringFlag(args, 'template'), ctx);
    const givenConnector = stringFlag(args, 'datasource');
    if (givenConnector !== undefined) {
      const problem = connectorProblem(givenConnector, ctx.cwd);
      if (problem) throw new CliError('CLI_INVALID_VALUE', `--datasource ${problem}`);
    }
    const connector =
      givenConnector ??
      (ctx.prompter
        ? await ctx.prompter.choose({
            message: 'Data source (connector of db)',
            choices: connectorNames(),
            default: 'memory',
          })
        : 'memory');
    const install = booleanFlag(args, 'skip-install') !== true;
    const files = appFiles(packageName, stringFlag(args, 'loopline') ?? defaultSpec(), {
      template,
      db: dbSettings(connector, packageName),
    });
    for (const [rel, content] of Object.entries(files)) {
      const file = path.join(dir, rel);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      if (typeof content === 'string') fs.writeFileSync(file, content);
      else writeJson(file, content);
    }
    // The folder as the user named it: relative stays relative, absolute stays absolute.
    ctx.log(`Created ${name} (template ${template}, data source db on ${connector}).`);
    if (install) {
      ctx.log(`Running npm install in ${name}…`);
      const code = await npmInstall(dir);
      if (code !== 0)
        throw new CliError(
          'CLI_INSTALL_FAILED',
          `npm install in ${name} failed (exit code ${code}); the app's files are written: fix the cause, then run "cd ${name} && npm install".`,
        );
    }
    // An embedded SQL store (SQLite) gets its tables at once where loopline is installed; a server
    // database must be created first, so its two steps are only named.
    let database = defaultPort(connector)
      ? `\n  createdb ${String(dbSettings(connector, packageName).database)}   # or CREATE DATABASE, for the db data source\n  npx loopline migrate --datasource db`
      : '';
    if (nativeDriverOf(connector)) {
      const migrated = install && (await migrateNewApp(dir)) === 0;
      if (migrated) ctx.log('Created the tables of the db data source (loopline migrate --datasource db).');
      else database = '\n  npx loopline migrate --datasource db   # creates the tables';
    }
    ctx.log(
      `Next:\n  cd ${name}${install ? '' : '\n  npm install'}${database}\n  npm start      # or npm run dev, npm test, npm run lint`,
    );
  },
};
