import * as fs from 'fs';
import * as path from 'path';
import { findApp } from '../app-layout';
import { obtainRequired } from '../ask';
import { CliError } from '../cli-error';
import type { Command } from '../command';

function scriptNameProblem(name: string): string | undefined {
  return /^[a-z0-9][a-z0-9._-]*$/i.test(name) && !name.endsWith('.js')
    ? undefined
    : `"${name}" cannot name a boot script: use letters, digits, ".", "_" and "-" (without .js).`;
}

const SCRIPT = (name: string) => `'use strict';

/**
 * Runs once at boot, after the models, data sources and middleware are set up and before the app
 * listens (boot scripts run in file-name order). Return a promise, or take a callback as second
 * argument, to make boot wait for work such as seeding data.
 */
module.exports = async function ${name.replace(/[^A-Za-z0-9_$]/g, '_').replace(/^(\\d)/, '_$1')}(app) {
  // e.g. await app.models.Note.findOrCreate({ where: { title: 'Welcome' } }, { title: 'Welcome' });
};
`;

export const bootScriptCommand: Command = {
  name: 'boot-script',
  summary: 'add a boot script, server/boot/<name>.js, that boot runs before the app listens',
  arguments: [{ name: 'name', help: 'the file name, without .js' }],
  flags: {},
  examples: ['boot-script seed'],
  async run(args, ctx) {
    const app = findApp(ctx.cwd);
    const name = await obtainRequired(
      ctx,
      'boot-script',
      { flag: '<name>', given: args.positional[0], message: 'Boot script name', check: scriptNameProblem },
      'loopline boot-script seed',
    );
    const file = path.join(app.serverDir, 'boot', `${name}.js`);
    if (fs.existsSync(file))
      throw new CliError(
        'CLI_ALREADY_EXISTS',
        `${path.relative(ctx.cwd, file)} exists already; edit it, or pick another name.`,
      );
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, SCRIPT(name));
    ctx.log(`Created ${path.relative(ctx.cwd, file)}.`);
  },
};
