import request from 'supertest';
import loopback from '../../src';
import { bootExampleApp, withoutDates } from '../support/example-app';

/**
 * Relation endpoints over REST. The example app part replays what LB3 answered for the same
 * requests on the same app folder; the second part covers the other relation types' routes.
 */
describe('relation endpoints of the example app (as LB3 answers them)', () => {
  let app: any;
  beforeAll(async () => {
    app = await bootExampleApp();
    await request(app)
      .post('/api/Customers')
      .send([
        { name: 'Ann', email: 'ann@x.io' },
        { name: 'Bob', email: 'bob@x.io' },
      ])
      .expect(200);
  });

  it('creates, lists, counts, finds, updates and deletes orders of a customer', async () => {
    const created = await request(app).post('/api/Customers/1/orders').send({ total: 10 });
    expect([created.status, withoutDates(created.body)]).toEqual([
      200,
      { customerId: 1, total: 10, status: 'new', placedAt: '<date>', id: 1 },
    ]);
    await request(app).post('/api/Customers/1/orders').send({ total: 20, status: 'paid' }).expect(200);
    await request(app).post('/api/Customers/2/orders').send({ total: 5 }).expect(200);

    const list = await request(app)
      .get('/api/Customers/1/orders')
      .query({ filter: JSON.stringify({ fields: ['id', 'total'], order: 'id ASC' }) });
    expect(list.body).toEqual([
      { total: 10, id: 1 },
      { total: 20, id: 2 },
    ]);
    expect((await request(app).get('/api/Customers/1/orders/count')).body).toEqual({ count: 2 });
    expect(
      (
        await request(app)
          .get('/api/Customers/1/orders/count')
          .query({ where: JSON.stringify({ status: 'paid' }) })
      ).body,
    ).toEqual({ count: 1 });
    expect((await request(app).get('/api/Customers/1/orders/2')).body).toMatchObject({
      id: 2,
      total: 20,
      customerId: 1,
    });

    const foreign = await request(app).get('/api/Customers/1/orders/3');
    expect([foreign.status, foreign.body.error.message]).toEqual([
      404,
      'No instance with id 3 found for Order',
    ]);

    const updated = await request(app).put('/api/Customers/1/orders/2').send({ total: 25 });
    expect([updated.status, updated.body.total, updated.body.customerId]).toEqual([200, 25, 1]);

    const del = await request(app).delete('/api/Customers/1/orders/2');
    expect([del.status, del.text, del.headers['content-type']]).toEqual([
      204,
      '',
      'application/json; charset=utf-8',
    ]);
    expect((await request(app).delete('/api/Customers/1/orders/999')).status).toBe(404);
    expect((await request(app).delete('/api/Customers/1/orders')).status).toBe(204);
    expect((await request(app).get('/api/Customers/1/orders/count')).body).toEqual({ count: 0 });
    expect((await request(app).get('/api/Orders/count')).body).toEqual({ count: 1 });
  });

  it('answers a relation of a missing owner with the shared constructor’s 404', async () => {
    const res = await request(app).get('/api/Customers/999/orders');
    expect([res.status, res.body.error]).toEqual([
      404,
      {
        statusCode: 404,
        name: 'Error',
        message: 'could not find a model with id 999',
        code: 'MODEL_NOT_FOUND',
      },
    ]);
  });

  it('fetches the belongsTo parent and includes across both directions', async () => {
    const order = (await request(app).get('/api/Orders')).body[0];
    const parent = await request(app).get(`/api/Orders/${order.id}/customer`);
    expect(withoutDates(parent.body)).toEqual({
      name: 'Bob',
      email: 'bob@x.io',
      tier: 'standard',
      createdAt: '<date>',
      id: 2,
    });

    const withCustomer = await request(app)
      .get('/api/Orders')
      .query({
        filter: JSON.stringify({
          fields: ['total', 'customerId'],
          include: { relation: 'customer', scope: { fields: ['name'] } },
        }),
      });
    // LB3 keeps the target's key in included rows.
    expect(withCustomer.body).toEqual([{ customerId: 2, total: 5, customer: { name: 'Bob', id: 2 } }]);

    const withOrders = await request(app)
      .get('/api/Customers/2')
      .query({
        filter: JSON.stringify({
          fields: ['name'],
          include: { relation: 'orders', scope: { fields: ['total'] } },
        }),
      });
    expect(withOrders.body).toEqual({ name: 'Bob', orders: [{ total: 5, customerId: 2 }] });
  });

  it('refuses an include naming no relation, and a hidden property in an include scope', async () => {
    const res = await request(app)
      .get('/api/Customers')
      .query({ filter: JSON.stringify({ include: 'nope' }) });
    expect([res.status, res.body.error.code, res.body.error.message]).toEqual([
      400,
      'INVALID_FILTER',
      'Relation "nope" is not defined for Customer model',
    ]);
  });
});

