import * as fs from 'fs';
import * as path from 'path';
import { listFlag, stringFlag } from '../args';
import { editJson, findApp } from '../app-layout';
import { obtainRequired } from '../ask';
import { CliError } from '../cli-error';
import type { Command } from '../command';
import { writeJson } from '../json-file';
import { DEFAULT_PHASES } from '../../loopback/app/middleware-phases';
import { closest } from '../suggest';

/** Every phase name middleware.json takes: the phases and their `:before` / `:after` sub-phases. */
const PHASES = DEFAULT_PHASES.flatMap((p) => [`${p}:before`, p, `${p}:after`]);

function phaseProblem(phase: string): string | undefined {
  if (PHASES.includes(phase)) return undefined;
  const near = closest(phase, PHASES);
  return `"${phase}" is not a middleware phase (${DEFAULT_PHASES.join(', ')}, each also with :before and :after)${near ? `; did you mean ${near}?` : ''}`;
}

function moduleProblem(name: string): string | undefined {
  return /^[@A-Za-z0-9._~/#$-]+$/.test(name)
    ? undefined
    : `"${name}" is not a module name (e.g. morgan, loopback#token, ./middleware/log).`;
}

export const middlewareCommand: Command = {
  name: 'middleware',
  summary: 'add a middleware to a phase of server/middleware.json',
  flags: {
    phase: {
      kind: 'string',
      value: 'phase',
      help: `${DEFAULT_PHASES.join(', ')}, or one with :before / :after`,
    },
    name: {
      kind: 'string',
      value: 'module',
      help: 'the module: a package (morgan), loopback#<name>, or a path (./middleware/log)',
    },
    params: {
      kind: 'string',
      value: 'JSON',
      help: "the arguments of the module's factory, as JSON (an array for several)",
    },
    paths: { kind: 'list', value: 'path', help: 'only for requests under this path' },
  },
  examples: [
    'middleware --phase routes:before --name morgan --params \'"dev"\'',
    'middleware --phase initial --name compression --params \'{"threshold": 1024}\' --paths /api',
  ],
  async run(args, ctx) {
    const app = findApp(ctx.cwd);
    const phase = await obtainRequired(
      ctx,
      'middleware',
      {
        flag: '--phase',
        given: stringFlag(args, 'phase'),
        message: 'Phase',
        default: ctx.prompter ? 'routes:before' : undefined,
        check: phaseProblem,
      },
      'loopline middleware --phase routes:before --name morgan',
    );
    const name = await obtainRequired(
      ctx,
      'middleware',
      { flag: '--name', given: stringFlag(args, 'name'), message: 'Module', check: moduleProblem },
      'loopline middleware --phase routes:before --name morgan',
    );
    const rawParams = stringFlag(args, 'params');
    let params: unknown;
    if (rawParams !== undefined) {
      try {
        params = JSON.parse(rawParams);
      } catch (err) {
        throw new CliError(
          'CLI_INVALID_VALUE',
          `--params is not JSON (${(err as Error).message}); e.g. --params '{"format": "dev"}'.`,
        );
      }
    }
    const paths = listFlag(args, 'paths');
    const file = path.join(app.serverDir, 'middleware.json');
    if (!fs.existsSync(file)) writeJson(file, {});
    editJson(file, (config) => {
      const section = (config[phase] ??= {});
      if (name in section)
        throw new CliError(
          'CLI_ALREADY_EXISTS',
          `server/middleware.json already has ${name} in phase ${phase}; edit it there.`,
        );
      section[name] = { ...(params !== undefined ? { params } : {}), ...(paths.length ? { paths } : {}) };
    });
    ctx.log(`Added ${name} to phase ${phase} of ${path.relative(ctx.cwd, file)}.`);
  },
};
