import * as path from 'path';
import { pluralize } from 'inflection';
import { findOneOf, notOneOf, stringFlag } from '../args';
import { editJson, findApp, knownModel, modelFile, modelFiles } from '../app-layout';
import { obtain } from '../ask';
import { CliError } from '../cli-error';
import type { Command } from '../command';
import { readJson } from '../json-file';
import { identifierProblem } from '../property-spec';

const RELATION_TYPES = [
  'belongsTo',
  'hasMany',
  'hasOne',
  'hasAndBelongsToMany',
  'referencesMany',
  'embedsOne',
  'embedsMany',
] as const;
const TO_MANY = new Set(['hasMany', 'hasAndBelongsToMany', 'referencesMany', 'embedsMany']);

function camel(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

const EXAMPLE = 'loopline relation --model Customer --type hasMany --target Order';

export const relationCommand: Command = {
  name: 'relation',
  summary: "add a relation to a model's JSON",
  flags: {
    model: { kind: 'string', value: 'Model', help: 'the model the relation starts from' },
    type: { kind: 'string', value: 'type', help: RELATION_TYPES.join(', ') },
    target: { kind: 'string', value: 'Model', help: 'the related model' },
    as: {
      kind: 'string',
      value: 'name',
      help: 'the relation name (default: the target, camel-cased, plural for to-many types)',
    },
    'foreign-key': { kind: 'string', value: 'key', help: "the foreign key (default: LB3's)" },
    through: { kind: 'string', value: 'Model', help: 'hasMany only: the model in between' },
  },
  examples: [
    'relation --model Customer --type hasMany --target Order',
    'relation --model Order --type belongsTo --target Customer --as buyer --foreign-key buyerId',
  ],
  async run(args, ctx) {
    const app = findApp(ctx.cwd);
    const p = ctx.prompter;
    const modelNames = [...modelFiles(app).keys()];
    if (!stringFlag(args, 'model') && !p)
      throw new CliError(
        'CLI_USAGE',
        `loopline relation needs --model, --type and --target, e.g. "${EXAMPLE}".`,
      );
    const model =
      stringFlag(args, 'model') ??
      (await p!.choose({ message: 'Model the relation starts from', choices: modelNames }));
    const file = modelFile(app, model);
    const givenType = stringFlag(args, 'type');
    const rawType =
      givenType ??
      (p
        ? await p.choose({ message: 'Relation type', choices: RELATION_TYPES, default: 'hasMany' })
        : undefined);
    const targetProblem = (t: string) =>
      knownModel(app, t) ? undefined : `"${t}" is neither a built-in model nor a model of this app.`;
    const givenTarget = stringFlag(args, 'target');
    if (givenTarget !== undefined && targetProblem(givenTarget))
      throw new CliError('CLI_UNKNOWN_MODEL', `--target ${targetProblem(givenTarget)}`);
    const target =
      givenTarget ??
      (p
        ? await p.ask({
            message: 'Related model',
            check: (t) => (t === '' ? 'is needed.' : targetProblem(t)),
          })
        : undefined);
    if (!rawType || !target)
      throw new CliError(
        'CLI_USAGE',
        `loopline relation needs --model, --type and --target, e.g. "${EXAMPLE}".`,
      );
    const type = findOneOf(rawType, RELATION_TYPES);
    if (!type) throw new CliError('CLI_INVALID_VALUE', `--type ${notOneOf(rawType, RELATION_TYPES)}.`);
    const through = stringFlag(args, 'through');
    if (through !== undefined) {
      if (type !== 'hasMany')
        throw new CliError('CLI_INVALID_VALUE', `--through applies to hasMany relations only, not ${type}.`);
      if (!knownModel(app, through))
        throw new CliError('CLI_UNKNOWN_MODEL', `--through "${through}" is not a model of this app.`);
    }
    const taken = Object.keys(readJson(file).relations ?? {});
    const defaultName = TO_MANY.has(type) ? camel(pluralize(target)) : camel(target);
    const givenName = stringFlag(args, 'as');
    if (givenName !== undefined && taken.includes(givenName))
      throw new CliError(
        'CLI_ALREADY_EXISTS',
        `${model} already has a relation "${givenName}"; pick another name with --as.`,
      );
    const name = (await obtain(ctx, {
      flag: '--as',
      given: givenName,
      message: 'Relation name',
      default: defaultName,
      check: (n) =>
        identifierProblem(n, 'relation') ??
        (taken.includes(n) ? `${model} already has a relation "${n}".` : undefined),
    }))!;
    if (taken.includes(name))
      throw new CliError(
        'CLI_ALREADY_EXISTS',
        `${model} already has a relation "${name}"; pick another name with --as.`,
      );
    const foreignKey = await obtain(ctx, {
      flag: '--foreign-key',
      given: stringFlag(args, 'foreign-key'),
      message: 'Foreign key (empty for the default)',
      default: '',
      check: (k) => (k === '' ? undefined : identifierProblem(k, 'foreign key')),
    });
    editJson(file, (def) => {
      def.relations ??= {};
      def.relations[name] = {
        type,
        model: target,
        ...(foreignKey ? { foreignKey } : {}),
        ...(through ? { through } : {}),
      };
    });
    ctx.log(`Added ${model}.${name} (${type} ${target}) to ${path.relative(ctx.cwd, file)}.`);
  },
};
