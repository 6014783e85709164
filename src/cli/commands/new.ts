import * as fs from 'fs';
import * as path from 'path';
import { parseArgs, stringFlag } from '../args';
import { appFiles } from '../app-template';
import { CliError } from '../cli-error';
import type { Command } from '../command';
import { writeJson } from '../json-file';

/** loopline's own folder: the same relative path from src/cli/commands and from dist/cli/commands. */
const OWN_ROOT = path.resolve(__dirname, '../../..');

/**
 * The dependency the new app gets when `--loopline` is not given: an installed loopline (inside
 * some node_modules) names its version; a loopline run from its own clone names that folder, so
 * `npx loopline new demo && cd demo && npm install && npm start` works from a checkout.
 */
function defaultSpec(): string {
  if (OWN_ROOT.split(path.sep).includes('node_modules')) {
    return `^${(JSON.parse(fs.readFileSync(path.join(OWN_ROOT, 'package.json'), 'utf8')) as { version: string }).version}`;
  }
  return `file:${OWN_ROOT}`;
}

export const newCommand: Command = {
  name: 'new',
  usage: 'new <app> [--loopline <npm spec, e.g. file:../loopline>]',
  async run(argv, ctx) {
    const args = parseArgs(argv, { loopline: 'string' }, 'new');
    const name = args.positional[0] ?? (ctx.prompter ? await ctx.prompter.ask('App name', 'my-app') : undefined);
    if (!name) throw new CliError('CLI_USAGE', 'loopline new needs the app\'s name, e.g. "loopline new demo".');
    const packageName = path.basename(name);
    if (!/^[a-z0-9][a-z0-9._-]*$/.test(packageName)) throw new CliError('CLI_INVALID_VALUE', `"${packageName}" cannot be a package name: use lower-case letters, digits, ".", "_" and "-".`);
    const dir = path.resolve(ctx.cwd, name);
    if (fs.existsSync(dir) && fs.readdirSync(dir).length) throw new CliError('CLI_ALREADY_EXISTS', `${dir} exists and is not empty; pick another name or remove it.`);
    const files = appFiles(packageName, stringFlag(args, 'loopline') ?? defaultSpec());
    for (const [rel, content] of Object.entries(files)) {
      const file = path.join(dir, rel);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      if (typeof content === 'string') fs.writeFileSync(file, content);
      else writeJson(file, content);
    }
    // The folder as the user named it: relative stays relative, absolute stays absolute.
    ctx.log(`Created ${name}. Next:\n  cd ${name}\n  npm install\n  npx loopline model Note --property title:string:required\n  npm start`);
  },
};
