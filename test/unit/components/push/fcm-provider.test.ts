import * as crypto from 'crypto';
import * as http from 'http';
import { AddressInfo } from 'net';
import { pushApp, readJwt } from '../../../support/push-app';

/**
 * FCM HTTP v1 against a stand-in of its two endpoints on 127.0.0.1: the OAuth token endpoint (the
 * JWT-bearer grant, whose assertion is verified with the service account's public key) and
 * `POST /v1/projects/<id>/messages:send` answering as FCM does (name, UNREGISTERED, 429 with
 * Retry-After, INVALID_ARGUMENT for a token).
 */
describe('FCM provider', () => {
  let server: http.Server;
  let base: string;
  const tokenRequests: URLSearchParams[] = [];
  const sends: { headers: http.IncomingHttpHeaders; url: string; body: any }[] = [];
  let throttled = 0;
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        res.setHeader('content-type', 'application/json');
        if (req.url === '/token') {
          tokenRequests.push(new URLSearchParams(text));
          return res.end(
            JSON.stringify({
              access_token: `ya29.token-${tokenRequests.length}`,
              expires_in: 3599,
              token_type: 'Bearer',
            }),
          );
        }
        const body = JSON.parse(text);
        sends.push({ headers: req.headers, url: req.url ?? '', body });
        const token = body.message.token;
        if (token === 'gone-token') {
          res.statusCode = 404;
          return res.end(
            JSON.stringify({
              error: {
                code: 404,
                status: 'NOT_FOUND',
                message: 'Requested entity was not found.',
                details: [
                  {
                    '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError',
                    errorCode: 'UNREGISTERED',
                  },
                ],
              },
            }),
          );
        }
        if (token === 'busy-token' && throttled++ < 1) {
          res.statusCode = 429;
          res.setHeader('retry-after', '0');
          return res.end(
            JSON.stringify({
              error: {
                code: 429,
                status: 'RESOURCE_EXHAUSTED',
                details: [
                  {
                    '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError',
                    errorCode: 'QUOTA_EXCEEDED',
                  },
                ],
              },
            }),
          );
        }
        if (token === 'always-down') {
          res.statusCode = 503;
          return res.end(JSON.stringify({ error: { code: 503, status: 'UNAVAILABLE' } }));
        }
        res.end(JSON.stringify({ name: `projects/shop-123/messages/${sends.length}` }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function setup(retries = 3) {
    const ctx = pushApp({ fcm: { endpoint: base }, retries });
    const serviceAccount = {
      type: 'service_account',
      project_id: 'shop-123',
      client_email: 'push@shop-123.iam.gserviceaccount.com',
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      token_uri: `${base}/token`,
    };
    const application = await ctx.Application.register('owner', 'Shop', {
      pushSettings: { fcm: { serviceAccount } },
    });
    return { ...ctx, application };
  }

  it('gets an OAuth token with a signed JWT-bearer assertion once, and sends the v1 message with it', async () => {
    const { Push, Installation, application } = await setup();
    tokenRequests.length = 0;
    sends.length = 0;
    const a = await Installation.create({
      appId: application.id,
      deviceType: 'android',
      deviceToken: 'token-a:APA91b',
    });
    await Installation.create({ appId: application.id, deviceType: 'android', deviceToken: 'token-b' });
    const report = await Push.notifyByQuery(
      { deviceType: 'android' },
      {
        title: 'Sale',
        alert: 'Half price today',
        badge: 2,
        collapseKey: 'sale',
        expirationInterval: 600,
        data: { sku: 'X1', qty: 3 },
      },
    );
    expect(report).toMatchObject({ total: 2, sent: 2, failed: 0 });
    expect(report.results.find((r: any) => r.installationId === a.id).providerId).toMatch(
      /^projects\/shop-123\/messages\//,
    );
    // One token for both sends.
    expect(tokenRequests).toHaveLength(1);
    expect(tokenRequests[0].get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    const jwt = readJwt(tokenRequests[0].get('assertion')!, publicKey, 'RS256');
    expect(jwt.valid).toBe(true);
    expect(jwt.header.alg).toBe('RS256');
    expect(jwt.claims).toMatchObject({
      iss: 'push@shop-123.iam.gserviceaccount.com',
      scope: 'https://www.googleapis.com/auth/firebase.messaging',
      aud: `${base}/token`,
    });
    expect(jwt.claims.exp - jwt.claims.iat).toBe(3600);
    expect(sends).toHaveLength(2);
    expect(sends[0].url).toBe('/v1/projects/shop-123/messages:send');
    expect(sends[0].headers.authorization).toBe('Bearer ya29.token-1');
    expect(sends.map((s) => s.body.message.token).sort()).toEqual(['token-a:APA91b', 'token-b']);
    expect(sends[0].body.message).toMatchObject({
      notification: { title: 'Sale', body: 'Half price today' },
      data: { sku: 'X1', qty: '3', badge: '2' },
      android: { priority: 'HIGH', ttl: '600s', collapse_key: 'sale' },
    });
  });

  it('marks UNREGISTERED devices inactive, retries 429 after Retry-After, and reports a provider still down', async () => {
    const { Push, Installation, application } = await setup(2);
    throttled = 0;
    const gone = await Installation.create({
      appId: application.id,
      deviceType: 'android',
      deviceToken: 'gone-token',
    });
    const busy = await Installation.create({
      appId: application.id,
      deviceType: 'android',
      deviceToken: 'busy-token',
    });
    const down = await Installation.create({
      appId: application.id,
      deviceType: 'android',
      deviceToken: 'always-down',
    });
    const report = await Push.notifyByQuery({ appId: application.id }, { alert: 'hello' });
    const byId = new Map(report.results.map((r: any) => [r.installationId, r]));
    expect(byId.get(gone.id)).toMatchObject({
      status: 'gone',
      code: 'PUSH_DEVICE_GONE',
      details: { reason: 'UNREGISTERED' },
    });
    expect(byId.get(busy.id)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(byId.get(down.id)).toMatchObject({
      status: 'failed',
      code: 'PUSH_PROVIDER_UNAVAILABLE',
      attempts: 3,
      details: { status: 503 },
    });
    expect((await Installation.findById(gone.id)).status).toBe('Inactive');
    expect((await Installation.findById(down.id)).status).toBeUndefined();
  });

  it('reports an unreadable service account per device without calling FCM', async () => {
    const ctx = pushApp({ fcm: { endpoint: base } });
    const application = await ctx.Application.register('owner', 'Broken', {
      pushSettings: {
        fcm: { serviceAccount: { client_email: 'x@y', project_id: 'p', private_key: 'not a key' } },
      },
    });
    sends.length = 0;
    const inst = await ctx.Installation.create({
      appId: application.id,
      deviceType: 'android',
      deviceToken: 'token-a',
    });
    const report = await ctx.Push.notifyById(inst.id, { alert: 'hi' });
    expect(report.results).toEqual([
      expect.objectContaining({ status: 'failed', code: 'PUSH_CREDENTIALS_MISSING' }),
    ]);
    expect(sends).toHaveLength(0);
  });

  it("notifyMany sends to tokens as LB3's did, and a gone token makes every installation holding it inactive", async () => {
    const { Push, Installation, application } = await setup();
    sends.length = 0;
    const holder = await Installation.create({
      appId: application.id,
      deviceType: 'android',
      deviceToken: 'gone-token',
    });
    const report = await Push.notifyMany(application.id, 'android', ['token-x', 'gone-token'], {
      alert: 'hi',
    });
    expect(report.results).toEqual([
      expect.objectContaining({ deviceToken: 'token-x', status: 'sent' }),
      expect.objectContaining({ deviceToken: 'gone-token', status: 'gone', code: 'PUSH_DEVICE_GONE' }),
    ]);
    expect((await Installation.findById(holder.id)).status).toBe('Inactive');
    await expect(Push.notifyMany(application.id, 'android', [], { alert: 'hi' })).rejects.toMatchObject({
      statusCode: 400,
      code: 'INVALID_ARGUMENT',
    });
  });

  it('reports a device type no provider serves, even one named like an Object property', async () => {
    const { Push, Installation, application } = await setup();
    sends.length = 0;
    const odd = await Installation.create({
      appId: application.id,
      deviceType: 'constructor',
      deviceToken: 't',
    });
    const report = await Push.notifyById(odd.id, { alert: 'hi' });
    expect(report.results).toEqual([
      expect.objectContaining({ status: 'failed', code: 'PUSH_UNSUPPORTED_DEVICE_TYPE' }),
    ]);
    expect(sends).toHaveLength(0);
  });
});
