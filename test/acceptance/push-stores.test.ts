import * as crypto from 'crypto';
import * as http from 'http';
import { AddressInfo } from 'net';
import { STORES } from '../connectors/stores';
import { pushApp } from '../support/push-app';

/**
 * notifyByQuery over each real store: installations read in id order page by page (the keyset
 * query, `status` null or not Inactive), the gone device's row marked Inactive by the store's
 * updateAll, inactive rows never sent to — against an FCM stand-in on 127.0.0.1.
 */
describe.each(STORES)('push over the $name store', (store) => {
  let server: http.Server;
  let base: string;
  const tokens: string[] = [];
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        res.setHeader('content-type', 'application/json');
        if (req.url === '/token') return res.end(JSON.stringify({ access_token: 'tok', expires_in: 3600 }));
        const token = JSON.parse(Buffer.concat(chunks).toString()).message.token;
        tokens.push(token);
        if (token === 'device-3') {
          res.statusCode = 404;
          return res.end(
            JSON.stringify({ error: { status: 'NOT_FOUND', details: [{ errorCode: 'UNREGISTERED' }] } }),
          );
        }
        res.end(JSON.stringify({ name: `projects/p/messages/${tokens.length}` }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('pages through the active installations, marks the gone one Inactive in the store and skips it next time', async () => {
    const { app, Push, Installation, Application } = pushApp(
      { fcm: { endpoint: base }, batchSize: 5 },
      store.settings,
    );
    const ds = app.dataSources.db;
    await ds.automigrate(['Application', 'Installation', 'Notification']);
    try {
      const serviceAccount = {
        project_id: 'p',
        client_email: 'x@p.iam',
        private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        token_uri: `${base}/token`,
      };
      const application = await Application.register('owner', 'Shop', {
        pushSettings: { fcm: { serviceAccount } },
      });
      const rows = Array.from({ length: 12 }, (_, i) => ({
        appId: application.id,
        deviceType: 'android',
        deviceToken: `device-${i}`,
        ...(i === 7 ? { status: 'Inactive' } : i % 2 ? { status: 'Active' } : {}),
      }));
      for (const row of rows) await Installation.create(row);
      tokens.length = 0;
      const report = await Push.notifyByQuery({ appId: application.id }, { alert: 'hi' });
      expect(report).toMatchObject({ total: 11, sent: 10, gone: 1 });
      expect(tokens.sort()).toEqual(
        rows
          .map((r) => r.deviceToken)
          .filter((t) => t !== 'device-7')
          .sort(),
      );
      const stored = await Installation.find({ where: { status: 'Inactive' }, order: 'deviceToken ASC' });
      expect(stored.map((i: any) => i.deviceToken)).toEqual(['device-3', 'device-7']);
      tokens.length = 0;
      expect(await Push.notifyByQuery({ appId: application.id }, { alert: 'again' })).toMatchObject({
        total: 10,
        sent: 10,
      });
      expect(tokens).not.toContain('device-3');
    } finally {
      if (store.name !== 'memory') await ds.disconnect();
    }
  });
});
