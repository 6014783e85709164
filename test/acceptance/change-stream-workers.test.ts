import fs from 'fs';
import http from 'http';
import os from 'os';
import path from 'path';
import request from 'supertest';
import { authApp } from '../support/auth-app';
import { startApp, type RunningApp } from '../support/spawn-app';
import { describeStore, REPO_ROOT, STORES } from '../connectors/stores';
import { subscribe } from '../support/sse-client';

/**
 * Change streams across worker processes: a client subscribed to `GET /api/Scores/change-stream`
 * on one worker (this process) hears the writes made through another worker (a child process
 * running the built loopline) on the same PostgreSQL or MariaDB database, carried by the store
 * (LISTEN/NOTIFY; the polled feed table), both workers' data sources with `changeFeed: true`
 * (a model that tracks changes needs no setting). The model's READ ACL still decides who may subscribe,
 * and hidden properties never reach the subscriber.
 */

const ACLS = [
  { principalType: 'ROLE', principalId: '$everyone', permission: 'ALLOW', accessType: 'READ' },
  { principalType: 'ROLE', principalId: '$everyone', permission: 'ALLOW', accessType: 'WRITE' },
];
const SCORE = {
  name: 'CswScore',
  properties: { team: 'string', value: 'number', secret: 'string' },
  hidden: ['secret'],
  acls: ACLS,
};
const VAULT = {
  name: 'CswVault',
  properties: { label: 'string' },
  acls: [{ principalType: 'ROLE', principalId: '$everyone', permission: 'DENY' }],
};

/** The other worker: the same models over REST, on the same store, in a process of its own. */
const WORKER = `
const loopback = require(process.env.LOOPLINE_ROOT);
const app = loopback({ localRegistry: true, loadBuiltinModels: true });
const ds = app.dataSource('db', JSON.parse(process.env.STORE_SETTINGS));
for (const def of JSON.parse(process.env.MODELS)) app.model(app.registry.createModel(def), { dataSource: ds });
app.use('/api', loopback.rest());
const server = app.listen(0, '127.0.0.1', () => console.log('Web server listening at: http://127.0.0.1:' + server.address().port));
`;

// The embedded stores (memory, SQLite) carry no change from one process to another.
for (const store of STORES.filter((s) => !s.embedded)) {
  describeStore(store, () => {
    jest.setTimeout(30000);
    let h: { app: any; models: any[] };
    let server: http.Server;
    let worker: RunningApp;
    let dir: string;

    beforeAll(async () => {
      h = authApp((reg) => [reg.createModel(SCORE), reg.createModel(VAULT)], {
        ...store.settings,
        changeFeed: true,
        changeFeedInterval: 50,
      });
      await h.app.dataSources.db.automigrate();
      await new Promise<void>((resolve) => {
        server = h.app.listen(0, '127.0.0.1', resolve);
      });
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loopline-worker-'));
      fs.writeFileSync(path.join(dir, 'worker.js'), WORKER);
      worker = await startApp(path.join(dir, 'worker.js'), {
        env: {
          LOOPLINE_ROOT: REPO_ROOT,
          STORE_SETTINGS: JSON.stringify({ ...store.settings, changeFeed: true }),
          MODELS: JSON.stringify([SCORE, VAULT]),
        },
      });
    });

    afterAll(async () => {
      await worker?.stop();
      await new Promise((resolve) => server?.close(resolve));
      await h?.app.dataSources.db.disconnect();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it('hears over SSE the writes made through another worker process, without hidden properties', async () => {
      const sub = await subscribe(server, '/api/CswScores/change-stream');
      expect(sub.status).toBe(200);
      const post = (p: string, body: unknown, method = 'POST') =>
        fetch(`${worker.url}/api${p}`, {
          method,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
      const created = await post('/CswScores', { team: 'far', value: 1, secret: 'pin-1' });
      expect(created.status).toBe(200);
      const patched = await post(`/CswScores/${created.body.id}`, { value: 2, secret: 'pin-2' }, 'PATCH');
      expect(patched.status).toBe(200);
      const removed = await fetch(`${worker.url}/api/CswScores/${created.body.id}`, { method: 'DELETE' });
      expect(removed.status).toBe(200);
      const events: any[] = await sub.events(3);
      sub.close();
      expect(events.map((e) => [e.type, e.target])).toEqual([
        ['create', created.body.id],
        ['update', created.body.id],
        ['remove', created.body.id],
      ]);
      expect(JSON.stringify(events)).not.toContain('pin');
      for (const e of events.slice(0, 2))
        if (e.data) expect(e.data).toMatchObject({ id: created.body.id, team: 'far' });
    });

    it("hears its own writes once, alongside the other worker's", async () => {
      const sub = await subscribe(server, '/api/CswScores/change-stream');
      await request(h.app).post('/api/CswScores').send({ team: 'here' }).expect(200);
      await fetch(`${worker.url}/api/CswScores`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ team: 'there' }),
      });
      const events: any[] = await sub.events(2);
      await new Promise((resolve) => setTimeout(resolve, 300));
      sub.close();
      expect(events.map((e) => [e.type, e.data?.team]).sort()).toEqual([
        ['create', 'here'],
        ['create', 'there'],
      ]);
    });

    it('refuses a subscriber without READ access (401), whatever the other worker writes', async () => {
      const denied = await request(h.app).get('/api/CswVaults/change-stream');
      expect([denied.status, denied.body.error.code]).toEqual([401, 'AUTHORIZATION_REQUIRED']);
    });
  });
}
