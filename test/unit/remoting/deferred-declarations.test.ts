import request from 'supertest';
import loopback from '../../../src';
import { SharedClass } from '../../../src/remoting/shared-class';
import { SharedMethod } from '../../../src/remoting/shared-method';

/**
 * `SharedClass#declareLater`: declarations made SharedMethods at the first look at the methods.
 * Whatever reads or changes the methods sees them exactly as if `defineMethod` had been called.
 */
const get = (path: string) => ({ http: { verb: 'get', path } });

describe('SharedClass declarations made on first use', () => {
  it('keeps declaration order across later and immediate declarations', () => {
    const c = new SharedClass('Thing', class {});
    c.declareLater([
      ['a', get('/a')],
      ['b', get('/b')],
    ]);
    c.defineMethod('c', get('/c'));
    c.declareLater([['d', get('/d')]]);
    expect(c.methods().map((m) => m.name)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('finds, disables and lists pending declarations as declared ones', () => {
    const c = new SharedClass('Thing', class {});
    c.declareLater([
      ['find', { ...get('/'), aliases: ['all'] }],
      ['prototype.rename', get('/rename')],
    ]);
    expect(c.findMethodByName('all')?.name).toBe('find');
    expect(c.findMethodByName('prototype.rename')?.isStatic).toBe(false);
    const d = new SharedClass('Other', class {});
    d.declareLater([['find', get('/')]]);
    d.disableMethodByName('find');
    expect(d.methods()).toEqual([]);
    expect(d.methods({ includeDisabled: true }).map((m) => m.name)).toEqual(['find']);
    const e = new SharedClass('Third', class {});
    e.declareLater([['find', get('/')]]);
    expect(e._methods.map((m) => m.name)).toEqual(['find']);
    expect(e._methods[0]).toBeInstanceOf(SharedMethod);
  });

  it('counts making the pending declarations as no change, and a replaced list drops them', () => {
    const c = new SharedClass('Thing', class {});
    c.declareLater([['a', get('/a')]]);
    const version = c.version;
    c.methods();
    expect(c.version).toBe(version);
    c.defineMethod('b', get('/b'));
    expect(c.version).toBe(version + 1);
    const d = new SharedClass('Other', class {});
    d.declareLater([['a', get('/a')]]);
    d._methods = [];
    expect(d.methods()).toEqual([]);
  });

  it("declares a model's methods as before: remoteMethod, relations and scopes added later keep their order", async () => {
    const app: any = loopback({ localRegistry: true });
    app.dataSource('db', { connector: 'memory' });
    const Owner = app.registry.createModel('Owner', { name: 'string' }, { scopes: { named: { where: {} } } });
    const Pet = app.registry.createModel('Pet', { name: 'string' });
    app.model(Owner, { dataSource: 'db' });
    app.model(Pet, { dataSource: 'db' });
    Owner.hasMany(Pet, { as: 'pets', foreignKey: 'ownerId' });
    Owner.scope('recent', { order: 'id DESC' });
    Owner.hello = async () => 'hi';
    Owner.remoteMethod('hello', { returns: { arg: 'r', type: 'string', root: true }, http: { verb: 'get' } });
    const names = Owner.sharedClass.methods().map((m: SharedMethod) => m.name);
    expect(names.indexOf('find')).toBeLessThan(names.indexOf('__get__named'));
    expect(names.indexOf('__get__named')).toBeLessThan(names.indexOf('__get__pets'));
    expect(names.indexOf('__get__pets')).toBeLessThan(names.indexOf('__get__recent'));
    expect(names.indexOf('__get__recent')).toBeLessThan(names.indexOf('hello'));
    // The scope's implementations are on the class at once, as LB3 has them.
    expect(typeof Owner.__get__named).toBe('function');
    app.use(loopback.rest());
    await Owner.create({ name: 'ann' });
    expect((await request(app).get('/Owners/named')).body.map((o: any) => o.name)).toEqual(['ann']);
    expect((await request(app).get('/Owners/hello')).body).toBe('hi');
  });
});
