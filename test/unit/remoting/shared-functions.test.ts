import request from 'supertest';
import loopback from '../../../src';

/**
 * LB3's older way to expose a method, still in LB3 apps: a function marked with
 * `loopback.remoteMethod(fn, options)` (or `fn.shared = true`) and assigned to a model class or
 * its prototype is served over REST like a declared remote method (as observed on LB3 3.28).
 */
function build() {
  const app: any = loopback({ localRegistry: true });
  app.dataSource('db', { connector: 'memory' });
  const Lamp = app.registry.createModel('Lamp', { watts: 'number' }, { base: 'PersistedModel' });
  app.model(Lamp, { dataSource: 'db' });
  app.use(loopback.rest());
  return { app, Lamp };
}

describe('functions marked shared', () => {
  it('serves a marked static on GET by default, with `name` naming its return value', async () => {
    const { app, Lamp } = build();
    Lamp.brightest = function (limit: number, cb: (err: null, w: number) => void) {
      cb(null, limit * 2);
    };
    loopback.remoteMethod(Lamp.brightest, {
      accepts: [{ arg: 'limit', type: 'number' }],
      returns: [{ type: 'number', name: 'watts' }],
    });
    const res = await request(app).get('/Lamps/brightest').query({ limit: 21 });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ watts: 42 });
  });

  it('is found after the REST API was first served, and on the prototype as an instance method', async () => {
    const { app, Lamp } = build();
    const lamp = await Lamp.create({ watts: 60 });
    expect((await request(app).get(`/Lamps/${lamp.id}/double`)).status).toBe(404);
    Lamp.prototype.double = function (this: any, cb: (err: null, w: number) => void) {
      cb(null, this.watts * 2);
    };
    loopback.remoteMethod(Lamp.prototype.double, { returns: { arg: 'watts', type: 'number' } });
    const res = await request(app).get(`/Lamps/${lamp.id}/double`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ watts: 120 });
  });

  it('does not replace a declared method, and obeys disableRemoteMethodByName', async () => {
    const { app, Lamp } = build();
    Lamp.off = (cb: (err: null, r: string) => void) => cb(null, 'off');
    loopback.remoteMethod(Lamp.off, { returns: { arg: 'state', type: 'string' } });
    Lamp.disableRemoteMethodByName('off');
    expect((await request(app).get('/Lamps/off')).status).toBe(404);
    Lamp.greet = async () => 'hello';
    Lamp.remoteMethod('greet', { returns: { arg: 'msg', type: 'string' }, http: { verb: 'get' } });
    loopback.remoteMethod(Lamp.greet, { http: { verb: 'post', path: '/other' } });
    expect((await request(app).post('/Lamps/other')).status).toBe(404);
    expect((await request(app).get('/Lamps/greet')).body).toEqual({ msg: 'hello' });
  });

  it('hands a marked method no access token when auth is off, even if the request sends one', async () => {
    const { app, Lamp } = build();
    Lamp.whoami = function (req: any, cb: (err: null, id: unknown) => void) {
      cb(null, req.accessToken ? req.accessToken.id : null);
    };
    loopback.remoteMethod(Lamp.whoami, {
      accepts: [{ type: 'object', http: { source: 'req' } }],
      returns: [{ type: 'object', name: 'id' }],
    });
    const res = await request(app).get('/Lamps/whoami').set('Authorization', 'some-token');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: null });
  });
});
