import express from 'express';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import request from 'supertest';
import loopback from '../../src';

/**
 * What LB3's `loopback` module exports beside the registry: the favicon it ships, what it took
 * over from Express (the app/request/response prototypes, routers, body parsers, Express 4's
 * query middleware).
 */
describe('loopback module exports', () => {
  it('ships its favicon as loopback.faviconFile and serves it from favicon()', async () => {
    expect(path.isAbsolute(loopback.faviconFile)).toBe(true);
    const icon = fs.readFileSync(loopback.faviconFile);
    expect(icon.subarray(0, 4)).toEqual(Buffer.from([0, 0, 1, 0])); // the ICO signature
    const app = loopback();
    app.middleware('initial', loopback.favicon());
    const res = await request(app)
      .get('/favicon.ico')
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/x-icon');
    expect(res.body).toEqual(icon);
  });

  it("serves an icon of the app's own, and answers a missing one as an error", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loopline-favicon-'));
    const own = path.join(dir, 'own.ico');
    fs.writeFileSync(own, 'ICON');
    const app = loopback();
    app.middleware('initial', '/a', loopback.favicon(own));
    app.middleware('initial', '/b', loopback.favicon(path.join(dir, 'missing.ico')));
    await request(app).get('/a/favicon.ico').expect(200, Buffer.from('ICON'));
    const missing = await request(app).get('/b/favicon.ico');
    expect(missing.status).toBe(500);
    expect(missing.text).not.toContain(dir);
  });

  it("exports Express's prototypes, so a member added to loopback.request reaches every request", async () => {
    expect(loopback.application).toBe(express.application);
    expect(loopback.response).toBe(express.response);
    expect(loopback.Router).toBe(express.Router);
    expect(loopback.json).toBe(express.json);
    expect(loopback.urlencoded).toBe(express.urlencoded);
    expect(loopback.Route).toBe((express as unknown as { Route: unknown }).Route);
    (loopback.request as any).shout = function (this: any) {
      return String(this.query.word).toUpperCase();
    };
    try {
      const app = loopback();
      app.get('/shout', (req: any, res) => res.json({ loud: req.shout() }));
      await request(app).get('/shout?word=hey').expect(200, { loud: 'HEY' });
      app.post('/echo', loopback.json(), (req, res) => res.json(req.body));
      await request(app).post('/echo').send({ a: 1 }).expect(200, { a: 1 });
    } finally {
      delete (loopback.request as any).shout;
    }
  });

  it("query() parses the query string where nothing did, within loopline's bounds", async () => {
    const server = http.createServer((req: any, res) => {
      loopback.query()(req, res as any, () => res.end(JSON.stringify(req.query)));
    });
    const deep = 'a' + '[b]'.repeat(12) + '=1';
    const res = await request(server).get(`/?x[y]=1&n=2&hasOwnProperty=3&${deep}`);
    const parsed = JSON.parse(res.text);
    expect(parsed).toMatchObject({ x: { y: '1' }, n: '2' });
    expect(Object.keys(parsed)).not.toContain('hasOwnProperty');
    // Nested no deeper than the app's query parser goes (8 levels): the rest stays one key.
    expect(JSON.stringify(parsed.a)).toContain('[b][b][b][b]');
    const custom = http.createServer((req: any, res) => {
      loopback.query((str: string) => ({ raw: str }))(req, res as any, () =>
        res.end(JSON.stringify(req.query)),
      );
    });
    expect(JSON.parse((await request(custom).get('/?a=1')).text)).toEqual({ raw: 'a=1' });
    // In a loopline app, the app's own parser has set req.query already.
    const app = loopback();
    app.set('query parser', () => ({ fromApp: true }));
    app.get('/', loopback.query(), (req, res) => res.json(req.query));
    await request(app).get('/?a=1').expect(200, { fromApp: true });
  });
});

describe('LB3 exports: Connector, DateString, defaultDataSources, template', () => {
  it('loopback.Connector is an event-emitting base class, usable with extends and with util.inherits', () => {
    class Mine extends loopback.Connector {}
    const a = new Mine({ host: 'x' });
    expect(a.options).toEqual({ host: 'x' });
    expect(a).toBeInstanceOf(loopback.Connector);
    const seen: unknown[] = [];
    a.on('ready', (v: unknown) => seen.push(v));
    a.emit('ready', 1);
    expect(seen).toEqual([1]);

    function Legacy(this: any, options: unknown) {
      loopback.Connector.call(this, options);
    }
    require('util').inherits(Legacy, loopback.Connector);
    const b = new (Legacy as any)({ port: 1 });
    expect(b.options).toEqual({ port: 1 });
    expect(b).toBeInstanceOf(loopback.Connector);
    expect(typeof b.emit).toBe('function');
  });

  it('loopback.DateString keeps the string it was given and refuses what is no date', () => {
    const d = new loopback.DateString('2026-12-06');
    expect(String(d)).toBe('2026-12-06');
    expect(d.when).toBe('2026-12-06');
    expect(d._date.toISOString()).toBe('2026-12-06T00:00:00.000Z');
    expect(JSON.stringify({ d })).toBe(JSON.stringify({ d: '{"when":"2026-12-06"}' }));
    expect(new loopback.DateString(d).when).toBe('2026-12-06');
    d.when = '2026-01-02T03:04:05Z';
    expect(d._date.getTime()).toBe(Date.UTC(2026, 0, 2, 3, 4, 5));
    expect(() => (d.when = 'not a date')).toThrow(/Invalid date/);
    expect(d.when).toBe('2026-01-02T03:04:05Z');
    expect(() => new loopback.DateString(5 as any)).toThrow(/must be a string/);
  });

  it("loopback.defaultDataSources is the default registry's map", () => {
    expect(loopback.defaultDataSources).toBe(loopback.registry.defaultDataSources);
    expect(new loopback.Registry().defaultDataSources).toEqual({});
  });

  it('loopback.template(file) compiles the ejs template in the file, escaping values, read once per path', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loopline-template-'));
    const file = path.join(dir, 'hello.ejs');
    fs.writeFileSync(path.join(dir, 'footer.ejs'), '<footer><%= site %></footer>');
    fs.writeFileSync(file, '<p>Hello <%= name %></p><%- include("footer") %>');
    const render = loopback.template(file);
    expect(render({ name: '<b>Ann</b>', site: 'shop' })).toBe(
      '<p>Hello &lt;b&gt;Ann&lt;/b&gt;</p><footer>shop</footer>',
    );

    // As LB3: the file's text is kept, so an edit after the first use is not seen.
    fs.writeFileSync(file, 'changed');
    expect(loopback.template(file)({ name: 'Bo', site: 's' })).toBe('<p>Hello Bo</p><footer>s</footer>');

    const app = loopback();
    app.get(
      '/hi',
      (req, res) => void res.type('html').send(render({ name: String(req.query.name), site: 'x' })),
    );
    await request(app)
      .get('/hi?name=%3Cscript%3E')
      .expect(200, '<p>Hello &lt;script&gt;</p><footer>x</footer>');
    expect(() => loopback.template(path.join(dir, 'missing.ejs'))).toThrow(/ENOENT/);
  });
});
