import * as path from 'path';
import { pluralize } from 'inflection';
import { oneOf, parseArgs, stringFlag } from '../args';
import { editJson, findApp, knownModel, modelFile } from '../app-layout';
import { CliError } from '../cli-error';
import type { Command } from '../command';

const RELATION_TYPES = ['belongsTo', 'hasMany', 'hasOne', 'hasAndBelongsToMany', 'referencesMany', 'embedsOne', 'embedsMany'] as const;
const TO_MANY = new Set(['hasMany', 'hasAndBelongsToMany', 'referencesMany', 'embedsMany']);

function camel(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

export const relationCommand: Command = {
  name: 'relation',
  usage: 'relation --model <Model> --type <belongsTo|hasMany|hasOne|hasAndBelongsToMany|...> --target <Model> [--as name] [--foreign-key key] [--through Model]',
  async run(argv, ctx) {
    const args = parseArgs(argv, { model: 'string', type: 'string', target: 'string', as: 'string', 'foreign-key': 'string', through: 'string' }, 'relation');
    const app = findApp(ctx.cwd);
    const p = ctx.prompter;
    const model = stringFlag(args, 'model') ?? (p ? await p.ask('Model the relation starts from') : undefined);
    const rawType = stringFlag(args, 'type') ?? (p ? await p.ask(`Relation type [${RELATION_TYPES.join('|')}]`, 'hasMany') : undefined);
    const target = stringFlag(args, 'target') ?? (p ? await p.ask('Related model') : undefined);
    if (!model || !rawType || !target) throw new CliError('CLI_USAGE', 'loopline relation needs --model, --type and --target, e.g. "loopline relation --model Customer --type hasMany --target Order".');
    const type = oneOf('relation', 'type', rawType, RELATION_TYPES);
    const file = modelFile(app, model);
    if (!knownModel(app, target)) throw new CliError('CLI_UNKNOWN_MODEL', `--target "${target}" is neither a built-in model nor a model of this app.`);
    const through = stringFlag(args, 'through');
    if (through !== undefined) {
      if (type !== 'hasMany') throw new CliError('CLI_INVALID_VALUE', `--through applies to hasMany relations only, not ${type}.`);
      if (!knownModel(app, through)) throw new CliError('CLI_UNKNOWN_MODEL', `--through "${through}" is not a model of this app.`);
    }
    const defaultName = TO_MANY.has(type) ? camel(pluralize(target)) : camel(target);
    const name = stringFlag(args, 'as') ?? (p ? await p.ask('Relation name', defaultName) : defaultName);
    if (!/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name)) throw new CliError('CLI_INVALID_VALUE', `--as "${name}" cannot name a relation: use letters, digits, _ or $.`);
    const foreignKey = stringFlag(args, 'foreign-key') ?? (p ? await p.ask('Foreign key (empty for the default)', '') : undefined);
    editJson(file, (def) => {
      def.relations ??= {};
      if (name in def.relations) throw new CliError('CLI_ALREADY_EXISTS', `${model} already has a relation "${name}"; pick another name with --as.`);
      def.relations[name] = { type, model: target, ...(foreignKey ? { foreignKey } : {}), ...(through ? { through } : {}) };
    });
    ctx.log(`Added ${model}.${name} (${type} ${target}) to ${path.relative(ctx.cwd, file)}.`);
  },
};
