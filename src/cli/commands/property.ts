import * as path from 'path';
import { editJson, findApp, modelFile } from '../app-layout';
import { CliError } from '../cli-error';
import type { Command } from '../command';
import { readJson } from '../json-file';
import { parseProperty, PROPERTY_TYPES } from '../property-spec';
import { stringFlag } from '../args';

export const propertyCommand: Command = {
  name: 'property',
  summary: "add a property to a model's JSON, or replace one of the same name",
  arguments: [{ name: 'spec', help: `name:type[:required]; types: ${PROPERTY_TYPES.join(', ')}, [type]` }],
  flags: { model: { kind: 'string', value: 'Model', help: 'the model' } },
  examples: ['property --model Customer email:string:required', 'property --model Customer tags:[string]'],
  async run(args, ctx) {
    const app = findApp(ctx.cwd);
    const p = ctx.prompter;
    const model =
      stringFlag(args, 'model') ??
      (p
        ? await p.ask({ message: 'Model', check: (m) => (m === '' ? 'is needed.' : undefined) })
        : undefined);
    const spec =
      args.positional[0] ??
      (p
        ? await p.ask({
            message: 'Property (name:type[:required])',
            check: (s) => {
              try {
                parseProperty(s, 'the property');
                return undefined;
              } catch (err) {
                return (err as Error).message;
              }
            },
          })
        : undefined);
    if (!model || !spec)
      throw new CliError(
        'CLI_USAGE',
        'loopline property needs --model and name:type[:required], e.g. "loopline property --model Customer email:string:required".',
      );
    const file = modelFile(app, model);
    const [name, definition] = parseProperty(spec, 'the property');
    const replaced = name in (readJson(file).properties ?? {});
    editJson(file, (def) => {
      def.properties = { ...(def.properties ?? {}), [name]: definition };
    });
    ctx.log(
      `${replaced ? 'Replaced' : 'Added'} ${model}.${name} (${JSON.stringify(definition)}) in ${path.relative(ctx.cwd, file)}.`,
    );
  },
};
