import http from 'http';
import net from 'net';
import loopback from '../../src';

/**
 * The remote connector over real HTTP: a loopline server on a free port of 127.0.0.1 serving
 * Customer (hasMany orders, a custom remote method, ACLs) and a client app whose models are
 * attached to `connector: 'remote'` pointing at it. What the client calls happens on the server
 * (rows appear there), errors come back with their status, code, name and details, access tokens
 * travel, and relation and custom remote methods are proxied.
 */

interface Server {
  app: any;
  url: string;
  close(): Promise<void>;
  Customer: any;
  Order: any;
  token: string;
}

const CUSTOMER = {
  name: 'Customer',
  properties: { name: { type: 'string', required: true }, tier: 'string', secret: 'string' },
  hidden: ['secret'],
  relations: { orders: { type: 'hasMany', model: 'Order', foreignKey: 'customerId' } },
  acls: [
    { principalType: 'ROLE', principalId: '$everyone', permission: 'DENY', property: 'deleteById' },
    { principalType: 'ROLE', principalId: '$authenticated', permission: 'ALLOW', property: 'deleteById' },
  ],
};
const ORDER = {
  name: 'Order',
  properties: { total: { type: 'number', required: true } },
  relations: { customer: { type: 'belongsTo', model: 'Customer', foreignKey: 'customerId' } },
};

