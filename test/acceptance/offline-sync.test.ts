import fs from 'fs';
import os from 'os';
import path from 'path';
import loopback from '../../src';
import { startApp, type RunningApp } from '../support/spawn-app';
import { REPO_ROOT, Relay, STORES, storeAvailable } from '../connectors/stores';

/**
 * Offline sync end to end (the README's recipe), with two processes: a server process keeping
 * notes on PostgreSQL with change tracking (test/fixtures/offline-sync/server.js, an LB3-style app),
 * and a "device" — this process — keeping its notes in the memory store persisted to a file and
 * reaching the server through the remote connector. The network between them is a TCP relay the
 * test cuts and restores. Both sides edit while cut off (one note on both: a conflict), the device
 * restarts from its file, reconnects, replicates both ways and resolves the conflict.
 */

const PG = STORES.find((s) => s.name === 'postgresql')!;
const NOTE_PROPS = {
  id: { type: 'string', id: true, defaultFn: 'guid' },
  title: { type: 'string', required: true },
  done: { type: 'boolean', default: false },
};

interface Since {
  push: unknown;
  pull: unknown;
}

/** The device app: local notes on a memory file, the server's notes through the remote connector. */
function deviceApp(file: string, serverUrl: string) {
  const app: any = loopback({ localRegistry: true, loadBuiltinModels: true } as any);
  app.dataSource('local', { connector: 'memory', file });
  app.dataSource('server', { connector: 'remote', url: serverUrl, timeout: 5000 });
  const LocalNote = app.registry.createModel('LocalNote', NOTE_PROPS, {
    trackChanges: true,
    changeCleanupInterval: -1,
  });
  app.model(LocalNote, { dataSource: 'local' });
  // The server's SyncNote, seen through its REST API (same plural, so the same routes).
  const RemoteNote = app.registry.createModel('RemoteNote', NOTE_PROPS, {
    plural: 'SyncNotes',
    trackChanges: false,
    enableRemoteReplication: true,
  });
  app.model(RemoteNote, { dataSource: 'server' });
  return { LocalNote, RemoteNote };
}

function replicate(
  Source: any,
  since: unknown,
  Target: any,
): Promise<{ conflicts: any[]; checkpoints: unknown }> {
  return new Promise((resolve, reject) =>
    Source.replicate(since, Target, {}, (err: unknown, conflicts: any[], checkpoints: unknown) =>
      err ? reject(err) : resolve({ conflicts, checkpoints }),
    ),
  );
}

/**
 * Pull the server's changes, then push the device's; the checkpoints reached are kept for next
 * time. Pulling first matters: what the device received is then pushed back as it came (equal
 * revisions, skipped), even when the server changed it again meanwhile.
 */
async function sync(device: ReturnType<typeof deviceApp>, since: Since) {
  const pull = await replicate(device.RemoteNote, since.pull, device.LocalNote);
  const push = await replicate(device.LocalNote, since.push, device.RemoteNote);
  return {
    pushConflicts: push.conflicts,
    pullConflicts: pull.conflicts,
    since: { push: push.checkpoints, pull: pull.checkpoints },
  };
}

async function serverNotes(server: RunningApp): Promise<Record<string, string>> {
  const list = (await (await fetch(`${server.url}/api/SyncNotes`)).json()) as Array<{
    id: string;
    title: string;
  }>;
  return Object.fromEntries(list.map((n) => [n.id, n.title]));
}

async function localNotes(LocalNote: any): Promise<Record<string, string>> {
  return Object.fromEntries((await LocalNote.find()).map((n: any) => [n.id, n.title]));
}