describe('through, hasOne and embedded relation routes', () => {
  const app = loopback();
  app.dataSource('db', { connector: 'memory' });
  const make = (config: Record<string, unknown>) => {
    const M = loopback.createModel(config as any);
    app.model(M, { dataSource: 'db' });
    return M as any;
  };
  make({
    name: 'Physician',
    properties: { name: 'string' },
    relations: {
      patients: { type: 'hasMany', model: 'Patient', through: 'Appointment' },
      profile: { type: 'hasOne', model: 'Profile' },
      address: { type: 'embedsOne', model: 'Address', property: 'address' },
    },
  });
  make({ name: 'Patient', properties: { name: 'string' } });
  make({
    name: 'Appointment',
    properties: { room: 'string' },
    relations: {
      physician: { type: 'belongsTo', model: 'Physician' },
      patient: { type: 'belongsTo', model: 'Patient' },
    },
  });
  make({ name: 'Profile', properties: { bio: 'string' } });
  loopback.createModel({
    name: 'Address',
    base: 'Model',
    properties: { street: { type: 'string', required: true } },
    idInjection: false,
  } as any);
  app.use('/api', loopback.rest());

  it('links, checks and unlinks through the join model', async () => {
    await request(app).post('/api/Physicians').send({ name: 'Dr A' }).expect(200);
    await request(app)
      .post('/api/Patients')
      .send([{ name: 'P1' }, { name: 'P2' }])
      .expect(200);
    const link = await request(app).put('/api/Physicians/1/patients/rel/2').send({ room: '12' });
    expect([link.status, link.body]).toEqual([200, { room: '12', physicianId: 1, patientId: 2, id: 1 }]);
    expect((await request(app).head('/api/Physicians/1/patients/rel/2')).status).toBe(200);
    expect((await request(app).head('/api/Physicians/1/patients/rel/1')).status).toBe(404);
    expect((await request(app).get('/api/Physicians/1/patients')).body).toEqual([{ name: 'P2', id: 2 }]);
    const created = await request(app).post('/api/Physicians/1/patients').send({ name: 'P3' });
    expect(created.body).toEqual({ name: 'P3', id: 3 });
    expect((await request(app).get('/api/Physicians/1/patients/count')).body).toEqual({ count: 2 });
    expect((await request(app).delete('/api/Physicians/1/patients/rel/2')).status).toBe(204);
    expect((await request(app).get('/api/Physicians/1/patients')).body).toEqual([{ name: 'P3', id: 3 }]);
    expect((await request(app).get('/api/Patients/count')).body).toEqual({ count: 3 });
  });

  it('hasOne: 404 when empty, then create, get, update (PUT and PATCH), delete', async () => {
    const empty = await request(app).get('/api/Physicians/1/profile');
    expect([empty.status, empty.body.error.message]).toEqual([404, 'No "Profile" instance(s) found']);
    expect((await request(app).post('/api/Physicians/1/profile').send({ bio: 'hi' })).body).toEqual({
      bio: 'hi',
      physicianId: 1,
      id: 1,
    });
    expect((await request(app).post('/api/Physicians/1/profile').send({ bio: 'again' })).status).toBe(409);
    expect((await request(app).put('/api/Physicians/1/profile').send({ bio: 'put' })).body).toEqual({
      bio: 'put',
      physicianId: 1,
      id: 1,
    });
    expect((await request(app).patch('/api/Physicians/1/profile').send({ bio: 'patch' })).body).toEqual({
      bio: 'patch',
      physicianId: 1,
      id: 1,
    });
    expect((await request(app).get('/api/Physicians/1/profile')).body).toEqual({
      bio: 'patch',
      physicianId: 1,
      id: 1,
    });
    expect((await request(app).delete('/api/Physicians/1/profile')).status).toBe(204);
    expect((await request(app).get('/api/Profiles/count')).body).toEqual({ count: 0 });
  });

  it('embedsOne: stored in the owner, validated, served at its own path', async () => {
    expect((await request(app).post('/api/Physicians/1/address').send({ street: '' })).status).toBe(422);
    expect((await request(app).post('/api/Physicians/1/address').send({ street: 'Main 1' })).body).toEqual({
      street: 'Main 1',
    });
    expect((await request(app).get('/api/Physicians/1/address')).body).toEqual({ street: 'Main 1' });
    expect((await request(app).get('/api/Physicians/1')).body).toEqual({
      name: 'Dr A',
      address: { street: 'Main 1' },
      id: 1,
    });
  });
});
