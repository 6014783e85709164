import * as path from 'path';
import { stringFlag } from '../args';
import type { Command } from '../command';
import { writeTypes } from '../types';

export const typesCommand: Command = {
  name: 'types',
  summary: "write TypeScript declarations of the app's models (server/models.d.ts)",
  arguments: [{ name: 'serverDir', help: 'the folder with model-config.json (default ./server)' }],
  flags: {
    out: { kind: 'string', value: 'file', help: 'where to write them (default <serverDir>/models.d.ts)' },
  },
  async run(args, ctx) {
    const dir = path.resolve(ctx.cwd, args.positional[0] ?? 'server');
    const out = stringFlag(args, 'out');
    const file = writeTypes(dir, out ? path.resolve(ctx.cwd, out) : undefined);
    ctx.log(`Wrote ${path.relative(ctx.cwd, file) || file}`);
  },
};
