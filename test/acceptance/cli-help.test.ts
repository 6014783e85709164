import { execFileSync } from 'child_process';
import fs from 'fs';
import path from 'path';
import { COMMANDS } from '../../src/cli';
import { REPO_ROOT } from '../support/example-app';
import { runCli } from '../support/run-cli';

/** `loopline --help`, `loopline <command> --help` for every command, and `--version`. */
const { version } = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
  version: string;
};

describe('loopline --help and --version', () => {
  it('--version and -v print the package version', async () => {
    for (const flag of ['--version', '-v'])
      expect(await runCli(REPO_ROOT, flag)).toEqual({ code: 0, out: `${version}\n`, err: '' });
  });

  it('--help (and no command at all) lists every command with a summary', async () => {
    const help = await runCli(REPO_ROOT, '--help');
    expect([help.code, help.err]).toEqual([0, '']);
    for (const c of COMMANDS)
      expect(help.out).toMatch(
        new RegExp(`\\n  ${c.name} .*${c.summary.slice(0, 20).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
      );
    expect((await runCli(REPO_ROOT)).out).toBe(help.out);
  });

  it.each(COMMANDS.map((c) => [c.name]))(
    '%s --help shows its usage, every flag and exits 0 without doing anything',
    async (name) => {
      const command = COMMANDS.find((c) => c.name === name)!;
      const help = await runCli('/nonexistent', name, '--help');
      expect([help.code, help.err]).toEqual([0, '']);
      expect(help.out).toMatch(new RegExp(`^Usage: loopline ${name} `));
      for (const flag of Object.keys(command.flags)) expect(help.out).toContain(`--${flag}`);
      expect((await runCli('/nonexistent', 'help', name)).out).toBe(help.out);
    },
  );

  it('an unknown flag is a usage error (exit 2) with a suggestion', async () => {
    const res = await runCli(REPO_ROOT, 'migrate', '--datasourc', 'db');
    expect([res.code, res.err]).toEqual([
      2,
      'loopline migrate: unknown option \'--datasourc\' (Did you mean --datasource?) (see "loopline migrate --help") [CLI_USAGE]\n',
    ]);
    const extra = await runCli(REPO_ROOT, 'boot-script', 'a', 'b');
    expect([extra.code, extra.err]).toEqual([2, expect.stringContaining('too many arguments')]);
  });

  it('the built bin answers the same', () => {
    const bin = path.join(REPO_ROOT, 'dist/cli/index.js');
    if (!fs.existsSync(bin)) throw new Error(`${bin} is missing: run "npm run build" first`);
    expect(execFileSync(process.execPath, [bin, '--version'], { encoding: 'utf8' })).toBe(`${version}\n`);
    expect(execFileSync(process.execPath, [bin, 'new', '--help'], { encoding: 'utf8' })).toContain(
      '--skip-install',
    );
  });
});