(storeAvailable(PG) ? describe : describe.skip)(
  'offline sync: a device on a memory file and a server on PostgreSQL',
  () => {
    let dir: string;
    let server: RunningApp;
    let relay: Relay;

    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loopline-offline-'));
      server = await startApp(path.join(REPO_ROOT, 'test/fixtures/offline-sync/server.js'), {
        nodeArgs: ['-r', path.join(REPO_ROOT, 'dist/register.js')],
        env: { PGDATABASE: String(PG.settings.database), NODE_ENV: 'test' },
      });
      const port = Number(new URL(server.url).port);
      relay = new Relay('127.0.0.1', port);
      await relay.start();
    }, 30000);

    afterAll(async () => {
      await relay?.stop();
      await server?.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('edits both sides while disconnected, reconnects, replicates both ways and resolves the conflict', async () => {
      const file = path.join(dir, 'device.json');
      const viaRelay = `http://127.0.0.1:${relay.port}/api`;
      let since: Since = { push: -1, pull: -1 };

      // Online: a note made on each side reaches the other.
      let device = deviceApp(file, viaRelay);
      const shopping = await device.LocalNote.create({ title: 'buy milk' });
      const made = await fetch(`${server.url}/api/SyncNotes`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ title: 'call Ann' }),
      });
      const call = (await made.json()) as { id: string };
      let run = await sync(device, since);
      expect([run.pushConflicts, run.pullConflicts]).toEqual([[], []]);
      since = run.since;
      expect(await serverNotes(server)).toEqual({ [shopping.id]: 'buy milk', [call.id]: 'call Ann' });
      expect(await localNotes(device.LocalNote)).toEqual({
        [shopping.id]: 'buy milk',
        [call.id]: 'call Ann',
      });

      // Offline: the network is cut; replicating fails with 503 and changes nothing.
      await relay.stop();
      await (await device.LocalNote.findById(shopping.id)).updateAttributes({ title: 'buy oat milk' });
      const offlineNote = await device.LocalNote.create({ title: 'written offline' });
      await expect(sync(device, since)).rejects.toMatchObject({ statusCode: 503, code: 'STORE_UNAVAILABLE' });
      // Meanwhile the server changes the same note and deletes another.
      const patched = await fetch(`${server.url}/api/SyncNotes/${shopping.id}`, {
        method: 'PATCH',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ title: 'buy soy milk' }),
      });
      expect(patched.status).toBe(200);
      expect((await fetch(`${server.url}/api/SyncNotes/${call.id}`, { method: 'DELETE' })).status).toBe(200);

      // The device restarts: its notes and change records come back from its file.
      device = deviceApp(file, viaRelay);
      expect(await localNotes(device.LocalNote)).toEqual({
        [shopping.id]: 'buy oat milk',
        [call.id]: 'call Ann',
        [offlineNote.id]: 'written offline',
      });

      // Online again: both ways, one conflict (the note both sides changed).
      await relay.start();
      run = await sync(device, since);
      expect(run.pushConflicts.map((c) => c.modelId)).toEqual([shopping.id]);
      expect(run.pullConflicts.map((c) => c.modelId)).toEqual([shopping.id]);
      since = run.since;
      // Everything else went through: the offline note is on the server, the deleted one gone from the device.
      expect(await serverNotes(server)).toEqual({
        [shopping.id]: 'buy soy milk',
        [offlineNote.id]: 'written offline',
      });
      expect(await localNotes(device.LocalNote)).toEqual({
        [shopping.id]: 'buy oat milk',
        [offlineNote.id]: 'written offline',
      });

      // The app resolves it by merging both titles, then pushes the result.
      const conflict = run.pushConflicts[0];
      expect(await conflict.type()).toBe('update');
      const [mine, theirs] = await new Promise<any[]>((resolve, reject) =>
        conflict.models((err: unknown, a: any, b: any) => (err ? reject(err) : resolve([a, b]))),
      );
      expect([mine.title, theirs.title]).toEqual(['buy oat milk', 'buy soy milk']);
      await conflict.resolveManually({ title: `${mine.title} or ${theirs.title}` });
      run = await sync(device, since);
      expect([run.pushConflicts, run.pullConflicts]).toEqual([[], []]);

      const agreed = { [shopping.id]: 'buy oat milk or buy soy milk', [offlineNote.id]: 'written offline' };
      expect(await serverNotes(server)).toEqual(agreed);
      expect(await localNotes(device.LocalNote)).toEqual(agreed);
      // The device's file holds the agreed state for its next start.
      expect(await localNotes(deviceApp(file, viaRelay).LocalNote)).toEqual(agreed);
    }, 60000);
  },
);
