#!/usr/bin/env node
/**
 * `loopline <command>`: tools for an app folder.
 *
 *   loopline types [serverDir] [--out file]   TypeScript declarations of the app's models
 */
import * as path from 'path';
import { writeTypes } from './types';

const USAGE = `Usage: loopline <command>

Commands:
  types [serverDir] [--out <file>]   write TypeScript declarations of the app's models
                                     (default serverDir: ./server, file: <serverDir>/models.d.ts)
`;

export function main(argv: string[]): number {
  const [command, ...rest] = argv;
  if (command === 'types') {
    const outAt = rest.indexOf('--out');
    const out = outAt >= 0 ? rest[outAt + 1] : undefined;
    const positional = rest.filter((a, i) => !a.startsWith('--') && (outAt < 0 || i !== outAt + 1));
    const dir = path.resolve(positional[0] ?? 'server');
    const file = writeTypes(dir, out ? path.resolve(out) : undefined);
    console.log(`Wrote ${path.relative(process.cwd(), file) || file}`);
    return 0;
  }
  process.stderr.write(command ? `Unknown command "${command}".\n\n${USAGE}` : USAGE);
  return command ? 1 : 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
