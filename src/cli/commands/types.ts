import * as path from 'path';
import { parseArgs, stringFlag } from '../args';
import type { Command } from '../command';
import { writeTypes } from '../types';

export const typesCommand: Command = {
  name: 'types',
  usage: 'types [serverDir] [--out <file>]   (default serverDir ./server, file <serverDir>/models.d.ts)',
  async run(argv, ctx) {
    const args = parseArgs(argv, { out: 'string' }, 'types');
    const dir = path.resolve(ctx.cwd, args.positional[0] ?? 'server');
    const out = stringFlag(args, 'out');
    const file = writeTypes(dir, out ? path.resolve(ctx.cwd, out) : undefined);
    ctx.log(`Wrote ${path.relative(ctx.cwd, file) || file}`);
  },
};
