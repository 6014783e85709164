import fs from 'fs';
import { AddressInfo } from 'net';
import os from 'os';
import path from 'path';
import request from 'supertest';
import { SMTPServer } from 'smtp-server';
import loopback, { type ModelClass } from '../../src';
import { boot } from '../../src/boot';

/**
 * The `mail` connector behind Email, as LB3 apps configure it (`{"connector": "mail",
 * "transports": [...]}`), against a real SMTP server on 127.0.0.1: what the server received
 * (envelope, headers, body) is what is asserted.
 */

interface Received {
  from: string;
  to: string[];
  raw: string;
  user?: string;
}

class TestSmtp {
  readonly received: Received[] = [];
  private server: SMTPServer;
  port = 0;

  constructor(auth?: { user: string; pass: string }) {
    this.server = new SMTPServer({
      disabledCommands: auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
      allowInsecureAuth: true,
      authOptional: !auth,
      logger: false,
      onAuth: (a, _session, cb) =>
        auth && a.username === auth.user && a.password === auth.pass
          ? cb(null, { user: a.username })
          : cb(new Error('Invalid username or password')),
      onData: (stream, session, cb) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          this.received.push({
            from: (session.envelope.mailFrom as { address: string }).address,
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('utf8'),
            user: session.user as string | undefined,
          });
          cb();
        });
      },
    });
  }

  start(): Promise<void> {
    return new Promise((resolve) =>
      this.server.listen(0, '127.0.0.1', () => {
        this.port = (this.server.server.address() as AddressInfo).port;
        resolve();
      }),
    );
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function headerOf(raw: string, name: string): string | undefined {
  const head = raw.split(/\r\n\r\n/)[0].replace(/\r\n[ \t]+/g, ' ');
  const line = head.split('\r\n').find((l) => l.toLowerCase().startsWith(name.toLowerCase() + ':'));
  return line?.slice(name.length + 1).trim();
}

function bodyOf(raw: string): string {
  return raw.slice(raw.indexOf('\r\n\r\n') + 4);
}

/** A quoted-printable body as text (soft line breaks joined, =XX bytes decoded). */
function unquote(body: string): string {
  const bytes = body
    .replace(/=\r\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

const MESSAGE = {
  to: 'to@example.com',
  from: 'from@example.com',
  subject: 'Hello from loopline',
  text: 'Plain body, line one.',
};

function mailApp(settings: Record<string, unknown>): any {
  const app = loopback({ localRegistry: true, loadBuiltinModels: true } as any);
  app.dataSource('mail', { connector: 'mail', ...settings });
  app.model(app.registry.getModel('Email'), { dataSource: 'mail' });
  return app;
}

describe('mail connector', () => {
  const smtp = new TestSmtp({ user: 'mailer', pass: 's3cret' });
  const second = new TestSmtp();
  let smtpSettings: Record<string, unknown>;
  beforeAll(async () => {
    await smtp.start();
    await second.start();
    smtpSettings = {
      type: 'smtp',
      host: '127.0.0.1',
      port: smtp.port,
      secure: false,
      ignoreTLS: true,
      auth: { user: 'mailer', pass: 's3cret' },
    };
  });
  afterAll(async () => {
    await smtp.stop();
    await second.stop();
  });
  beforeEach(() => {
    smtp.received.length = 0;
    second.received.length = 0;
  });

  it('app.models.Email.send over SMTP: the server receives the envelope, headers and body; the callback gets the transport report', async () => {
    const app = mailApp({ transports: [smtpSettings] });
    const info: any = await new Promise((resolve, reject) =>
      app.models.Email.send(MESSAGE, (err: Error | null, result: unknown) =>
        err ? reject(err) : resolve(result),
      ),
    );
    expect(smtp.received).toHaveLength(1);
    const got = smtp.received[0];
    expect([got.from, got.to, got.user]).toEqual(['from@example.com', ['to@example.com'], 'mailer']);
    expect(headerOf(got.raw, 'Subject')).toBe('Hello from loopline');
    expect(headerOf(got.raw, 'From')).toBe('from@example.com');
    expect(headerOf(got.raw, 'To')).toBe('to@example.com');
    expect(headerOf(got.raw, 'Message-ID')).toBe(info.messageId);
    expect(bodyOf(got.raw).trim()).toBe('Plain body, line one.');
    expect(info.envelope).toEqual({ from: 'from@example.com', to: ['to@example.com'] });
    expect(info.accepted).toEqual(['to@example.com']);
  });

  it('email.send(cb) on an instance sends it; html goes as a multipart alternative', async () => {
    const app = mailApp({ transports: [smtpSettings] });
    const mail = new app.models.Email({
      ...MESSAGE,
      to: 'a@example.com, b@example.com',
      html: '<h1>html body</h1>',
    });
    await new Promise<void>((resolve, reject) =>
      mail.send((err: Error | null) => (err ? reject(err) : resolve())),
    );
    const got = smtp.received[0];
    expect(got.to).toEqual(['a@example.com', 'b@example.com']);
    expect(headerOf(got.raw, 'Content-Type')).toMatch(/^multipart\/alternative/);
    expect(got.raw).toContain('<h1>html body</h1>');
    expect(got.raw).toContain('Plain body, line one.');
  });

  it('a wrong SMTP password fails the send (EAUTH) and nothing is delivered', async () => {
    const app = mailApp({ transports: [{ ...smtpSettings, auth: { user: 'mailer', pass: 'wrong' } }] });
    await expect(app.models.Email.send(MESSAGE)).rejects.toMatchObject({ code: 'EAUTH' });
    expect(smtp.received).toEqual([]);
  });

  it('a message names its transport by alias; without one the first transport is used', async () => {
    const app = mailApp({
      transports: [
        smtpSettings,
        { type: 'smtp', alias: 'bulk', host: '127.0.0.1', port: second.port, secure: false, ignoreTLS: true },
      ],
    });
    await app.models.Email.send({ ...MESSAGE, transport: 'bulk' });
    await app.models.Email.send(MESSAGE);
    expect([smtp.received.length, second.received.length]).toEqual([1, 1]);
    expect(second.received[0].raw).not.toMatch(/^transport:/im);
  });

  it('the direct transport delivers to the recipient domain itself when it has no MX record', async () => {
    const app = mailApp({ transport: { type: 'direct', name: 'loopline.test', port: second.port } });
    const info: any = await app.models.Email.send({ ...MESSAGE, to: 'someone@localhost' });
    expect(second.received.map((r) => r.to)).toEqual([['someone@localhost']]);
    expect(headerOf(second.received[0].raw, 'Subject')).toBe('Hello from loopline');
    expect(info.accepted).toEqual(['someone@localhost']);
  });

  it('the stub transport delivers nowhere and answers as LB3: {envelope, messageId, response: the raw message}', async () => {
    const app = mailApp({ transports: [{ type: 'STUB' }] });
    const info: any = await app.models.Email.send(MESSAGE);
    expect(info.envelope).toEqual({ from: 'from@example.com', to: ['to@example.com'] });
    expect(info.messageId).toMatch(/^[^<>\s]+@[^<>\s]+$/);
    expect(Buffer.isBuffer(info.response)).toBe(true);
    expect(headerOf(info.response.toString(), 'Subject')).toBe('Hello from loopline');
    expect(smtp.received).toEqual([]);
  });

  it('loopback.Mail is the connector class: transports found by type or alias, usable as a data source connector', async () => {
    const Mail = (loopback as any).Mail;
    const connector = new Mail({
      transports: [
        { type: 'smtp', service: 'gmail' },
        { type: 'stub', alias: 'test' },
      ],
    });
    expect(typeof connector.transportForName('smtp').sendMail).toBe('function');
    expect(connector.transportForName('test')).toBe(connector.transports[1]);
    expect(connector.transportForName('nope')).toBeUndefined();
    const ds = loopback.createDataSource('email', { connector: Mail, transports: [{ type: 'STUB' }] });
    const MyEmail = (loopback as any).Email.extend('MyEmail');
    ds.attach(MyEmail);
    expect((await MyEmail.send(MESSAGE)).envelope.to).toEqual(['to@example.com']);
  });

  it('a mail data source without transports sends nothing and answers with the message (LB3), kept in Email.sent', async () => {
    const app = mailApp({});
    const Email = app.models.Email;
    const before = Email.sent.length;
    expect(await Email.send(MESSAGE)).toEqual(MESSAGE);
    expect(Email.sent.length).toBe(Math.min(before + 1, 100));
    expect(Email.sent[Email.sent.length - 1]).toEqual(MESSAGE);
  });

  it('an unknown transport type is refused when the data source is made: 500 MAIL_TRANSPORT_UNSUPPORTED', () => {
    expect(() =>
      loopback.createDataSource('m', { connector: 'mail', transports: [{ type: 'sendgrid' }] }),
    ).toThrow(expect.objectContaining({ code: 'MAIL_TRANSPORT_UNSUPPORTED', statusCode: 500 }));
    expect(() =>
      loopback.createDataSource('m', { connector: 'loopback-connector-mail', transports: ['smtp'] }),
    ).toThrow(expect.objectContaining({ code: 'MAIL_TRANSPORT_UNSUPPORTED' }));
  });

  it("a user's verify email goes through the Email model's mail data source", async () => {
    const app = mailApp({ transports: [smtpSettings] });
    app.set('restApiRoot', '/api');
    app.dataSource('db', { connector: 'memory' });
    const Member = app.registry.createModel({ name: 'Member', base: 'User' });
    app.model(Member, { dataSource: 'db' });
    const ann = await Member.create({ email: 'ann@example.com', password: 'open sesame' });
    const result = await ann.verify({
      from: 'noreply@example.com',
      host: 'app.example.com',
      port: 443,
      protocol: 'https',
    });
    expect(smtp.received).toHaveLength(1);
    const got = smtp.received[0];
    expect([got.from, got.to]).toEqual(['noreply@example.com', ['ann@example.com']]);
    expect(headerOf(got.raw, 'Content-Transfer-Encoding')).toBe('quoted-printable');
    expect(unquote(bodyOf(got.raw))).toContain(
      `https://app.example.com/api/Members/confirm?uid=${String(ann.id)}&redirect=%2F&token=${result.token}`,
    );
  });

  it('an LB3 app folder: datasources.json "mail" (SMTP) and "kv" (loopback-connector-kv-memory) with Email and a KeyValueModel in model-config.json', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'loopline-lb3-stores-'));
    const files: Record<string, unknown> = {
      'server/config.json': { restApiRoot: '/api', port: 3000 },
      'server/datasources.json': {
        db: { name: 'db', connector: 'memory' },
        mail: { name: 'mail', connector: 'mail', transports: [smtpSettings] },
        kv: { name: 'kv', connector: 'loopback-connector-kv-memory' },
      },
      'server/model-config.json': {
        _meta: { sources: ['../common/models'] },
        Email: { dataSource: 'mail' },
        Session: { dataSource: 'kv', public: true },
      },
      'server/middleware.json': {
        routes: { 'loopback#rest': { paths: ['${restApiRoot}'] } },
        final: { 'loopback#urlNotFound': {} },
      },
      'common/models/session.json': { name: 'Session', base: 'KeyValueModel' },
    };
    for (const [rel, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      fs.writeFileSync(path.join(root, rel), JSON.stringify(content));
    }
    const app = loopback();
    await boot(app, { appRootDir: path.join(root, 'server') });
    const Email = app.models.Email as ModelClass & { send(message: object): Promise<unknown> };
    await Email.send(MESSAGE);
    expect(smtp.received.map((r) => headerOf(r.raw, 'Subject'))).toEqual(['Hello from loopline']);
    await request(app).put('/api/Sessions/abc?ttl=60000').send({ user: 1 }).expect(204);
    expect((await request(app).get('/api/Sessions/abc')).body).toEqual({ user: 1 });
    const Session = app.models.Session as ModelClass & { keys(): Promise<string[]> };
    expect(await Session.keys()).toEqual(['abc']);
  });
});
