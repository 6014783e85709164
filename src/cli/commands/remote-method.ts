import * as fs from 'fs';
import * as path from 'path';
import { findOneOf, listFlag, notOneOf, stringFlag } from '../args';
import { editJson, findApp, modelFile } from '../app-layout';
import { obtainRequired } from '../ask';
import { CliError } from '../cli-error';
import type { Command } from '../command';
import { readJson } from '../json-file';
import { identifierProblem, propertyTypeProblem } from '../property-spec';

const VERBS = ['get', 'post', 'put', 'patch', 'delete', 'head'];

/** `name:type` of an argument or result; type defaults to any. */
function parseArg(spec: string, flag: string): { arg: string; type: string } {
  const [arg, type = 'any', ...rest] = spec.split(':');
  const problem = identifierProblem(arg ?? '', 'argument') ?? propertyTypeProblem(type);
  if (problem || rest.length)
    throw new CliError(
      'CLI_INVALID_VALUE',
      `${flag} "${spec}" is not name:type: ${problem ?? 'too many ":"'}`,
    );
  return { arg, type: type.toLowerCase() };
}

/** The stub the model's script gets: LB3 boot defines the remote method from the JSON, the script gives it its body. */
function stub(model: string, name: string, args: string[], verb: string, route: string): string {
  return `
  // ${verb.toUpperCase()} ${route}, declared in "methods" of the model's JSON.
  ${model}.${name} = async function (${args.join(', ')}) {
    const err = new Error('${model}.${name} is not implemented yet');
    err.statusCode = 501;
    throw err;
  };
`;
}

export const remoteMethodCommand: Command = {
  name: 'remote-method',
  summary: "add a remote method: its declaration in the model's JSON (methods) and a stub in its script",
  arguments: [{ name: 'name', help: 'the method name' }],
  flags: {
    model: { kind: 'string', value: 'Model', help: 'the model' },
    'http-verb': { kind: 'string', value: 'verb', help: `${VERBS.join(', ')} (default get)` },
    path: { kind: 'string', value: 'path', help: "the path under the model's (default /<name>)" },
    accepts: { kind: 'list', value: 'name:type', help: 'an argument' },
    returns: { kind: 'list', value: 'name:type', help: 'a property of the result' },
    description: { kind: 'string', value: 'text', help: 'shown in the API explorer' },
  },
  examples: [
    'remote-method --model Customer greet --accepts name:string --returns greeting:string',
    'remote-method --model Order cancel --http-verb post --path /:id/cancel --accepts id:number',
  ],
  async run(args, ctx) {
    const app = findApp(ctx.cwd);
    const p = ctx.prompter;
    const model =
      stringFlag(args, 'model') ??
      (p
        ? await p.ask({ message: 'Model', check: (m) => (m === '' ? 'is needed.' : undefined) })
        : undefined);
    if (!model)
      throw new CliError(
        'CLI_USAGE',
        'loopline remote-method needs --model and a name, e.g. "loopline remote-method --model Customer greet --accepts name:string --returns greeting:string".',
      );
    const file = modelFile(app, model);
    const methods = readJson(file).methods ?? {};
    const name = await obtainRequired(
      ctx,
      'remote-method',
      {
        flag: '<name>',
        given: args.positional[0],
        message: 'Method name',
        check: (n) =>
          identifierProblem(n, 'method') ??
          (n in methods ? `${model} already declares a method "${n}".` : undefined),
      },
      'loopline remote-method --model Customer greet',
    ).catch((err) => {
      if (err instanceof CliError && args.positional[0] !== undefined && args.positional[0] in methods)
        throw new CliError(
          'CLI_ALREADY_EXISTS',
          `${model} already declares a method "${args.positional[0]}" in ${path.relative(ctx.cwd, file)}.`,
        );
      throw err;
    });
    const rawVerb = stringFlag(args, 'http-verb') ?? 'get';
    const verb = findOneOf(rawVerb, VERBS);
    if (!verb) throw new CliError('CLI_INVALID_VALUE', `--http-verb ${notOneOf(rawVerb, VERBS)}.`);
    const route = stringFlag(args, 'path') ?? `/${name}`;
    if (!route.startsWith('/'))
      throw new CliError('CLI_INVALID_VALUE', `--path "${route}" must start with /.`);
    const accepts = listFlag(args, 'accepts').map((s) => parseArg(s, '--accepts'));
    const returns = listFlag(args, 'returns').map((s) => parseArg(s, '--returns'));
    const description = stringFlag(args, 'description');
    editJson(file, (def) => {
      def.methods = {
        ...(def.methods ?? {}),
        [name]: {
          ...(description ? { description } : {}),
          accepts,
          returns: returns.length === 1 ? returns[0] : returns,
          http: { verb, path: route },
        },
      };
    });
    const script = file.replace(/\.json$/, '.js');
    const text = fs.existsSync(script)
      ? fs.readFileSync(script, 'utf8')
      : `'use strict';\n\nmodule.exports = function (${model}) {};\n`;
    const end = text.lastIndexOf('};');
    const body = stub(
      model,
      name,
      accepts.map((a) => a.arg),
      verb,
      route,
    );
    // An empty `function (M) {}` opens to take the stub; else it goes before the function's closing brace.
    const updated = /\{\s*\};\s*$/.test(text)
      ? text.replace(/\{\s*\};\s*$/, `{${body}};\n`)
      : end >= 0
        ? `${text.slice(0, end)}${body.slice(1)}${text.slice(end)}`
        : `${text}\n${body}`;
    fs.writeFileSync(script, updated);
    ctx.log(
      `Added ${model}.${name} (${verb.toUpperCase()} ${route}) to ${path.relative(ctx.cwd, file)}, and a stub to implement in ${path.relative(ctx.cwd, script)}.`,
    );
  },
};
