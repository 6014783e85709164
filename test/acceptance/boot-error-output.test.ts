import { spawnSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { REPO_ROOT } from '../support/example-app';

/**
 * `node server` on a copy of the example app whose model JSON has a typo: what the user reads first
 * is the app's own `throw err` line and the diagnosis (file, path, did-you-mean), never a line of
 * loopline's code (dist/). Uses the built package (npm run build).
 */
describe('a boot error as `node server` prints it', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loopline-boot-output-'));
    for (const sub of ['common', 'server'])
      fs.cpSync(path.join(REPO_ROOT, sub), path.join(dir, sub), {
        recursive: true,
        filter: (src) => src !== path.join(REPO_ROOT, 'server', 'data'),
      });
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.symlinkSync(REPO_ROOT, path.join(dir, 'node_modules', 'loopline'), 'dir');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  function run(): { status: number | null; lines: string[] } {
    const r = spawnSync(process.execPath, ['server'], {
      cwd: dir,
      env: { ...process.env, PORT: '0', NODE_ENV: 'production' },
      encoding: 'utf8',
      timeout: 30000,
    });
    return { status: r.status, lines: `${r.stdout}${r.stderr}`.split('\n').filter((l) => l.trim() !== '') };
  }

  it('a relation to a misspelled model: exit 1, the diagnosis before any loopline frame', () => {
    const file = path.join(dir, 'common/models/order.json');
    const order = JSON.parse(fs.readFileSync(file, 'utf8'));
    const [relation] = Object.entries(order.relations as Record<string, { model: string }>).find(
      ([, r]) => r.model === 'Customer',
    )!;
    order.relations[relation].model = 'Custmer';
    fs.writeFileSync(file, JSON.stringify(order, null, 2));

    const { status, lines } = run();
    expect(status).toBe(1);
    const diagnosis = lines.findIndex((l) =>
      l.includes(
        `common/models/order.json: relations.${relation}.model: names an unknown model "Custmer"; did you mean "Customer"?`,
      ),
    );
    expect(diagnosis).toBeGreaterThanOrEqual(0);
    // Before it: the app's own server.js line (`if (err) throw err;` and its caret), nothing of loopline's.
    expect(lines.slice(0, diagnosis).filter((l) => /dist[\\/]|src[\\/](boot|util)/.test(l))).toEqual([]);
    expect(lines[0]).toMatch(/server[\\/]server\.js:\d+$/);
  });
});
