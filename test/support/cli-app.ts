import fs from 'fs';
import os from 'os';
import path from 'path';
import { runCli } from './run-cli';

export interface ScratchApp {
  tmp: string;
  dir: string;
  read(rel: string): string;
  json(rel: string): any;
  remove(): void;
}

/** An app made by `loopline new <name> --skip-install` in a fresh temp folder, with readers of its files. */
export async function scratchApp(name = 'shop', ...flags: string[]): Promise<ScratchApp> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'loopline-cli-'));
  const made = await runCli(tmp, 'new', name, '--skip-install', '--loopline', 'file:/opt/loopline', ...flags);
  if (made.code !== 0) throw new Error(`loopline new failed: ${made.err}`);
  const dir = path.join(tmp, name);
  const read = (rel: string) => fs.readFileSync(path.join(dir, rel), 'utf8');
  return {
    tmp,
    dir,
    read,
    json: (rel) => JSON.parse(read(rel)),
    remove: () => fs.rmSync(tmp, { recursive: true, force: true }),
  };
}
