import * as fs from 'fs';
import * as path from 'path';
import { booleanFlag, listFlag, parseArgs, stringFlag } from '../args';
import { assertDataSource, assertModelName, editJson, findApp, knownModel, modelFileBase, modelFiles } from '../app-layout';
import { CliError } from '../cli-error';
import type { Command, CliContext } from '../command';
import { writeJson } from '../json-file';

const PROPERTY_TYPES = ['string', 'number', 'integer', 'boolean', 'date', 'buffer', 'geopoint', 'object', 'array', 'any'];

/** `name:type[:required]`; `type` may be `[string]` for an array of strings. */
export function parseProperty(spec: string): [string, Record<string, unknown>] {
  const [name, type = 'string', flag, ...rest] = spec.split(':');
  const inner = /^\[(\w+)\]$/.exec(type)?.[1];
  if (!/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name ?? '') || rest.length || (flag !== undefined && flag !== 'required')) {
    throw new CliError('CLI_INVALID_VALUE', `--property "${spec}" is not name:type[:required] (e.g. --property email:string:required).`);
  }
  if (!PROPERTY_TYPES.includes((inner ?? type).toLowerCase())) {
    throw new CliError('CLI_INVALID_VALUE', `--property "${spec}": "${type}" is not a property type; use one of ${PROPERTY_TYPES.join(', ')} or [type] for an array.`);
  }
  const definition: Record<string, unknown> = { type: inner ? [inner.toLowerCase()] : type.toLowerCase() };
  if (flag === 'required') definition.required = true;
  return [name, definition];
}

async function askProperties(ctx: CliContext): Promise<string[]> {
  const specs: string[] = [];
  for (;;) {
    const name = await ctx.prompter!.ask('Property name (empty to finish)');
    if (!name) return specs;
    const type = await ctx.prompter!.ask(`Type of ${name} [${PROPERTY_TYPES.join('|')}]`, 'string');
    const required = /^y/i.test(await ctx.prompter!.ask('Required? (y/N)', 'N'));
    specs.push(`${name}:${type}${required ? ':required' : ''}`);
  }
}

export const modelCommand: Command = {
  name: 'model',
  usage: 'model <Name> [--base PersistedModel] [--datasource db] [--property name:type[:required]]... [--plural Names] [--public|--no-public]',
  async run(argv, ctx) {
    const args = parseArgs(argv, { base: 'string', datasource: 'string', property: 'list', plural: 'string', public: 'boolean' }, 'model');
    const app = findApp(ctx.cwd);
    const p = ctx.prompter;
    const name = args.positional[0] ?? (p ? await p.ask('Model name') : undefined);
    if (!name) throw new CliError('CLI_USAGE', 'loopline model: name the model, e.g. "loopline model Customer --property name:string:required".');
    assertModelName(name);
    if (modelFiles(app).has(name)) throw new CliError('CLI_ALREADY_EXISTS', `The app already has a model "${name}" (${path.relative(app.root, modelFiles(app).get(name)!)}); edit that file instead.`);
    const base = stringFlag(args, 'base') ?? (p ? await p.ask('Base model', 'PersistedModel') : 'PersistedModel');
    if (!knownModel(app, base)) throw new CliError('CLI_UNKNOWN_MODEL', `--base "${base}" is neither a built-in model nor a model of this app.`);
    const dataSource = stringFlag(args, 'datasource') ?? (p ? await p.ask('Data source ("null" for none)', 'db') : 'db');
    if (dataSource !== 'null') assertDataSource(app, dataSource);
    const isPublic = booleanFlag(args, 'public') ?? (p ? !/^n/i.test(await p.ask('Expose it over REST? (Y/n)', 'Y')) : true);
    const plural = stringFlag(args, 'plural');
    const specs = listFlag(args, 'property');
    const properties = Object.fromEntries((specs.length || !p ? specs : await askProperties(ctx)).map(parseProperty));

    // The shape LB3's generator writes, so the file looks at home in an LB3 app.
    const definition: Record<string, unknown> = { name, ...(plural ? { plural } : {}), base, idInjection: true, options: { validateUpsert: true }, properties, validations: [], relations: {}, acls: [], methods: {} };
    fs.mkdirSync(app.modelsDir, { recursive: true });
    const jsonFile = path.join(app.modelsDir, `${modelFileBase(name)}.json`);
    writeJson(jsonFile, definition);
    const scriptFile = path.join(app.modelsDir, `${modelFileBase(name)}.js`);
    if (!fs.existsSync(scriptFile)) fs.writeFileSync(scriptFile, `'use strict';\n\nmodule.exports = function (${name}) {};\n`);
    editJson(path.join(app.serverDir, 'model-config.json'), (config) => {
      config[name] = { dataSource: dataSource === 'null' ? null : dataSource, public: isPublic };
    });
    ctx.log(`Created ${path.relative(ctx.cwd, jsonFile)} and ${path.relative(ctx.cwd, scriptFile)}; ${name} is in server/model-config.json (data source ${dataSource}, ${isPublic ? 'public' : 'not public'}).`);
  },
};
