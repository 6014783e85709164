'use strict';
// LoopBack 4 as its docs recommend (`lb4 model` / `lb4 repository` / `lb4 controller`, "REST
// Controller with CRUD functions"): @model entities, DefaultCrudRepository with a hasMany
// inclusion resolver, a CRUD controller per model on a RestApplication. Written in plain JS so
// it runs without a build step: each decorator is the same function TypeScript would call, applied
// here by `decorate` (types are given explicitly, since there is no emitted design metadata).
// Routes are LB3's (/api/Todos, ?filter=…), which LB4's filter syntax shares; differences: PATCH
// and a missing id answer as the generated controller does (204 No Content; 404 on GET).
const {
  RestApplication,
  get,
  post,
  patch,
  param,
  requestBody,
  getModelSchemaRef,
} = require('@loopback/rest');
const {
  Entity,
  model,
  property,
  hasMany,
  DefaultCrudRepository,
  juggler,
  repository,
  RepositoryMixin,
} = require('@loopback/repository');
const { inject } = require('@loopback/core');

function decorate(decorators, target, key, index) {
  for (const d of decorators) {
    if (index !== undefined) d(target, key, index);
    else if (key !== undefined) d(target, key, Object.getOwnPropertyDescriptor(target, key));
    else d(target);
  }
}

const store = process.env.BENCH_STORE || 'memory';
const settings =
  store === 'memory'
    ? { name: 'db', connector: 'memory' }
    : { name: 'db', ...JSON.parse(process.env.BENCH_STORE_SETTINGS) };
const models = Number(process.env.BENCH_MODELS || 0);

// ---- models ----
class Todo extends Entity {}
decorate([property({ type: 'number', id: true, generated: true })], Todo.prototype, 'id');
decorate([property({ type: 'string', required: true })], Todo.prototype, 'title');
decorate([property({ type: 'boolean', default: false })], Todo.prototype, 'done');
decorate([property({ type: 'number' })], Todo.prototype, 'priority');
decorate([property({ type: 'date' })], Todo.prototype, 'createdAt');
decorate([model()], Todo);

class Order extends Entity {}
decorate([property({ type: 'number', id: true, generated: true })], Order.prototype, 'id');
decorate([property({ type: 'number' })], Order.prototype, 'total');
decorate([property({ type: 'number' })], Order.prototype, 'customerId');
decorate([model()], Order);

class Customer extends Entity {}
decorate([property({ type: 'number', id: true, generated: true })], Customer.prototype, 'id');
decorate([property({ type: 'string', required: true })], Customer.prototype, 'name');
decorate([property({ type: 'string' })], Customer.prototype, 'email');
decorate([hasMany(() => Order, { keyTo: 'customerId' })], Customer.prototype, 'orders');
decorate([model()], Customer);

// ---- repositories ----
class TodoRepository extends DefaultCrudRepository {
  constructor(ds) {
    super(Todo, ds);
  }
}
decorate([inject('datasources.db')], TodoRepository, undefined, 0);

class OrderRepository extends DefaultCrudRepository {
  constructor(ds) {
    super(Order, ds);
  }
}
decorate([inject('datasources.db')], OrderRepository, undefined, 0);

class CustomerRepository extends DefaultCrudRepository {
  constructor(ds, orderRepositoryGetter) {
    super(Customer, ds);
    this.orders = this.createHasManyRepositoryFactoryFor('orders', orderRepositoryGetter);
    this.registerInclusionResolver('orders', this.orders.inclusionResolver);
  }
}
decorate([inject('datasources.db')], CustomerRepository, undefined, 0);
decorate([repository.getter('OrderRepository')], CustomerRepository, undefined, 1);

