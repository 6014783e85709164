import { booleanFlag, parseArgs, stringFlag } from '../args';
import { findApp } from '../app-layout';
import { bootApp } from '../boot-app';
import { CliError } from '../cli-error';
import type { Command } from '../command';

export const migrateCommand: Command = {
  name: 'migrate',
  usage: 'migrate --datasource <name> [--autoupdate] [--model Name]...',
  async run(argv, ctx) {
    const args = parseArgs(argv, { datasource: 'string', autoupdate: 'boolean', model: 'list' }, 'migrate');
    const layout = findApp(ctx.cwd);
    const name = stringFlag(args, 'datasource') ?? (ctx.prompter ? await ctx.prompter.ask('Data source', 'db') : undefined);
    if (!name) throw new CliError('CLI_USAGE', 'loopline migrate needs --datasource, e.g. "loopline migrate --datasource db" (add --autoupdate to keep the data).');
    const kind = booleanFlag(args, 'autoupdate') ? 'autoupdate' : 'automigrate';
    const { dataSource, close } = await bootApp(layout, name);
    try {
      const attached = Object.keys(dataSource.models);
      const wanted = args.flags.model ? (args.flags.model as string[]) : attached;
      const unknown = wanted.filter((m) => !attached.includes(m));
      if (unknown.length) throw new CliError('CLI_UNKNOWN_MODEL', `Data source "${name}" holds no model ${unknown.map((m) => `"${m}"`).join(', ')} (it holds ${attached.join(', ') || 'none'}).`);
      await dataSource[kind](wanted);
      ctx.log(`${kind} of data source "${name}": ${wanted.join(', ') || 'no models'}.`);
    } finally {
      await close();
    }
  },
};
