import { ChildProcess, spawn } from 'child_process';

export interface RunningApp {
  url: string;
  output: () => string;
  stop: () => Promise<void>;
  /** The process itself, for tests that signal it. */
  child: ChildProcess;
  /** Settles when the process ends, with its exit code (null when a signal ended it). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts `node [nodeArgs] <script>` as a user would, on a free port (PORT=0), and resolves with
 * the URL it prints ("Web server listening at: ..."), so tests talk to a real process.
 */
export function startApp(
  script: string,
  opts: { nodeArgs?: string[]; env?: Record<string, string>; cwd?: string } = {},
): Promise<RunningApp> {
  const child: ChildProcess = spawn(process.execPath, [...(opts.nodeArgs ?? []), script], {
    cwd: opts.cwd,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'production', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`app did not start within 15 s; output:\n${out}`));
    }, 15000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening at: (http:\/\/\S+)/i.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1].replace(/\/$/, ''), output: () => out, stop, child, exited });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`app exited with code ${code} before listening; output:\n${out}`));
    });
  });
}