async function startServer(): Promise<Server> {
  const app: any = loopback({ localRegistry: true, loadBuiltinModels: true } as any);
  app.set('shutdownTimeout', false);
  app.set('remoting', { errorHandler: { debug: false, log: false } });
  const ds = app.dataSource('db', { connector: 'memory' });
  const reg = app.registry;
  for (const name of ['User', 'AccessToken', 'ACL', 'Role', 'RoleMapping'])
    app.model(reg.getModel(name), { dataSource: ds, public: name === 'User' });
  const Customer = reg.createModel(CUSTOMER);
  const Order = reg.createModel(ORDER);
  Customer.greet = async (name: string) => `Hello, ${name}`;
  Customer.remoteMethod('greet', {
    accepts: { arg: 'name', type: 'string', required: true },
    returns: { arg: 'greeting', type: 'string' },
    http: { verb: 'get' },
  });
  Customer.prototype.rename = async function (this: any, to: string) {
    return this.updateAttributes({ name: to });
  };
  Customer.remoteMethod('prototype.rename', {
    accepts: { arg: 'to', type: 'string' },
    returns: { arg: 'data', type: 'Customer', root: true },
  });
  app.model(Customer, { dataSource: ds });
  app.model(Order, { dataSource: ds });
  app.enableAuth();
  app.middleware('auth', loopback.token());
  app.use('/api', loopback.rest());
  const User = reg.getModel('User');
  await User.create({ email: 'ann@t.io', password: 'pass-word-1' });
  const token = (await User.login({ email: 'ann@t.io', password: 'pass-word-1' })).id;
  const server: http.Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/api`;
  return {
    app,
    url,
    Customer,
    Order,
    token,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function clientApp(url: string, settings: Record<string, unknown> = {}) {
  const app: any = loopback({ localRegistry: true, loadBuiltinModels: true } as any);
  app.dataSource('remote', { connector: 'remote', url, ...settings });
  const Customer = app.registry.createModel({ ...CUSTOMER, acls: [] });
  const Order = app.registry.createModel({ ...ORDER });
  Customer.remoteMethod('greet', {
    accepts: { arg: 'name', type: 'string', required: true },
    returns: { arg: 'greeting', type: 'string' },
    http: { verb: 'get' },
  });
  Customer.remoteMethod('prototype.rename', {
    accepts: { arg: 'to', type: 'string' },
    returns: { arg: 'data', type: 'Customer', root: true },
  });
  app.model(Customer, { dataSource: 'remote' });
  app.model(Order, { dataSource: 'remote' });
  return { app, Customer, Order, ds: app.dataSources.remote };
}

describe('remote connector', () => {
  let server: Server;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(async () => {
    await server.Order.destroyAll();
    await server.Customer.destroyAll();
  });

  it('is registered by name, by LB3 package name and exported as loopback.Remote', () => {
    const byName = loopback.createDataSource({ connector: 'remote', url: server.url } as any) as any;
    const byPackage = loopback.createDataSource({
      connector: 'loopback-connector-remote',
      url: server.url,
    } as any) as any;
    const byValue = loopback.createDataSource({
      connector: (loopback as any).Remote,
      host: '127.0.0.1',
      port: 1,
      root: '/api',
    } as any) as any;
    expect([byName.connector.name, byPackage.connector.name, byValue.connector.name]).toEqual([
      'remote',
      'remote',
      'remote',
    ]);
    expect(byValue.connector.url).toBe('http://127.0.0.1:1/api');
  });

  it('creates, finds, counts, updates and deletes on the server', async () => {
    const { Customer } = clientApp(server.url);
    const ann = await Customer.create({ name: 'Ann', tier: 'gold', secret: 's' });
    expect(ann).toBeInstanceOf(Customer);
    expect(ann.id).toBeDefined();
    // The row is on the server, with the hidden property stored.
    expect((await server.Customer.findById(ann.id)).toObject()).toEqual({
      id: ann.id,
      name: 'Ann',
      tier: 'gold',
      secret: 's',
    });
    await Customer.create([{ name: 'Bob', tier: 'gold' }, { name: 'Cy' }]);

    const gold = await Customer.find({ where: { tier: 'gold' }, order: 'name DESC' });
    expect(gold.map((c: any) => c.name)).toEqual(['Bob', 'Ann']);
    expect(gold[0]).toBeInstanceOf(Customer);
    expect((gold[1] as any).secret).toBeUndefined(); // the server hides it
    expect((await Customer.findOne({ where: { name: 'Cy' } })).name).toBe('Cy');
    expect(await Customer.count({ tier: 'gold' })).toBe(2);
    expect([await Customer.exists(ann.id), await Customer.exists(999)]).toEqual([true, false]);
    expect(await Customer.findById(999)).toBeNull();
    expect(await Customer.findOne({ where: { name: 'nobody' } })).toBeNull();

    expect(await Customer.updateAll({ tier: 'gold' }, { tier: 'silver' })).toEqual({ count: 2 });
    const upserted = await Customer.upsert({ id: ann.id, name: 'Ann B' });
    expect([upserted.name, upserted.tier]).toEqual(['Ann B', 'silver']);
    const replaced = await Customer.replaceById(ann.id, { name: 'Ann C' });
    expect(replaced.tier).toBeUndefined();
    const cy = await Customer.findOne({ where: { name: 'Cy' } });
    const made = await Customer.replaceOrCreate({ id: cy.id, name: 'Dee' });
    expect([made.id, made.name]).toEqual([cy.id, 'Dee']);
    const withWhere = await Customer.upsertWithWhere({ name: 'Dee' }, { name: 'Dee', tier: 'bronze' });
    expect([withWhere.id, withWhere.tier]).toEqual([cy.id, 'bronze']);

    const found = await Customer.findById(ann.id);
    const patched = await found.updateAttributes({ tier: 'platinum' });
    expect([patched.tier, found.tier]).toEqual(['platinum', 'platinum']);
    found.name = 'Ann D';
    await found.save();
    expect((await server.Customer.findById(ann.id)).name).toBe('Ann D');
    const fresh = new Customer({ name: 'Eve' });
    await fresh.save();
    expect(fresh.id).toBeDefined();
    expect(await server.Customer.exists(fresh.id)).toBe(true);
  });

  it('passes the server errors through with status, code, name and details', async () => {
    const { Customer } = clientApp(server.url);
    const invalid = await Customer.create({ tier: 'gold' }).catch((e: any) => e);
    expect(invalid).toBeInstanceOf(Error);
    expect(invalid).toMatchObject({ statusCode: 422, name: 'ValidationError', code: 'VALIDATION_FAILED' });
    expect(invalid.details.codes).toEqual({ name: ['presence'] });
    expect(await server.Customer.count()).toBe(0); // nothing stored

    const badFilter = await Customer.find({ where: { secret: 's' } }).catch((e: any) => e);
    expect(badFilter).toMatchObject({ statusCode: 400, code: 'INVALID_FILTER' });

    // Callbacks get the same error.
    const viaCallback: any = await new Promise((resolve) =>
      Customer.create({}, (err: unknown) => resolve(err)),
    );
    expect(viaCallback.statusCode).toBe(422);
  });

  it('is 503 STORE_UNAVAILABLE when the server cannot be reached', async () => {
    const closed = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const port = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(port));
      });
    });
    const { Customer } = clientApp(`http://127.0.0.1:${closed}/api`);
    await expect(Customer.find()).rejects.toMatchObject({ statusCode: 503, code: 'STORE_UNAVAILABLE' });
  });

  it('sends access tokens: per call (options.accessToken), set on connector.remotes.auth, or in the settings', async () => {
    const { Customer } = clientApp(server.url);
    const c = await server.Customer.create({ name: 'Gone' });
    await expect(Customer.deleteById(c.id)).rejects.toMatchObject({ statusCode: 401 });
    expect(await server.Customer.exists(c.id)).toBe(true);
    expect(await Customer.deleteById(c.id, { accessToken: server.token })).toEqual({ count: 1 });

    const d = await server.Customer.create({ name: 'Gone too' });
    const other = clientApp(server.url);
    other.ds.connector.remotes.auth = {
      bearer: Buffer.from(server.token).toString('base64'),
      sendImmediately: true,
    };
    expect(await other.Customer.deleteById(d.id)).toEqual({ count: 1 });

    const e = await server.Customer.create({ name: 'Gone three' });
    const configured = clientApp(server.url, { accessToken: server.token });
    const inst = await configured.Customer.findById(e.id);
    await inst.destroy();
    expect(await server.Customer.exists(e.id)).toBe(false);
  });

  it('proxies custom remote methods, static and on instances', async () => {
    const { Customer } = clientApp(server.url);
    expect(await Customer.greet('Ann')).toBe('Hello, Ann');
    const ann = await Customer.create({ name: 'Ann' });
    const renamed = await ann.rename('Anna');
    expect(renamed.name).toBe('Anna');
    expect((await server.Customer.findById(ann.id)).name).toBe('Anna');
    const missing = await Customer.greet().catch((e: any) => e);
    expect(missing).toMatchObject({ statusCode: 400 });
  });

  it('proxies relation methods through the server routes', async () => {
    const { Customer, Order } = clientApp(server.url);
    const ann = await Customer.create({ name: 'Ann' });
    const o1 = await ann.orders.create({ total: 10 });
    expect(o1).toBeInstanceOf(Order);
    expect(o1.customerId).toBe(ann.id);
    await ann.orders.create({ total: 20 });
    expect((await ann.orders({ order: 'total ASC' })).map((o: any) => o.total)).toEqual([10, 20]);
    expect(await ann.orders.count()).toBe(2);
    expect((await ann.orders.findById(o1.id)).total).toBe(10);
    expect(await ann.orders.findById(999)).toBeNull();
    expect(await ann.orders.exists(o1.id)).toBe(true);
    await ann.orders.destroyById(o1.id);
    expect(await server.Order.count()).toBe(1);
    const order = await Order.findOne();
    expect((await order.customer()).name).toBe('Ann');
    // An include is answered by the server.
    const [withOrders] = await Customer.find({ include: 'orders' });
    expect(withOrders.toJSON().orders.map((o: any) => o.total)).toEqual([20]);
  });

  it('makes findOrCreate and findByIds of remote calls; destroyAll the server does not share is a clear error', async () => {
    const { Customer } = clientApp(server.url);
    const [made, created] = await Customer.findOrCreate({ where: { name: 'Fay' } }, { name: 'Fay' });
    expect(created).toBe(true);
    const again: any[] = await new Promise((resolve, reject) =>
      Customer.findOrCreate(
        { where: { name: 'Fay' } },
        { name: 'Fay' },
        (err: unknown, inst: unknown, wasCreated: boolean) =>
          err ? reject(err) : resolve([inst, wasCreated]),
      ),
    );
    expect([again[0].id, again[1]]).toEqual([made.id, false]);
    expect(await server.Customer.count({ name: 'Fay' })).toBe(1);
    const other = await Customer.create({ name: 'Gil' });
    expect(
      (await Customer.findByIds([other.id, made.id], { order: 'name ASC' })).map((c: any) => c.name),
    ).toEqual(['Fay', 'Gil']);
    await expect(Customer.destroyAll({ name: 'Fay' })).rejects.toMatchObject({
      statusCode: 500,
      code: 'REMOTE_METHOD_UNAVAILABLE',
    });
    expect(await server.Customer.count()).toBe(2);
  });

  it('proxies remote methods and relations added after the model was attached', async () => {
    const { app, Customer } = clientApp(server.url);
    Customer.remoteMethod('greet', {
      accepts: { arg: 'name', type: 'string', required: true },
      returns: { arg: 'greeting', type: 'string' },
      http: { verb: 'get', path: '/greet' },
    });
    expect(await Customer.greet('Hal')).toBe('Hello, Hal');
    const Order = app.models.Order;
    Order.belongsTo(Customer, { as: 'buyer', foreignKey: 'customerId' });
    const ann = await server.Customer.create({ name: 'Ann' });
    await server.Order.create({ total: 5, customerId: ann.id });
    const order = await Order.findOne();
    // Served by the server's relation named "customer"; "buyer" is not one of its routes.
    await expect(order.buyer()).rejects.toMatchObject({ statusCode: 404 });
    expect((await order.customer()).name).toBe('Ann');
  });

  it("streams the server's changes (createChangeStream over server-sent events) until destroyed", async () => {
    const { Customer } = clientApp(server.url);
    const observersBefore = (server.Customer._observers['after save'] ?? []).length;
    const stream = await Customer.createChangeStream({ where: { tier: 'gold' } });
    const seen: any[] = [];
    stream.on('data', (change: unknown) => seen.push(change));
    await server.Customer.create({ name: 'Ivy', tier: 'gold', secret: 'x' });
    await server.Customer.create({ name: 'Jo', tier: 'silver' });
    for (let i = 0; i < 100 && seen.length < 1; i++) await new Promise((r) => setTimeout(r, 20));
    expect(seen).toEqual([
      expect.objectContaining({
        type: 'create',
        data: expect.objectContaining({ name: 'Ivy', tier: 'gold' }),
      }),
    ]);
    expect(seen[0].data.secret).toBeUndefined();
    stream.destroy();
    // The server drops its observers once the connection is gone.
    for (let i = 0; i < 100 && (server.Customer._observers['after save'] ?? []).length > observersBefore; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect((server.Customer._observers['after save'] ?? []).length).toBe(observersBefore);
  });

  it('keeps a server model extending the client model local (no loop back to itself)', async () => {
    const { Customer } = clientApp(server.url);
    const ServerSide = Customer.extend('ServerSideCustomer');
    ServerSide.attachTo(loopback.createDataSource({ connector: 'memory' } as any));
    const local = await ServerSide.create({ name: 'Local' });
    expect(await ServerSide.count()).toBe(1);
    expect(await server.Customer.exists(local.id)).toBe(false);
  });
});