// ---- controllers: the generated CRUD controller, one per model ----
function crudController(Model, Repo, basePath) {
  const jsonBody = (schema) => ({ content: { 'application/json': { schema } } });
  const Controller = {
    [`${Model.name}Controller`]: class {
      constructor(repo) {
        this.repo = repo;
      }
      async create(body) {
        return this.repo.create(body);
      }
      async count(where) {
        return this.repo.count(where);
      }
      async find(filter) {
        return this.repo.find(filter);
      }
      async findById(id, filter) {
        return this.repo.findById(id, filter);
      }
      async updateById(id, body) {
        await this.repo.updateById(id, body);
      }
    },
  }[`${Model.name}Controller`]; // one binding per model: controllers are bound by class name
  const P = Controller.prototype;
  const modelSchema = {
    description: `${Model.name} model instance`,
    content: { 'application/json': { schema: getModelSchemaRef(Model) } },
  };
  decorate([repository(Repo)], Controller, undefined, 0);
  decorate([post(basePath, { responses: { 200: modelSchema } })], P, 'create');
  decorate(
    [requestBody(jsonBody(getModelSchemaRef(Model, { title: `New${Model.name}`, exclude: ['id'] })))],
    P,
    'create',
    0,
  );
  decorate([get(`${basePath}/count`, { responses: { 200: { description: 'count' } } })], P, 'count');
  decorate([param.where(Model)], P, 'count', 0);
  decorate(
    [
      get(basePath, {
        responses: {
          200: {
            description: 'Array',
            content: {
              'application/json': {
                schema: { type: 'array', items: getModelSchemaRef(Model, { includeRelations: true }) },
              },
            },
          },
        },
      }),
    ],
    P,
    'find',
  );
  decorate([param.filter(Model)], P, 'find', 0);
  decorate([get(`${basePath}/{id}`, { responses: { 200: modelSchema } })], P, 'findById');
  decorate([param.path.number('id')], P, 'findById', 0);
  decorate([param.filter(Model, { exclude: 'where' })], P, 'findById', 1);
  decorate(
    [patch(`${basePath}/{id}`, { responses: { 204: { description: 'PATCH success' } } })],
    P,
    'updateById',
  );
  decorate([param.path.number('id')], P, 'updateById', 0);
  decorate([requestBody(jsonBody(getModelSchemaRef(Model, { partial: true })))], P, 'updateById', 1);
  return Controller;
}

async function main() {
  const app = new (RepositoryMixin(RestApplication))({
    rest: { port: Number(process.env.PORT || 0), host: '127.0.0.1', openApiSpec: { disabled: true } },
  });
  const ds = new juggler.DataSource(settings);
  app.dataSource(ds, 'db');
  if (models) {
    // Boot probe: N generated models with 10 properties each, a repository and a CRUD controller each.
    for (let i = 0; i < models; i++) {
      const M = { [`Model${i}`]: class extends Entity {} }[`Model${i}`];
      decorate([property({ type: 'number', id: true, generated: true })], M.prototype, 'id');
      for (let p = 0; p < 10; p++)
        decorate(
          [property({ type: ['string', 'number', 'boolean', 'date'][p % 4], required: p === 0 })],
          M.prototype,
          `field${p}`,
        );
      decorate([model()], M);
      const R = {
        [`Model${i}Repository`]: class extends DefaultCrudRepository {
          constructor(d) {
            super(M, d);
          }
        },
      }[`Model${i}Repository`];
      decorate([inject('datasources.db')], R, undefined, 0);
      app.repository(R);
      app.controller(crudController(M, R, `/api/Model${i}`));
    }
  } else {
    app.repository(TodoRepository);
    app.repository(OrderRepository);
    app.repository(CustomerRepository);
    app.controller(crudController(Todo, TodoRepository, '/api/Todos'));
    app.controller(crudController(Customer, CustomerRepository, '/api/Customers'));
    await seed(app);
  }
  await app.start();
  console.log(`READY ${app.restServer.url}`);
}

async function seed(app) {
  if (store !== 'memory') return; // SQL tables are created and seeded by the first target of the run
  const { makeRows, makeCustomers } = require('../shared/server/boot/seed');
  const todos = await app.get('repositories.TodoRepository');
  const customers = await app.get('repositories.CustomerRepository');
  const orders = await app.get('repositories.OrderRepository');
  await todos.createAll(makeRows(Number(process.env.SEED_ROWS || 1000)));
  const c = makeCustomers();
  await customers.createAll(c.customers);
  await orders.createAll(c.orders);
}

process.on('SIGTERM', () => process.exit(0));
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
