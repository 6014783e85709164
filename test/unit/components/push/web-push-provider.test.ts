import * as crypto from 'crypto';
import * as http from 'http';
import { AddressInfo } from 'net';
import webpush from 'web-push';
import { pushApp, readJwt } from '../../../support/push-app';

/**
 * Web Push against a push-service stand-in on 127.0.0.1: it checks the VAPID authorization (the
 * ES256 JWT verified with the key in `k=`), and decrypts the aes128gcm body (RFC 8291) with the
 * subscription's private key and auth secret — written here with node:crypto, independently of
 * the library that encrypted it. 410 marks a subscription gone.
 */
function hkdf(salt: Buffer, ikm: Buffer, info: Buffer, length: number): Buffer {
  const prk = crypto.createHmac('sha256', salt).update(ikm).digest();
  return crypto
    .createHmac('sha256', prk)
    .update(Buffer.concat([info, Buffer.from([1])]))
    .digest()
    .subarray(0, length);
}

/** RFC 8291 §3.4 + RFC 8188: one record, the user agent's side. */
function decrypt(body: Buffer, ua: crypto.ECDH, authSecret: Buffer): string {
  const salt = body.subarray(0, 16);
  const idlen = body[20];
  const asPublic = body.subarray(21, 21 + idlen);
  const record = body.subarray(21 + idlen);
  const shared = ua.computeSecret(asPublic);
  const ikm = hkdf(
    authSecret,
    shared,
    Buffer.concat([Buffer.from('WebPush: info\0'), ua.getPublicKey(), asPublic]),
    32,
  );
  const cek = hkdf(salt, ikm, Buffer.from('Content-Encoding: aes128gcm\0'), 16);
  const nonce = hkdf(salt, ikm, Buffer.from('Content-Encoding: nonce\0'), 12);
  const decipher = crypto.createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(record.subarray(record.length - 16));
  const plain = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
  // The last record ends with the delimiter 2, then zero padding.
  let end = plain.length - 1;
  while (end >= 0 && plain[end] === 0) end--;
  expect(plain[end]).toBe(2);
  return plain.subarray(0, end).toString('utf8');
}

function browserSubscription(endpoint: string) {
  const ua = crypto.createECDH('prime256v1');
  ua.generateKeys();
  const auth = crypto.randomBytes(16);
  return {
    ua,
    auth,
    json: {
      endpoint,
      expirationTime: null,
      keys: { p256dh: ua.getPublicKey().toString('base64url'), auth: auth.toString('base64url') },
    },
  };
}

