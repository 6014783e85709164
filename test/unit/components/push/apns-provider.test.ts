import * as http2 from 'http2';
import { AddressInfo } from 'net';
import { generate } from 'selfsigned';
import { ecKeyPair, pushApp, readJwt } from '../../../support/push-app';

/**
 * APNs against a stand-in speaking its protocol: HTTP/2 over TLS (a self-signed certificate the
 * provider is told to trust), POST /3/device/<token>, answers 200 with apns-id, 410 Unregistered,
 * 503 with Retry-After. Checked: the headers, the provider token (ES256 JWT, verified with the
 * public key), the payload, retries, and the gone device marked inactive.
 */
interface Received {
  headers: http2.IncomingHttpHeaders;
  body: any;
}

const OK = 'a'.repeat(64);
const GONE = 'b'.repeat(64);
const BUSY = 'c'.repeat(64);

describe('APNs provider', () => {
  let server: http2.Http2SecureServer;
  let url: string;
  let ca: string;
  const received: Received[] = [];
  let busyAnswers = 0;
  const key = ecKeyPair();

  beforeAll(async () => {
    const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
      keySize: 2048,
      algorithm: 'sha256',
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
    } as any);
    ca = pems.cert;
    server = http2.createSecureServer({ key: pems.private, cert: pems.cert });
    server.on('stream', (stream, headers) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({ headers, body: JSON.parse(Buffer.concat(chunks).toString()) });
        const token = String(headers[':path']).split('/').pop();
        if (token === GONE) {
          stream.respond({ ':status': 410, 'content-type': 'application/json' });
          stream.end(JSON.stringify({ reason: 'Unregistered', timestamp: Date.now() }));
        } else if (token === BUSY && busyAnswers++ < 2) {
          stream.respond({ ':status': 503, 'retry-after': '0', 'content-type': 'application/json' });
          stream.end(JSON.stringify({ reason: 'ServiceUnavailable' }));
        } else {
          stream.respond({ ':status': 200, 'apns-id': `id-${received.length}` });
          stream.end();
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function setup() {
    const ctx = pushApp({ apns: { endpoint: url, ca } });
    const application = await ctx.Application.register('owner', 'Shop', {
      pushSettings: {
        apns: {
          token: { keyId: 'KEY123', key: key.privatePem, teamId: 'TEAM99' },
          bundle: 'com.example.shop',
        },
      },
    });
    return { ...ctx, application };
  }

  it('sends over HTTP/2 with a verified ES256 provider token, the topic, push type and payload', async () => {
    const { Push, Installation, application } = await setup();
    received.length = 0;
    const inst = await Installation.create({ appId: application.id, deviceType: 'ios', deviceToken: OK });
    const report = await Push.notifyById(inst.id, {
      alert: 'Your order shipped',
      badge: 3,
      sound: 'ping.aiff',
      expirationInterval: 3600,
      data: { orderId: 7 },
    });
    await Push.closeConnections();
    expect(report).toMatchObject({
      total: 1,
      sent: 1,
      failed: 0,
      results: [{ installationId: inst.id, status: 'sent', attempts: 1, providerId: 'id-1' }],
    });
    expect(received).toHaveLength(1);
    const { headers, body } = received[0];
    expect(headers).toMatchObject({
      ':method': 'POST',
      ':path': `/3/device/${OK}`,
      'apns-topic': 'com.example.shop',
      'apns-push-type': 'alert',
      'apns-priority': '10',
    });
    const expiration = Number(headers['apns-expiration']);
    expect(Math.abs(expiration - (Math.floor(Date.now() / 1000) + 3600))).toBeLessThan(5);
    const jwt = readJwt(String(headers.authorization).replace(/^bearer /, ''), key.publicKey, 'ES256');
    expect(jwt.valid).toBe(true);
    expect(jwt.header).toEqual({ alg: 'ES256', kid: 'KEY123' });
    expect(jwt.claims.iss).toBe('TEAM99');
    expect(Math.abs(jwt.claims.iat - Date.now() / 1000)).toBeLessThan(5);
    expect(body).toEqual({ orderId: 7, aps: { alert: 'Your order shipped', badge: 3, sound: 'ping.aiff' } });
  });

  it('retries 503 after Retry-After, marks a 410 device inactive, reports each device and emits the events', async () => {
    const { Push, Installation, application } = await setup();
    received.length = 0;
    busyAnswers = 0;
    const ok = await Installation.create({ appId: application.id, deviceType: 'ios', deviceToken: OK });
    const gone = await Installation.create({ appId: application.id, deviceType: 'ios', deviceToken: GONE });
    const busy = await Installation.create({ appId: application.id, deviceType: 'ios', deviceToken: BUSY });
    const events: Record<string, unknown[][]> = { transmitted: [], devicesGone: [] };
    Push.on('transmitted', (...args: unknown[]) => events.transmitted.push(args));
    Push.on('devicesGone', (...args: unknown[]) => events.devicesGone.push(args));
    const report = await Push.notifyByQuery(
      { appId: application.id },
      { contentAvailable: true, data: { sync: true } },
    );
    expect(report).toMatchObject({ total: 3, sent: 2, gone: 1, failed: 0 });
    const byId = new Map(report.results.map((r: any) => [r.installationId, r]));
    expect(byId.get(ok.id)).toMatchObject({ status: 'sent', attempts: 1 });
    expect(byId.get(busy.id)).toMatchObject({ status: 'sent', attempts: 3 });
    expect(byId.get(gone.id)).toMatchObject({
      status: 'gone',
      code: 'PUSH_DEVICE_GONE',
      details: { status: 410, reason: 'Unregistered' },
    });
    // A silent notification goes as background, priority 5.
    expect(received[0].headers).toMatchObject({ 'apns-push-type': 'background', 'apns-priority': '5' });
    expect(received[0].body).toEqual({ sync: true, aps: { 'content-available': 1 } });
    expect((await Installation.findById(gone.id)).status).toBe('Inactive');
    expect(events.devicesGone).toEqual([[[GONE], 'ios']]);
    expect(events.transmitted).toHaveLength(2);

    // The inactive device is skipped afterwards: nothing is sent to it.
    received.length = 0;
    const again = await Push.notifyByQuery({ appId: application.id }, { alert: 'again' });
    await Push.closeConnections();
    expect(again).toMatchObject({ total: 2, sent: 2 });
    expect(received.map((r) => String(r.headers[':path']).split('/').pop()).sort()).toEqual([OK, BUSY]);
    expect(await Push.notifyById(gone.id, { alert: 'x' })).toMatchObject({
      skipped: 1,
      results: [{ status: 'skipped', code: 'PUSH_DEVICE_INACTIVE' }],
    });
  });

  it('refuses a payload over 4096 bytes with 422 before sending anything, and reports a malformed token per device', async () => {
    const { Push, Installation, application } = await setup();
    received.length = 0;
    const inst = await Installation.create({ appId: application.id, deviceType: 'ios', deviceToken: OK });
    await expect(Push.notifyById(inst.id, { alert: 'x'.repeat(5000) })).rejects.toMatchObject({
      statusCode: 422,
      code: 'PUSH_PAYLOAD_TOO_LARGE',
      details: { provider: 'apns', limit: 4096 },
    });
    await expect(Push.notifyByQuery({}, { alert: 'x'.repeat(5000) })).rejects.toMatchObject({
      code: 'PUSH_PAYLOAD_TOO_LARGE',
    });
    const bad = await Installation.create({
      appId: application.id,
      deviceType: 'ios',
      deviceToken: 'not-a-token',
    });
    const report = await Push.notifyById(bad.id, { alert: 'hi' });
    await Push.closeConnections();
    expect(report.results).toEqual([
      expect.objectContaining({ status: 'failed', code: 'PUSH_INVALID_DEVICE_TOKEN', attempts: 0 }),
    ]);
    expect(received).toHaveLength(0);
  });

  it('reports missing APNs credentials per device and sends nothing', async () => {
    const { Push, Installation, Application } = pushApp({ apns: { endpoint: url, ca } });
    const application = await Application.register('owner', 'NoKeys', {
      pushSettings: { apns: { bundle: 'com.example' } },
    });
    received.length = 0;
    const errors: any[] = [];
    Push.on('error', (err: unknown) => errors.push(err));
    const inst = await Installation.create({ appId: application.id, deviceType: 'ios', deviceToken: OK });
    const report = await Push.notifyById(inst.id, { alert: 'hi' });
    expect(report.results).toEqual([
      expect.objectContaining({ status: 'failed', code: 'PUSH_CREDENTIALS_MISSING' }),
    ]);
    expect(errors.map((e) => [e.code, e.statusCode, e.details.installationId])).toEqual([
      ['PUSH_CREDENTIALS_MISSING', 422, inst.id],
    ]);
    expect(received).toHaveLength(0);
  });
});
