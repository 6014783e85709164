import path from 'path';
import { describeStore, STORES } from '../connectors/stores';
import { makeOpsApp } from '../support/ops-app';
import { startApp } from '../support/spawn-app';
import { alive, getStatus, sleep } from './load';

/** `WEB_CONCURRENCY=2 node server`: two workers on one port, sharing the PostgreSQL data source. */
describeStore(
  STORES.find((s) => s.name === 'postgresql')!,
  () => {
    const app = makeOpsApp({ dataSource: STORES.find((s) => s.name === 'postgresql')!.settings });
    afterAll(() => app.remove());

    it('serves requests from two worker processes and stops them all on SIGTERM', async () => {
      const running = await startApp(path.join(app.dir, 'server'), {
        cwd: app.dir,
        env: { WEB_CONCURRENCY: '2', LOOPLINE_REQUEST_LOG: '1', OPS_MIGRATE: '1' },
      });
      try {
        for (let i = 0; i < 100 && (running.output().match(/listening at/g) ?? []).length < 2; i++)
          await sleep(100);
        expect(running.output()).toContain(`primary ${running.child.pid} starting 2 workers`);
        const statuses = await Promise.all(
          Array.from({ length: 40 }, (_, i) => getStatus(`${running.url}/api/Notes?filter[limit]=${i + 1}`)),
        );
        expect(new Set(statuses)).toEqual(new Set([200]));
        await sleep(200);
        const logged = running
          .output()
          .split('\n')
          .filter((l) => l.startsWith('{') && l.includes('/api/Notes'))
          .map((l) => JSON.parse(l) as { pid: number; res: { statusCode: number } });
        expect(logged).toHaveLength(40);
        const pids = [...new Set(logged.map((e) => e.pid))];
        expect(pids).toHaveLength(2);
        expect(pids).not.toContain(running.child.pid);

        running.child.kill('SIGTERM');
        expect(await running.exited).toEqual({ code: 0, signal: null });
        expect(pids.filter(alive)).toEqual([]);
        expect(running.output()).toContain('SIGTERM received: stopping 2 workers');
      } finally {
        await running.stop();
      }
    }, 60000);
  },
);
