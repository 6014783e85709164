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
    const res = await request(app).get('/favicon.ico').buffer(true).parse((r, done) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => done(null, Buffer.concat(chunks)));
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/x-icon');
    expect(res.body).toEqual(icon);
  });

  it('serves an icon of the app\'s own, and answers a missing one as an error', async () => {
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

  it('exports Express\'s prototypes, so a member added to loopback.request reaches every request', async () => {
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

  it('query() parses the query string where nothing did, within loopline\'s bounds', async () => {
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
      loopback.query((str: string) => ({ raw: str }))(req, res as any, () => res.end(JSON.stringify(req.query)));
    });
    expect(JSON.parse((await request(custom).get('/?a=1')).text)).toEqual({ raw: 'a=1' });
    // In a loopline app, the app's own parser has set req.query already.
    const app = loopback();
    app.set('query parser', () => ({ fromApp: true }));
    app.get('/', loopback.query(), (req, res) => res.json(req.query));
    await request(app).get('/?a=1').expect(200, { fromApp: true });
  });
});
