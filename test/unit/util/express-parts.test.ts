import express from 'express';
import fs from 'fs';
import request from 'supertest';
import loopback from '../../../src';
import { createExpressApp } from '../../../src/util/express-parts';

/**
 * loopline makes its apps from Express's parts without loading `express/index.js` (and with it
 * body-parser and serve-static): the app, the prototypes and the exports must be Express's own.
 */
describe("Express's parts, without express/index.js", () => {
  /** Each own property of an app: its name and what kind of descriptor it has. */
  function shape(app: object): string[] {
    return Object.getOwnPropertyNames(app)
      .filter((n) => n !== 'request' && n !== 'response')
      .map((n) => {
        const d = Object.getOwnPropertyDescriptor(app, n)!;
        const kind = 'value' in d ? typeof d.value : 'accessor';
        return `${n}:${kind}:${d.enumerable}:${d.configurable}:${'writable' in d ? d.writable : '-'}`;
      })
      .sort();
  }

  it('makes an app of the same shape as express()', () => {
    const ours: any = createExpressApp();
    const theirs: any = express();
    expect(shape(ours)).toEqual(shape(theirs));
    expect(ours.length).toBe(theirs.length);
    expect(Object.getPrototypeOf(ours.request)).toBe(express.request);
    expect(Object.getPrototypeOf(ours.response)).toBe(express.response);
    expect(ours.request.app).toBe(ours);
    expect(ours.response.app).toBe(ours);
    expect(ours.settings).toEqual(theirs.settings);
    expect(ours.locals.settings).toBe(ours.settings);
    expect(ours.mountpath).toBe('/');
    expect(typeof ours.on).toBe('function');
    expect(ours.router.constructor).toBe(theirs.router.constructor);
  });

  it("serves as an Express app, requests and responses extended through Express's prototypes", async () => {
    const app: any = createExpressApp();
    (express.request as any).looplineProbe = function (this: any) {
      return `probe ${this.path}`;
    };
    try {
      app.get('/x', (req: any, res: any) => res.json({ probe: req.looplineProbe(), app: req.app === app }));
      const res = await request(app).get('/x');
      expect(res.body).toEqual({ probe: 'probe /x', app: true });
    } finally {
      delete (express.request as any).looplineProbe;
    }
  });

  it("exports Express's own objects from loopback", () => {
    const ex = express as any;
    expect(loopback.application).toBe(ex.application);
    expect(loopback.request).toBe(ex.request);
    expect(loopback.response).toBe(ex.response);
    expect(loopback.Router).toBe(ex.Router);
    expect(loopback.Route).toBe(ex.Route);
    expect(loopback.json).toBe(ex.json);
    expect(loopback.raw).toBe(ex.raw);
    expect(loopback.text).toBe(ex.text);
    expect(loopback.urlencoded).toBe(ex.urlencoded);
    expect(Object.keys(loopback)).toEqual(expect.arrayContaining(['json', 'raw', 'text', 'urlencoded']));
  });

  it('parses bodies with loopback.json() and serves files with loopback.static()', async () => {
    const app: any = loopback({ localRegistry: true });
    app.post('/echo', loopback.json(), (req: any, res: any) => res.json(req.body));
    app.use('/files', loopback.static(__dirname));
    expect((await request(app).post('/echo').send({ a: 1 })).body).toEqual({ a: 1 });
    const file = await request(app).get('/files/express-parts.test.ts');
    expect(file.status).toBe(200);
    expect(Number(file.headers['content-length'])).toBe(fs.statSync(__filename).size);
  });
});
