import { main } from '../../src/cli';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** Runs `loopline <argv>` in-process in `cwd`, non-interactively, capturing what it prints. */
export async function runCli(cwd: string, ...argv: string[]): Promise<CliRun> {
  let out = '';
  let err = '';
  const code = await main(argv, {
    cwd,
    interactive: false,
    log: (line) => (out += `${line}\n`),
    error: (text) => (err += text),
  });
  return { code, out, err };
}
