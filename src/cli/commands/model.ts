import * as fs from 'fs';
import * as path from 'path';
import { booleanFlag, listFlag, stringFlag } from '../args';
import {
  editJson,
  findApp,
  knownModel,
  modelFileBase,
  modelFiles,
  modelNameProblem,
  readDataSources,
} from '../app-layout';
import { obtain, obtainRequired } from '../ask';
import { offerAuthModels, basedOnUser } from '../auth-models';
import { CliError } from '../cli-error';
import type { Command, CliContext } from '../command';
import { writeJson } from '../json-file';
import {
  identifierProblem,
  parseProperty,
  propertyDefinition,
  propertyTypeProblem,
  PROPERTY_TYPES,
} from '../property-spec';

/** Properties asked one by one until an empty name; a bad name or type is asked again. */
async function askProperties(ctx: CliContext): Promise<Array<[string, Record<string, unknown>]>> {
  const p = ctx.prompter!;
  const properties: Array<[string, Record<string, unknown>]> = [];
  for (;;) {
    const name = await p.ask({
      message: 'Property name (empty to finish)',
      check: (n) =>
        n === ''
          ? undefined
          : (identifierProblem(n, 'property') ??
            (properties.some(([k]) => k === n) ? `${n} is already a property.` : undefined)),
    });
    if (!name) return properties;
    const type = await p.ask({
      message: `Type of ${name} (${PROPERTY_TYPES.join(', ')}, or [type])`,
      default: 'string',
      check: propertyTypeProblem,
    });
    const required = await p.confirm({ message: `Is ${name} required?`, default: false });
    properties.push([name, propertyDefinition(type, required)]);
  }
}

export const modelCommand: Command = {
  name: 'model',
  summary: 'add a model: common/models/<name>.json and .js, and its entry in server/model-config.json',
  arguments: [{ name: 'Name', help: 'the model name, e.g. CustomerOrder (file customer-order.json)' }],
  flags: {
    base: {
      kind: 'string',
      value: 'Model',
      help: 'the base model: PersistedModel (default), Model, User, or a model of the app',
    },
    datasource: {
      kind: 'string',
      value: 'name',
      help: 'the data source from server/datasources.json (default db); null for none',
    },
    property: {
      kind: 'list',
      value: 'name:type[:required]',
      help: `a property; types: ${PROPERTY_TYPES.join(', ')}, [type]`,
    },
    plural: { kind: 'string', value: 'Names', help: 'the plural used in REST paths' },
    public: {
      kind: 'boolean',
      help: 'expose it over REST (the default)',
      negatable: true,
      negatedHelp: 'keep it off the REST API',
    },
    'builtins-datasource': {
      kind: 'string',
      value: 'name',
      help: "for a model based on User: the data source AccessToken, ACL, RoleMapping and Role go on (default: the model's own)",
      negatable: true,
      negatedHelp: 'for a model based on User: leave AccessToken, ACL, RoleMapping and Role where they are',
    },
  },
  examples: [
    'model Customer --property name:string:required --property email:string',
    'model Account --base User --datasource pg',
  ],
  async run(args, ctx) {
    const app = findApp(ctx.cwd);
    const p = ctx.prompter;
    const existing = modelFiles(app);
    const given = args.positional[0];
    if (given !== undefined && existing.has(given))
      throw new CliError(
        'CLI_ALREADY_EXISTS',
        `The app already has a model "${given}" (${path.relative(app.root, existing.get(given)!)}); edit that file, or add to it with "loopline property --model ${given} …".`,
      );
    const name = await obtainRequired(
      ctx,
      'model',
      {
        flag: '<Name>',
        given,
        message: 'Model name',
        check: (n) =>
          modelNameProblem(n) ?? (existing.has(n) ? `the app already has a model "${n}".` : undefined),
      },
      'loopline model Customer --property name:string:required',
    );
    const baseProblem = (b: string) =>
      knownModel(app, b) ? undefined : `"${b}" is neither a built-in model nor a model of this app.`;
    const givenBase = stringFlag(args, 'base');
    if (givenBase !== undefined && baseProblem(givenBase))
      throw new CliError('CLI_UNKNOWN_MODEL', `--base ${baseProblem(givenBase)}`);
    const base = (await obtain(ctx, {
      flag: '--base',
      given: givenBase,
      message: 'Base model',
      default: 'PersistedModel',
      check: baseProblem,
    }))!;
    const sources = Object.keys(readDataSources(app));
    const givenDs = stringFlag(args, 'datasource');
    if (givenDs !== undefined && givenDs !== 'null' && !sources.includes(givenDs)) {
      throw new CliError(
        'CLI_UNKNOWN_DATASOURCE',
        `server/datasources.json has no data source "${givenDs}" (it has ${sources.join(', ') || 'none'}). Add one with "loopline datasource --name ${givenDs} --connector memory".`,
      );
    }
    const dataSource =
      givenDs ??
      (p
        ? await p.choose({
            message: 'Data source',
            choices: [...sources, 'null'],
            default: sources.includes('db') ? 'db' : sources[0],
          })
        : 'db');
    if (dataSource !== 'null' && !sources.includes(dataSource))
      throw new CliError(
        'CLI_UNKNOWN_DATASOURCE',
        `server/datasources.json has no data source "${dataSource}"; add one with "loopline datasource".`,
      );
    const isPublic =
      booleanFlag(args, 'public') ??
      (p ? await p.confirm({ message: 'Expose it over REST?', default: true }) : true);
    const plural = stringFlag(args, 'plural');
    const specs = listFlag(args, 'property');
    const properties = Object.fromEntries(
      specs.length || !p ? specs.map((s) => parseProperty(s)) : await askProperties(ctx),
    );

    // The shape LB3's generator writes, so the file looks at home in an LB3 app.
    const definition: Record<string, unknown> = {
      name,
      ...(plural ? { plural } : {}),
      base,
      idInjection: true,
      options: { validateUpsert: true },
      properties,
      validations: [],
      relations: {},
      acls: [],
      methods: {},
    };
    fs.mkdirSync(app.modelsDir, { recursive: true });
    const jsonFile = path.join(app.modelsDir, `${modelFileBase(name)}.json`);
    writeJson(jsonFile, definition);
    const scriptFile = path.join(app.modelsDir, `${modelFileBase(name)}.js`);
    if (!fs.existsSync(scriptFile))
      fs.writeFileSync(scriptFile, `'use strict';\n\nmodule.exports = function (${name}) {};\n`);
    editJson(path.join(app.serverDir, 'model-config.json'), (config) => {
      config[name] = { dataSource: dataSource === 'null' ? null : dataSource, public: isPublic };
    });
    ctx.log(
      `Created ${path.relative(ctx.cwd, jsonFile)} and ${path.relative(ctx.cwd, scriptFile)}; ${name} is in server/model-config.json (data source ${dataSource}, ${isPublic ? 'public' : 'not public'}).`,
    );
    const builtins = args.flags['builtins-datasource'] as string | false | undefined;
    if (dataSource !== 'null' && basedOnUser(app, base))
      await offerAuthModels(app, ctx, name, dataSource, builtins);
  },
};
