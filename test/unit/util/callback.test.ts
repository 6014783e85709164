import { execFile } from 'child_process';
import path from 'path';
import { promisify } from 'util';

const run = promisify(execFile);
// dist/ keeps its modules in one pack (npm run build); load-pack serves one of them by its path.
const LOAD_PACK = path.resolve(__dirname, '../../../dist/pack/load-pack.js');

/** Runs a script that uses withCallback, in a process of its own; its exit code and output. */
async function outcome(script: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      [
        '-e',
        `const { withCallback } = require(${JSON.stringify(LOAD_PACK)}).requirePacked('util/callback.js');\n${script}`,
      ],
      { timeout: 10000 },
    );
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('withCallback: a callback that throws', () => {
  it('ends the process as LB3 does (an uncaught exception), instead of a printed rejection and a process that goes on', async () => {
    const ok =
      await outcome(`withCallback(Promise.resolve(1), (err, v) => { if (v === 1) throw new Error('thrown by the success callback'); });
setTimeout(() => console.log('still running'), 500);`);
    expect(ok.code).toBe(1);
    expect(ok.stderr).toContain('thrown by the success callback');
    expect(ok.stdout).not.toContain('still running');
    const failed =
      await outcome(`withCallback(Promise.reject(new Error('store down')), (err) => { throw err; });
setTimeout(() => console.log('still running'), 500);`);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('store down');
    expect(failed.stdout).not.toContain('still running');
  });

  it('a callback that returns normally leaves the promise and the process alone', async () => {
    const fine = await outcome(
      `withCallback(Promise.resolve(2), (err, v) => console.log('got', v)).then((v) => console.log('promise', v));`,
    );
    expect(fine).toEqual({ code: 0, stdout: 'got 2\npromise 2\n', stderr: '' });
  });
});
