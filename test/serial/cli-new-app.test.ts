import { ChildProcess, execFileSync, spawn } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { REPO_ROOT } from '../support/example-app';

/**
 * HEAVY (serial: an npm install of the app, ~2 minutes): what the README promises a new user,
 * `loopline new demo && cd demo && npm start`, with the built CLI (dist/cli/index.js, the
 * package's bin) and loopline as a `file:` dependency on this repo. `new` runs `npm install`
 * itself (the npm cache first, the registry for what it lacks), and the app's own `npm test`
 * (node:test) and `npm run lint` (ESLint) pass as generated. The second model comes from
 * `npx loopline model` inside the installed app.
 */
jest.setTimeout(600000);

const CLI = path.join(REPO_ROOT, 'dist/cli/index.js');

function npmStart(cwd: string): { child: ChildProcess; url: Promise<string>; output: () => string } {
  // Its own process group, so stopping it stops npm's `node .` child too.
  const child = spawn('npm', ['start'], {
    cwd,
    detached: true,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const url = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start printed no URL within 60 s:\n${out}`)), 60000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening at: (http:\/\/\S+)/i.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1].replace(/\/$/, ''));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited with ${code}:\n${out}`));
    });
  });
  return { child, url, output: () => out };
}

describe('loopline new demo && npm install && npm start', () => {
  let tmp: string;
  let started: ReturnType<typeof npmStart> | undefined;

  beforeAll(() => {
    if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" first (npm test does)`);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'loopline-new-'));
  });
  afterAll(async () => {
    const child = started?.child;
    if (child?.pid && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(-child.pid, 'SIGTERM');
      await exited;
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('serves the scaffolded model over REST', async () => {
    const env = {
      ...process.env,
      npm_config_prefer_offline: 'true',
      npm_config_fund: 'false',
      npm_config_audit: 'false',
      npm_config_update_notifier: 'false',
    };
    const created = execFileSync(
      process.execPath,
      [CLI, 'new', 'demo', '--template', 'notes', '--loopline', `file:${REPO_ROOT}`],
      { cwd: tmp, encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 400000 },
    );
    expect(created).toMatch(
      /^Created demo \(template notes, data source db on memory\)\.\nRunning npm install in demo…\n/,
    );
    const demo = path.join(tmp, 'demo');
    expect(fs.realpathSync(path.join(demo, 'node_modules/loopline'))).toBe(fs.realpathSync(REPO_ROOT));
    const tested = execFileSync('npm', ['test'], {
      cwd: demo,
      encoding: 'utf8',
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 120000,
    });
    expect(tested).toMatch(/# pass 5\n# fail 0\n/);
    expect(
      execFileSync('npm', ['run', 'lint'], {
        cwd: demo,
        encoding: 'utf8',
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 120000,
      }),
    ).not.toMatch(/error/);
    const model = execFileSync(
      'npx',
      ['--offline', 'loopline', 'model', 'Tag', '--property', 'label:string:required'],
      { cwd: demo, encoding: 'utf8' },
    );
    expect(model).toContain('Created common/models/tag.json');

    started = npmStart(demo);
    const url = await started.url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const post = await fetch(`${url}/api/Notes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'first' }),
    });
    expect([post.status, await post.json()]).toEqual([200, { title: 'first', done: false, id: 1 }]);
    const list = await fetch(`${url}/api/Notes`);
    expect([list.status, await list.json()]).toEqual([200, [{ title: 'first', done: false, id: 1 }]]);
    expect((await fetch(`${url}/api/Tags`)).status).toBe(200);
    // helmet and cors come from loopline's own dependencies: the app installed neither.
    expect(fs.existsSync(path.join(demo, 'node_modules/helmet'))).toBe(false);
    expect(list.headers.get('x-content-type-options')).toBe('nosniff');
    const preflight = await fetch(`${url}/api/Notes`, {
      method: 'OPTIONS',
      headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' },
    });
    expect([preflight.status, preflight.headers.get('access-control-allow-origin')]).toEqual([403, null]);
    const invalid = await fetch(`${url}/api/Notes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect([invalid.status, ((await invalid.json()) as { error: { code: string } }).error.code]).toEqual([
      422,
      'VALIDATION_FAILED',
    ]);
    expect((await fetch(`${url}/explorer/`)).status).toBe(404); // off under NODE_ENV=production
  });
});
