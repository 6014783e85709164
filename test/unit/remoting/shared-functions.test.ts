import request from 'supertest';
import loopback from '../../../src';
import * as sharedFunctions from '../../../src/remoting/shared-functions';
import * as routeTable from '../../../src/remoting/rest/route-table';

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

/**
 * The REST handler builds its routes at the first request, but walks a class's statics for marked
 * functions only at that class's next look at its methods (its routes' first request, a lookup, a
 * listing): the answers are the ones given when every class was walked at the first request.
 */
describe('functions marked shared, found per class', () => {
  function twoModels() {
    const app: any = loopback({ localRegistry: true });
    app.dataSource('db', { connector: 'memory' });
    const make = (name: string) => {
      const Model = app.registry.createModel(name, { watts: 'number' }, { base: 'PersistedModel' });
      app.model(Model, { dataSource: 'db' });
      return Model;
    };
    const Lamp = make('Lamp');
    const Fan = make('Fan');
    app.use(loopback.rest());
    return { app, Lamp, Fan };
  }

  afterEach(() => jest.restoreAllMocks());

  it('walks only the requested class at the first request, and serves the others at theirs', async () => {
    const { app, Lamp, Fan } = twoModels();
    Fan.spin = (cb: (err: null, r: string) => void) => cb(null, 'spinning');
    loopback.remoteMethod(Fan.spin, { returns: { arg: 'state', type: 'string' } });
    const walk = jest.spyOn(sharedFunctions, 'findSharedFunctions');
    const names = new Map<unknown, string>([
      [Lamp, 'Lamp'],
      [Lamp.prototype, 'Lamp.prototype'],
      [Fan, 'Fan'],
      [Fan.prototype, 'Fan.prototype'],
    ]);
    const walked = () => [...new Set(walk.mock.calls.map((c) => names.get(c[0]) ?? 'other'))].sort();
    expect((await request(app).get('/Lamps')).status).toBe(200);
    expect(walked()).toEqual(['Lamp', 'Lamp.prototype']);
    expect((await request(app).get('/Fans/spin')).body).toEqual({ state: 'spinning' });
    expect(walked()).toEqual(['Fan', 'Fan.prototype', 'Lamp', 'Lamp.prototype']);
  });

  it('finds a marked function of a class not yet requested by name after the first request, as before', async () => {
    const { app, Fan } = twoModels();
    Fan.spin = (cb: (err: null, r: string) => void) => cb(null, 'spinning');
    loopback.remoteMethod(Fan.spin, { returns: { arg: 'state', type: 'string' } });
    expect(app.remotes().findMethod('Fan.spin')).toBeUndefined();
    expect((await request(app).get('/Lamps')).status).toBe(200);
    expect(app.remotes().findMethod('Fan.spin')?.stringName).toBe('Fan.spin');
    expect(Fan.sharedClass._methods.some((m: any) => m.name === 'spin')).toBe(true);
  });

  it("builds the routes once: declaring a class's marked functions late does not count as a change", async () => {
    const { app, Fan } = twoModels();
    Fan.spin = (cb: (err: null, r: string) => void) => cb(null, 'spinning');
    loopback.remoteMethod(Fan.spin, { returns: { arg: 'state', type: 'string' } });
    const group = jest.spyOn(routeTable, 'groupClassesByHead');
    expect((await request(app).get('/Lamps')).status).toBe(200);
    expect((await request(app).get('/Fans/spin')).status).toBe(200);
    expect((await request(app).get('/Lamps/count')).status).toBe(200);
    expect(group).toHaveBeenCalledTimes(1);
    // A function marked later is a change: the routes are built again and serve it.
    Fan.stop = (cb: (err: null, r: string) => void) => cb(null, 'stopped');
    loopback.remoteMethod(Fan.stop, { returns: { arg: 'state', type: 'string' } });
    expect((await request(app).get('/Fans/stop')).body).toEqual({ state: 'stopped' });
    expect(group).toHaveBeenCalledTimes(2);
  });

  it('keeps a method declared after the first request ahead of a marked function of the same name', async () => {
    const { app, Fan } = twoModels();
    Fan.spin = (cb: (err: null, r: string) => void) => cb(null, 'marked');
    loopback.remoteMethod(Fan.spin, { returns: { arg: 'state', type: 'string' } });
    expect((await request(app).get('/Lamps')).status).toBe(200);
    Fan.remoteMethod('spin', {
      returns: { arg: 'how', type: 'string' },
      http: { verb: 'post', path: '/spin' },
    });
    expect((await request(app).get('/Fans/spin')).status).toBe(404);
    expect((await request(app).post('/Fans/spin')).body).toEqual({ how: 'marked' });
  });
});
