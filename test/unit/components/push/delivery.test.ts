import * as crypto from 'crypto';
import * as http from 'http';
import { AddressInfo } from 'net';
import webpush from 'web-push';
import { pushApp } from '../../../support/push-app';

/**
 * Delivery to a large audience, observed at a Web Push stand-in that answers slowly: installations
 * are read in pages of `batchSize`, no more than `concurrency` requests are ever in flight, and a
 * provider asking to wait (Retry-After, in seconds or as an HTTP date) is honoured — or, past
 * `maxRetryDelay`, reported rather than waited for.
 */
describe('push delivery', () => {
  let server: http.Server;
  let base: string;
  let inFlight = 0;
  let maxInFlight = 0;
  const paths: string[] = [];
  let dateThrottled = 0;
  const vapid = webpush.generateVAPIDKeys();

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      req.resume();
      req.on('end', () => {
        paths.push(req.url ?? '');
        setTimeout(() => {
          inFlight--;
          if (req.url === '/slow-down') {
            res.statusCode = 503;
            res.setHeader('retry-after', '120');
          } else if (req.url === '/by-date' && dateThrottled++ === 0) {
            res.statusCode = 429;
            // An HTTP date has whole seconds: 2 s ahead is at least 1 s away.
            res.setHeader('retry-after', new Date(Date.now() + 2000).toUTCString());
          } else {
            res.statusCode = 201;
          }
          res.end();
        }, 10);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  function subscription(endpoint: string) {
    const ua = crypto.createECDH('prime256v1');
    ua.generateKeys();
    return {
      endpoint,
      keys: {
        p256dh: ua.getPublicKey().toString('base64url'),
        auth: crypto.randomBytes(16).toString('base64url'),
      },
    };
  }

  async function setup(options: Record<string, unknown>) {
    const ctx = pushApp({ webPush: { allowHttp: true, allowedHosts: ['127.0.0.1'] }, ...options });
    const application = await ctx.Application.register('owner', 'Site', {
      pushSettings: { webPush: { vapid: { subject: 'https://example.com/contact', ...vapid } } },
    });
    return { ...ctx, application };
  }

  it('reads installations in pages and keeps at most `concurrency` requests in flight', async () => {
    const { Push, Installation, application } = await setup({ batchSize: 25, concurrency: 4 });
    const rows = Array.from({ length: 60 }, (_, i) => {
      const sub = subscription(`${base}/device/${i}`);
      return {
        appId: application.id,
        deviceType: 'webpush',
        deviceToken: sub.endpoint,
        pushSubscription: sub,
      };
    });
    await Installation.create(rows);
    const pageReads: number[] = [];
    Installation.observe('access', async (ctx: any) => {
      if (ctx.query?.limit !== undefined) pageReads.push(ctx.query.limit);
    });
    paths.length = 0;
    maxInFlight = 0;
    const report = await Push.notifyByQuery({ appId: application.id }, { alert: 'hello everyone' });
    expect(report).toMatchObject({ total: 60, sent: 60, failed: 0 });
    expect(new Set(paths).size).toBe(60);
    expect(maxInFlight).toBeLessThanOrEqual(4);
    expect(maxInFlight).toBeGreaterThan(1);
    expect(pageReads).toEqual([25, 25, 25]);
  });

  it('waits out a Retry-After given as an HTTP date, and reports one beyond maxRetryDelay without waiting', async () => {
    const { Push, Installation, application } = await setup({ maxRetryDelay: 5000 });
    const byDate = subscription(`${base}/by-date`);
    const slow = subscription(`${base}/slow-down`);
    const a = await Installation.create({
      appId: application.id,
      deviceType: 'webpush',
      deviceToken: byDate.endpoint,
      pushSubscription: byDate,
    });
    const b = await Installation.create({
      appId: application.id,
      deviceType: 'webpush',
      deviceToken: slow.endpoint,
      pushSubscription: slow,
    });
    const started = Date.now();
    const report = await Push.notifyByQuery({ appId: application.id }, { alert: 'later' });
    const elapsed = Date.now() - started;
    const byId = new Map(report.results.map((r: any) => [r.installationId, r]));
    expect(byId.get(a.id)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(byId.get(b.id)).toMatchObject({
      status: 'failed',
      code: 'PUSH_PROVIDER_UNAVAILABLE',
      attempts: 1,
      details: { status: 503, retryAfter: 120 },
    });
    // The date (at least a second away) was waited for; the 120 s were not.
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(elapsed).toBeLessThan(5000);
  });

  it('refuses a notification that is not an object or not a valid Notification, and an unknown installation', async () => {
    const { Push } = await setup({});
    await expect(Push.notifyByQuery({}, 'hello')).rejects.toMatchObject({
      statusCode: 422,
      code: 'VALIDATION_FAILED',
    });
    await expect(Push.notifyByQuery({}, { badge: 'many' })).rejects.toMatchObject({
      statusCode: 422,
      code: 'VALIDATION_FAILED',
    });
    await expect(Push.notifyById('nope', { alert: 'x' })).rejects.toMatchObject({
      statusCode: 404,
      code: 'PUSH_INSTALLATION_NOT_FOUND',
    });
  });
});
