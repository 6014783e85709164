'use strict';
/**
 * Push fan-out: one notifyByQuery to N installations (default 10,000) through loopline's push
 * component, against a local stand-in of the provider run in a child process (so the figures are
 * the sender's own): APNs (HTTP/2 over TLS, a self-signed certificate) or FCM v1 (token endpoint
 * + messages:send over HTTP/1.1). Prints the time of the send and the sender's peak RSS.
 *
 *   npm run build && node bench/push-fanout.js [--devices 10000] [--provider apns|fcm] [--concurrency 32] [--batch 500]
 */
const { fork } = require('child_process');
const crypto = require('crypto');
const http = require('http');
const http2 = require('http2');

const args = Object.fromEntries(
  process.argv
    .slice(2)
    .join(' ')
    .split('--')
    .filter(Boolean)
    .map((a) => {
      const [key, value = 'true'] = a.trim().split(/\s+/);
      return [key, value];
    }),
);

async function serve(provider) {
  if (provider === 'apns') {
    const { generate } = require('selfsigned');
    const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
      keySize: 2048,
      algorithm: 'sha256',
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
    });
    let n = 0;
    const server = http2.createSecureServer({
      key: pems.private,
      cert: pems.cert,
      settings: { maxConcurrentStreams: 1000 },
    });
    server.on('stream', (stream) => {
      stream.resume();
      stream.on('end', () => {
        stream.respond({ ':status': 200, 'apns-id': `id-${++n}` });
        stream.end();
      });
    });
    server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port, ca: pems.cert }));
  } else {
    let n = 0;
    const server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.setHeader('content-type', 'application/json');
        if (req.url === '/token') return res.end(JSON.stringify({ access_token: 'tok', expires_in: 3600 }));
        res.end(JSON.stringify({ name: `projects/p/messages/${++n}` }));
      });
    });
    server.keepAliveTimeout = 60000;
    server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
  }
}

async function main() {
  const devices = Number(args.devices ?? 10000);
  const provider = args.provider ?? 'apns';
  const child = fork(__filename, ['--serve', provider]);
  const standIn = await new Promise((resolve) => child.once('message', resolve));
  const loopline = require('../dist');
  const push = require('../dist/components/push').default;
  const app = loopline({ localRegistry: true, loadBuiltinModels: true });
  app.dataSource('db', { connector: 'memory' });
  app.model(app.registry.getModel('Application'), { dataSource: 'db', public: false });
  const base = `${provider === 'apns' ? 'https' : 'http'}://127.0.0.1:${standIn.port}`;
  const Push = push(app, {
    concurrency: Number(args.concurrency ?? 32),
    batchSize: Number(args.batch ?? 500),
    apns: { endpoint: base, ca: standIn.ca },
    fcm: { endpoint: base },
  });
  const { Application, Installation } = app.models;
  let pushSettings;
  if (provider === 'apns') {
    const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    pushSettings = {
      apns: {
        token: {
          keyId: 'K',
          teamId: 'T',
          key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        },
        bundle: 'com.example',
      },
    };
  } else {
    const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    pushSettings = {
      fcm: {
        serviceAccount: {
          project_id: 'p',
          client_email: 'x@p.iam',
          private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
          token_uri: `${base}/token`,
        },
      },
    };
  }
  const application = await Application.register('owner', 'Bench', { pushSettings });
  const deviceType = provider === 'apns' ? 'ios' : 'android';
  for (let i = 0; i < devices; i += 1000) {
    const rows = [];
    for (let j = i; j < Math.min(devices, i + 1000); j++)
      rows.push({ appId: application.id, deviceType, deviceToken: crypto.randomBytes(32).toString('hex') });
    await Installation.create(rows);
  }
  const rssBefore = process.memoryUsage().rss;
  const started = process.hrtime.bigint();
  const report = await Push.notifyByQuery(
    { appId: application.id },
    { alert: 'Fan-out', badge: 1, data: { id: 1 } },
  );
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  await Push.closeConnections();
  child.kill();
  const out = {
    provider,
    devices,
    sent: report.sent,
    failed: report.failed,
    seconds: +(ms / 1000).toFixed(2),
    perSecond: Math.round(report.sent / (ms / 1000)),
    rssBeforeMB: +(rssBefore / 2 ** 20).toFixed(1),
    peakRssMB: +(process.resourceUsage().maxRSS / 1024).toFixed(1),
    concurrency: Number(args.concurrency ?? 32),
    batchSize: Number(args.batch ?? 500),
  };
  console.log(JSON.stringify(out));
}

if (args.serve) serve(args.serve);
else
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
