import { spawn } from 'child_process';
import fs from 'fs';
import path from 'path';
import { PassThrough } from 'stream';
import { main } from '../../src/cli';
import { inquirerPrompter } from '../../src/cli/prompt';
import { REPO_ROOT } from '../support/example-app';
import { scratchApp, ScratchApp } from '../support/cli-app';

/**
 * The terminal's questions, on @inquirer/prompts: a bad answer (a name, a type) is refused with its
 * reason and the question stays open; nothing crashes. Driven through the real prompter over an
 * input stream, and once through the built bin in a pseudo-terminal (util-linux `script`), where
 * the CLI must notice it has a terminal.
 */
jest.setTimeout(120000);

const plain = (text: string) => text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, ''); // eslint-disable-line no-control-regex
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A terminal's output: each prompt pipes into it and ends its pipe when done, which a real terminal survives. */
function terminalOutput(): { output: PassThrough; shown: () => string } {
  const output = new PassThrough();
  let text = '';
  output.on('data', (c: Buffer) => (text += c.toString()));
  output.end = (() => output) as PassThrough['end'];
  return { output, shown: () => text };
}

/** Types `keys` into `input` once `shown()` contains `prompt`. */
async function answer(
  shown: () => string,
  prompt: string,
  input: NodeJS.WritableStream,
  keys: string,
): Promise<void> {
  const deadline = Date.now() + 60000;
  while (!plain(shown()).includes(prompt)) {
    if (Date.now() > deadline) throw new Error(`"${prompt}" never shown:\n${plain(shown())}`);
    await wait(20);
  }
  input.write(keys);
}

let app: ScratchApp;
beforeEach(async () => {
  app = await scratchApp();
});
afterEach(() => app.remove());

describe('questions at a terminal', () => {
  it('refuse a bad answer with the reason and ask again, over the real prompter', async () => {
    const input = new PassThrough();
    const { output, shown } = terminalOutput();
    const prompter = inquirerPrompter({ input, output });
    const done = main(['model', '--datasource', 'db', '--public'], {
      cwd: app.dir,
      interactive: true,
      prompter,
      log: () => undefined,
    });
    await answer(shown, 'Model name', input, '2Book\r');
    await answer(shown, 'cannot be a model name', input, '\x7f'.repeat(5) + 'Book\r');
    await answer(shown, 'Base model', input, '\r');
    await answer(shown, 'Property name', input, 'title\r');
    await answer(shown, 'Type of title', input, 'text\r');
    await answer(shown, '"text" is not a property type', input, '\x7f'.repeat(4) + 'string\r');
    await answer(shown, 'Is title required?', input, 'y\r');
    await answer(
      () => shown().slice(shown().lastIndexOf('Is title required?')),
      'Property name',
      input,
      '\r',
    );
    expect(await done).toBe(0);
    expect(
      JSON.parse(fs.readFileSync(path.join(app.dir, 'common/models/book.json'), 'utf8')).properties,
    ).toEqual({ title: { type: 'string', required: true } });
  });

  it('Ctrl-C at a question ends the command with CLI_ABORTED and writes nothing', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let shown = '';
    let err = '';
    output.on('data', (c: Buffer) => (shown += c.toString()));
    const done = main(['model'], {
      cwd: app.dir,
      interactive: true,
      prompter: inquirerPrompter({ input, output }),
      log: () => undefined,
      error: (t) => (err += t),
    });
    await answer(() => shown, 'Model name', input, '\x03');
    expect([await done, err]).toEqual([
      1,
      'loopline model: Stopped at a question; nothing was written. [CLI_ABORTED]\n',
    ]);
    expect(fs.readdirSync(path.join(app.dir, 'common/models'))).toEqual(['.gitkeep']);
  });

  it('the built bin asks when it has a terminal (a pseudo-terminal here)', async () => {
    const bin = path.join(REPO_ROOT, 'dist/cli/index.js');
    if (!fs.existsSync(bin)) throw new Error(`${bin} is missing: run "npm run build" first`);
    const child = spawn(
      'script',
      ['-qfec', `${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} boot-script`, '/dev/null'],
      { cwd: app.dir, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let shown = '';
    child.stdout.on('data', (c: Buffer) => (shown += c.toString()));
    child.stderr.on('data', (c: Buffer) => (shown += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    await answer(() => shown, 'Boot script name', child.stdin, 'bad name\r');
    await answer(() => shown, 'cannot name a boot script', child.stdin, '\x7f'.repeat(8) + 'seed\r');
    expect(await exited).toBe(0);
    expect(plain(shown)).toContain('Created server/boot/seed.js.');
    expect(fs.existsSync(path.join(app.dir, 'server/boot/seed.js'))).toBe(true);
  });
});
