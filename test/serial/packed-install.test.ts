import { execFile } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import ts from 'typescript';
import { promisify } from 'util';
import { REPO_ROOT } from '../support/example-app';
import { RunningApp, startApp } from '../support/spawn-app';

/**
 * HEAVY (serial suite, ~1 minute, most of it `npm pack`'s build and two `npm install`s): loopline
 * as a user gets it from npm. `npm pack` (which builds, through `prepare`) makes the tarball; in a
 * folder under os.tmpdir(), far from this clone and its node_modules, the tarball is installed
 * globally into a private prefix, `npx loopline new demo` scaffolds an app, `npm install` installs
 * it with the tarball standing in for the published `loopline`, and the app serves `/`, the
 * explorer and a model's CRUD. The registry is only asked for what the npm cache lacks
 * (`--prefer-offline`).
 */
jest.setTimeout(600000);

const run = promisify(execFile);

/** A TypeScript app using the installed package: its declarations must compile strictly, lib checks on. */
const CONSUMER_TS = `import loopline, { PersistedModel, type LooplineApp } from 'loopline';
import boot from 'loopline/boot';

export async function start(): Promise<LooplineApp> {
  const app: LooplineApp = loopline();
  await boot(app, __dirname);
  const count: number = await (app.models.Note as typeof PersistedModel).count();
  void count;
  return app;
}
`;
const { version } = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
  version: string;
};

/**
 * The environment of an npm run from a shell: without the `npm_*` variables `npm test` sets for
 * this repository (its `npm_config_local_prefix` would make the inner npm work on this clone).
 */
function npmEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) && k !== 'INIT_CWD') env[k] = v;
  return {
    ...env,
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    npm_config_prefer_offline: 'true',
    ...extra,
  };
}

async function npm(cwd: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  const { stdout } = await run('npm', args, { cwd, env: npmEnv(env), maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

describe('the packed package (npm pack → npx loopline new → npm install → npm start)', () => {
  const tmp = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'loopline-packed-'));
  const prefix = path.join(tmp, 'global');
  const work = path.join(tmp, 'work');
  const demo = path.join(work, 'demo');
  let tarball = '';
  let app: RunningApp | undefined;

  beforeAll(async () => {
    fs.mkdirSync(work);
    const packed = await npm(REPO_ROOT, ['pack', '--pack-destination', tmp]);
    tarball = path.join(tmp, packed.trim().split('\n').pop()!.trim());
  });

  afterAll(async () => {
    await app?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('holds what runs (dist, types, CLI, favicon) and nothing of the clone’s development', async () => {
    const { stdout } = await run('tar', ['-tzf', tarball]);
    const files = stdout
      .split('\n')
      .filter(Boolean)
      .map((f) => f.replace(/^package\//, ''));
    expect(files).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'favicon.ico',
        'dist/index.js',
        'dist/index.d.ts',
        'dist/boot/index.js',
        'dist/boot/index.d.ts',
        'dist/register.js',
        'dist/cli/index.js',
      ]),
    );
    expect(
      files.filter((f) => !/^(dist\/.*\.(js|d\.ts)|package\.json|README\.md|LICENSE|favicon\.ico)$/.test(f)),
    ).toEqual([]);
  });

  it('scaffolds with `npx loopline new demo` from an install of the tarball, pointing at the published loopline', async () => {
    await npm(tmp, ['install', '--global', '--prefix', prefix, tarball]);
    // npx finds the global bin of this prefix: nothing lands in the user's npx cache.
    await npm(work, ['exec', '--', 'loopline', 'new', 'plain', '--skip-install'], {
      npm_config_prefix: prefix,
    });
    const plain = JSON.parse(fs.readFileSync(path.join(work, 'plain', 'package.json'), 'utf8'));
    expect(plain.dependencies).toEqual({ loopline: `^${version}` });
    const readme = fs.readFileSync(path.join(work, 'plain', 'README.md'), 'utf8');
    expect(readme).toContain('https://www.npmjs.com/package/loopline');
    expect(readme).toContain('npx loopline model');

    // The app under test: the same command, the tarball standing in for the published version.
    await npm(
      work,
      ['exec', '--', 'loopline', 'new', 'demo', '--skip-install', '--loopline', `file:${tarball}`],
      { npm_config_prefix: prefix },
    );
    expect(JSON.parse(fs.readFileSync(path.join(demo, 'package.json'), 'utf8')).dependencies).toEqual({
      loopline: `file:${tarball}`,
    });
  });

  it('installs, takes a model from its own CLI, and serves /, the explorer and CRUD', async () => {
    await npm(demo, ['install']);
    expect(fs.lstatSync(path.join(demo, 'node_modules', 'loopline')).isSymbolicLink()).toBe(false);
    await npm(demo, ['exec', '--', 'loopline', 'model', 'Note', '--property', 'title:string:required']);

    // As `npm start` on a developer's machine: the explorer is off under NODE_ENV=production.
    // The declarations compile for a TypeScript user (skipLibCheck off): the @types they use came along.
    fs.writeFileSync(path.join(demo, 'consumer.ts'), CONSUMER_TS);
    const program = ts.createProgram([path.join(demo, 'consumer.ts')], {
      strict: true,
      noEmit: true,
      skipLibCheck: false,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.Node16,
      moduleResolution: ts.ModuleResolutionKind.Node16,
      types: ['node'],
      typeRoots: [path.join(demo, 'node_modules', '@types')],
    });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    expect(problems).toEqual([]);

    app = await startApp('.', { cwd: demo, env: { NODE_ENV: 'development' } });
    const root = await fetch(`${app.url}/`);
    expect(root.status).toBe(200);
    expect(await root.json()).toEqual({ started: expect.any(String), uptime: expect.any(Number) });

    const explorer = await fetch(`${app.url}/explorer/`);
    expect(explorer.status).toBe(200);
    expect(await explorer.text()).toContain('swagger-ui');
    const spec = (await (await fetch(`${app.url}/explorer/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/api/Notes', '/api/Users/login']));
    expect((await fetch(`${app.url}/favicon.ico`)).status).toBe(200);

    const created = await fetch(`${app.url}/api/Notes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'packed' }),
    });
    expect(created.status).toBe(200);
    const note = (await created.json()) as { id: number; title: string };
    expect(note).toEqual({ id: expect.any(Number), title: 'packed' });
    const refused = await fetch(`${app.url}/api/Notes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(refused.status).toBe(422);
    expect(await (await fetch(`${app.url}/api/Notes`)).json()).toEqual([note]);
  });
});
