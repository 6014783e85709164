import { booleanFlag, stringFlag } from '../args';
import { findApp, readDataSources } from '../app-layout';
import { explainMissingDatabase } from '../missing-database';
// Booting needs all of loopline: loaded only by the commands that boot, so the others start fast.
const bootApp: typeof import('../boot-app').bootApp = async (...args) =>
  (await import('../boot-app')).bootApp(...args);
import { CliError } from '../cli-error';
import type { Command } from '../command';
import { isDataConnector, type DataSource, type ModelDefinition } from '../../juggler';

/** What `--rebuild` would drop, one line per model: its table (on a SQL store) and how many rows it holds. */
async function describeLosses(dataSource: DataSource, models: string[]): Promise<string[]> {
  const connector = dataSource.connector;
  const tableOf = isDataConnector(connector) ? connector.table?.bind(connector) : undefined;
  return Promise.all(
    models.map(async (name) => {
      const Model = dataSource.models[name] as unknown as {
        definition: ModelDefinition;
        count(): Promise<number>;
      };
      const table = tableOf ? ` (table ${tableOf(Model.definition)})` : '';
      let rows: string;
      try {
        const n = await Model.count();
        rows = `${n} row${n === 1 ? '' : 's'}`;
      } catch {
        rows = 'no table yet';
      }
      return `${name}${table}: ${rows}`;
    }),
  );
}

/**
 * By default the models' tables are brought up to date and keep their rows (autoupdate). LB3's
 * generator and early loopline ran automigrate, so a second run emptied every table; dropping now
 * takes `--rebuild` and a confirmation: a typed "yes" at a terminal, `--yes` in a script.
 */
export const migrateCommand: Command = {
  name: 'migrate',
  summary: "create or update the tables of a data source's models (autoupdate: keeps the rows)",
  flags: {
    datasource: { kind: 'string', value: 'name', help: 'the data source whose models to migrate' },
    model: {
      kind: 'list',
      value: 'Model',
      help: 'only this model (default: every model on the data source)',
    },
    autoupdate: { kind: 'boolean', help: 'create missing tables and columns, keep the rows (the default)' },
    rebuild: {
      kind: 'boolean',
      help: 'drop and recreate the tables (automigrate), losing their rows: asks first',
    },
    yes: { kind: 'boolean', help: 'with --rebuild: confirm without asking' },
  },
  examples: ['migrate --datasource pg', 'migrate --datasource pg --model Customer --rebuild --yes'],
  async run(args, ctx) {
    const rebuild = booleanFlag(args, 'rebuild') === true;
    const yes = booleanFlag(args, 'yes') === true;
    if (rebuild && booleanFlag(args, 'autoupdate'))
      throw new CliError(
        'CLI_USAGE',
        'loopline migrate: --rebuild (drop and recreate) and --autoupdate (keep the rows) contradict each other; give one.',
      );
    if (yes && !rebuild)
      throw new CliError(
        'CLI_USAGE',
        'loopline migrate: --yes confirms --rebuild and means nothing without it; the default (autoupdate) keeps the rows and needs no confirmation.',
      );
    const layout = findApp(ctx.cwd);
    const name =
      stringFlag(args, 'datasource') ??
      (ctx.prompter
        ? await ctx.prompter.choose({
            message: 'Data source',
            choices: Object.keys(readDataSources(layout)),
            default: 'db',
          })
        : undefined);
    if (!name)
      throw new CliError(
        'CLI_USAGE',
        'loopline migrate needs --datasource, e.g. "loopline migrate --datasource db".',
      );
    const { dataSource, close } = await bootApp(layout, name);
    try {
      const attached = Object.keys(dataSource.models);
      const wanted = args.flags.model ? (args.flags.model as string[]) : attached;
      const unknown = wanted.filter((m) => !attached.includes(m));
      if (unknown.length)
        throw new CliError(
          'CLI_UNKNOWN_MODEL',
          `Data source "${name}" holds no model ${unknown.map((m) => `"${m}"`).join(', ')} (it holds ${attached.join(', ') || 'none'}).`,
        );
      if (rebuild && !yes && wanted.length) {
        const losses = await describeLosses(dataSource, wanted);
        const what = `--rebuild drops and recreates, losing every row of:\n  ${losses.join('\n  ')}`;
        if (!ctx.prompter)
          throw new CliError(
            'CLI_CONFIRMATION_REQUIRED',
            `${what}\nAdd --yes to confirm (nothing was changed), or leave out --rebuild to keep the rows (autoupdate).`,
          );
        const answer = await ctx.prompter.ask({ message: `${what}\nType "yes" to drop them`, default: 'no' });
        if (answer !== 'yes')
          throw new CliError('CLI_ABORTED', 'Nothing was dropped (the answer was not "yes").');
      }
      const kind = rebuild ? 'automigrate' : 'autoupdate';
      await dataSource[kind](wanted);
      ctx.log(`${kind} of data source "${name}": ${wanted.join(', ') || 'no models'}.`);
    } catch (err) {
      throw explainMissingDatabase(err, readDataSources(layout)[name] ?? {});
    } finally {
      await close();
    }
  },
};
