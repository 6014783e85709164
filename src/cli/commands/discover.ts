import * as fs from 'fs';
import * as path from 'path';
import { booleanFlag, stringFlag } from '../args';
import { assertModelName, editJson, findApp, modelFileBase, modelFiles } from '../app-layout';
// Booting needs all of loopline: loaded only by the commands that boot, so the others start fast.
const bootApp: typeof import('../boot-app').bootApp = async (...args) =>
  (await import('../boot-app')).bootApp(...args);
import { CliError } from '../cli-error';
import type { Command } from '../command';
import { writeJson } from '../json-file';

export const discoverCommand: Command = {
  name: 'discover',
  summary: "write a model from a database table's columns",
  flags: {
    datasource: { kind: 'string', value: 'name', help: 'the data source to read the table from' },
    table: { kind: 'string', value: 'table', help: 'the table' },
    schema: { kind: 'string', value: 'owner', help: 'the schema (owner) of the table' },
    name: { kind: 'string', value: 'Model', help: 'the model name (default: from the table)' },
    public: {
      kind: 'boolean',
      help: 'expose it over REST (the default)',
      negatable: true,
      negatedHelp: 'keep it off the REST API',
    },
  },
  examples: ['discover --datasource pg --table customer --schema public'],
  async run(args, ctx) {
    const layout = findApp(ctx.cwd);
    const dsName =
      stringFlag(args, 'datasource') ??
      (ctx.prompter ? await ctx.prompter.ask({ message: 'Data source', default: 'db' }) : undefined);
    const table =
      stringFlag(args, 'table') ?? (ctx.prompter ? await ctx.prompter.ask({ message: 'Table' }) : undefined);
    if (!dsName || !table)
      throw new CliError(
        'CLI_USAGE',
        'loopline discover needs --datasource and --table, e.g. "loopline discover --datasource pg --table customer --schema public".',
      );
    const { dataSource, close } = await bootApp(layout, dsName);
    let schema: Record<string, any>;
    try {
      const owner = stringFlag(args, 'schema');
      schema = ((await dataSource.discoverSchema(table, owner ? { owner } : {})) ?? {}) as Record<
        string,
        any
      >;
    } finally {
      await close();
    }
    const name = stringFlag(args, 'name') ?? (typeof schema.name === 'string' ? schema.name : table);
    assertModelName(name);
    if (modelFiles(layout).has(name))
      throw new CliError(
        'CLI_ALREADY_EXISTS',
        `The app already has a model "${name}"; pass --name to give the discovered one another name.`,
      );
    const { name: _discoveredName, ...rest } = schema;
    void _discoveredName;
    const definition = {
      name,
      base: 'PersistedModel',
      ...rest,
      validations: [],
      relations: {},
      acls: [],
      methods: {},
    };
    fs.mkdirSync(layout.modelsDir, { recursive: true });
    const file = path.join(layout.modelsDir, `${modelFileBase(name)}.json`);
    writeJson(file, definition);
    const isPublic = booleanFlag(args, 'public') ?? true;
    editJson(path.join(layout.serverDir, 'model-config.json'), (config) => {
      config[name] = { dataSource: dsName, public: isPublic };
    });
    ctx.log(
      `Wrote ${path.relative(ctx.cwd, file)} from table ${stringFlag(args, 'schema') ? `${stringFlag(args, 'schema')}.` : ''}${table} (${Object.keys(schema.properties ?? {}).length} properties).`,
    );
  },
};