describe('Web Push provider', () => {
  let server: http.Server;
  let base: string;
  const received: { url: string; headers: http.IncomingHttpHeaders; body: Buffer }[] = [];
  const vapid = webpush.generateVAPIDKeys();

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
        if (req.url?.startsWith('/expired')) {
          res.statusCode = 410;
          return res.end();
        }
        res.statusCode = 201;
        res.setHeader('location', `${base}/message/${received.length}`);
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function setup(webPush: Record<string, unknown> = { allowHttp: true, allowedHosts: ['127.0.0.1'] }) {
    const ctx = pushApp({ webPush });
    const application = await ctx.Application.register('owner', 'Site', {
      pushSettings: { webPush: { vapid: { subject: 'mailto:ops@example.com', ...vapid } } },
    });
    return { ...ctx, application };
  }

  it('sends an aes128gcm body the subscription decrypts, with a verified VAPID JWT, TTL and Urgency', async () => {
    const { Push, Installation, application } = await setup();
    received.length = 0;
    const sub = browserSubscription(`${base}/push/abc`);
    const inst = await Installation.create({
      appId: application.id,
      deviceType: 'webpush',
      deviceToken: sub.json.endpoint,
      pushSubscription: sub.json,
    });
    const report = await Push.notifyById(inst.id, {
      title: 'Hello',
      alert: 'Your report is ready',
      expirationInterval: 120,
      priority: 'normal',
      collapseKey: 'report',
      data: { id: 42 },
    });
    expect(report).toMatchObject({ sent: 1, results: [{ status: 'sent', providerId: `${base}/message/1` }] });
    expect(received).toHaveLength(1);
    const { headers, body, url } = received[0];
    expect(url).toBe('/push/abc');
    expect(headers).toMatchObject({
      'content-encoding': 'aes128gcm',
      ttl: '120',
      urgency: 'normal',
      topic: 'report',
    });
    expect(JSON.parse(decrypt(body, sub.ua, sub.auth))).toEqual({
      title: 'Hello',
      body: 'Your report is ready',
      data: { id: 42 },
    });
    const [, token, key] = /^vapid t=([^,]+), k=(.+)$/.exec(String(headers.authorization))!;
    expect(key).toBe(vapid.publicKey);
    const point = Buffer.from(key, 'base64url');
    const publicKey = crypto.createPublicKey({
      key: {
        kty: 'EC',
        crv: 'P-256',
        x: point.subarray(1, 33).toString('base64url'),
        y: point.subarray(33).toString('base64url'),
      },
      format: 'jwk',
    });
    const jwt = readJwt(token, publicKey, 'ES256');
    expect(jwt.valid).toBe(true);
    expect(jwt.claims).toMatchObject({ aud: base, sub: 'mailto:ops@example.com' });
    expect(jwt.claims.exp).toBeGreaterThan(Date.now() / 1000);
  });

  it('marks a 410 subscription inactive; refuses endpoints off the allowed hosts and malformed keys per device', async () => {
    const { Push, Installation, application } = await setup();
    received.length = 0;
    const expired = browserSubscription(`${base}/expired/1`);
    const gone = await Installation.create({
      appId: application.id,
      deviceType: 'webpush',
      deviceToken: expired.json.endpoint,
      pushSubscription: expired.json,
    });
    const elsewhere = browserSubscription('https://internal.example/admin');
    const offList = await Installation.create({
      appId: application.id,
      deviceType: 'webpush',
      deviceToken: elsewhere.json.endpoint,
      pushSubscription: elsewhere.json,
    });
    const badKeys = await Installation.create({
      appId: application.id,
      deviceType: 'webpush',
      deviceToken: `${base}/push/x`,
      pushSubscription: { endpoint: `${base}/push/x`, keys: { p256dh: 'short', auth: 'x' } },
    });
    const report = await Push.notifyByQuery({ deviceType: 'webpush' }, { alert: 'hi' });
    const byId = new Map(report.results.map((r: any) => [r.installationId, r]));
    expect(byId.get(gone.id)).toMatchObject({ status: 'gone', code: 'PUSH_DEVICE_GONE' });
    expect(byId.get(offList.id)).toMatchObject({
      status: 'failed',
      code: 'PUSH_ENDPOINT_NOT_ALLOWED',
      attempts: 0,
    });
    expect(byId.get(badKeys.id)).toMatchObject({
      status: 'failed',
      code: 'PUSH_INVALID_DEVICE_TOKEN',
      attempts: 0,
    });
    expect(received.map((r) => r.url)).toEqual(['/expired/1']);
    expect((await Installation.findById(gone.id)).status).toBe('Inactive');
  });

  it('by default sends only to https endpoints of the known push services', async () => {
    const { Push, Installation, application } = await setup({});
    received.length = 0;
    const sub = browserSubscription(`${base}/push/abc`);
    const inst = await Installation.create({
      appId: application.id,
      deviceType: 'webpush',
      deviceToken: sub.json.endpoint,
      pushSubscription: sub.json,
    });
    const report = await Push.notifyById(inst.id, { alert: 'hi' });
    expect(report.results).toEqual([
      expect.objectContaining({ status: 'failed', code: 'PUSH_ENDPOINT_NOT_ALLOWED' }),
    ]);
    expect(received).toHaveLength(0);
  });

  it('refuses a payload over 3993 bytes with 422 and sends nothing', async () => {
    const { Push, Installation, application } = await setup();
    received.length = 0;
    const sub = browserSubscription(`${base}/push/abc`);
    await Installation.create({
      appId: application.id,
      deviceType: 'webpush',
      deviceToken: sub.json.endpoint,
      pushSubscription: sub.json,
    });
    await expect(
      Push.notifyByQuery({ appId: application.id }, { alert: 'x'.repeat(3990) }),
    ).rejects.toMatchObject({
      statusCode: 422,
      code: 'PUSH_PAYLOAD_TOO_LARGE',
      details: { provider: 'webpush', limit: 3993 },
    });
    expect(received).toHaveLength(0);
  });
});
