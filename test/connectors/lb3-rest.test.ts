import http from 'http';
import type { AddressInfo } from 'net';
import request from 'supertest';
import loopback from '../../src';

/**
 * The real loopback-connector-rest package, loaded by name from `datasources` settings
 * (`connector: 'rest'`) and driven through the LB3 connector bridge, against a small HTTP API this
 * test serves on 127.0.0.1: CRUD models (`crud: true`) and template operations, which the
 * connector gives its models as data-access methods of its own.
 */

interface Person {
  id: number;
  name: string;
  age?: number;
}

function startBackend(): Promise<{
  server: http.Server;
  url: string;
  people: Map<number, Person>;
  seen: string[];
}> {
  const people = new Map<number, Person>();
  const seen: string[] = [];
  let next = 1;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      seen.push(`${req.method} ${url.pathname}`);
      const send = (status: number, value?: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(value === undefined ? '' : JSON.stringify(value));
      };
      const data = body ? (JSON.parse(body) as Partial<Person>) : {};
      const [, resource, id] = url.pathname.split('/');
      if (resource === 'greet') return send(200, { greeting: `hello ${url.searchParams.get('name')}` });
      if (resource !== 'people') return send(404, { error: 'no such resource' });
      const person = id ? people.get(Number(id)) : undefined;
      if (!id && req.method === 'GET') {
        const name = url.searchParams.get('where[name]');
        return send(
          200,
          [...people.values()].filter((p) => name === null || p.name === name),
        );
      }
      if (!id && req.method === 'POST') {
        const made = { ...data, id: next++ } as Person;
        people.set(made.id, made);
        return send(201, made);
      }
      if (!person) return send(404, { error: 'not found' });
      if (req.method === 'GET') return send(200, person);
      if (req.method === 'PUT') {
        const updated = { ...person, ...data, id: person.id };
        people.set(person.id, updated);
        return send(200, updated);
      }
      if (req.method === 'DELETE') {
        people.delete(person.id);
        return send(200, { count: 1 });
      }
      send(405, { error: 'method not allowed' });
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, people, seen }),
    ),
  );
}

describe('loopback-connector-rest through the LB3 connector bridge', () => {
  let backend: Awaited<ReturnType<typeof startBackend>>;
  let app: any;
  let Person: any;
  let Greeter: any;

  beforeAll(async () => {
    backend = await startBackend();
    app = loopback({ localRegistry: true, loadBuiltinModels: true } as any);
    app.use(loopback.rest());
    app.dataSource('backend', { connector: 'rest', baseURL: `${backend.url}/`, crud: true });
    app.dataSource('greetings', {
      connector: 'rest',
      operations: [
        {
          template: { method: 'GET', url: `${backend.url}/greet`, query: { name: '{name}' } },
          functions: { greet: ['name'] },
        },
      ],
    });
    Person = app.registry.createModel({
      name: 'Person',
      plural: 'people',
      properties: { name: { type: 'string', required: true }, age: 'number' },
    });
    app.model(Person, { dataSource: 'backend' });
    Greeter = app.registry.createModel({ name: 'Greeter', base: 'Model' });
    app.model(Greeter, { dataSource: 'greetings' });
  });

  afterAll(async () => {
    await new Promise((resolve) => backend.server.close(resolve));
  });

  it('creates, reads, patches and deletes through the backend, with loopline validation in front', async () => {
    const ann = await Person.create({ name: 'Ann', age: 30 });
    expect(ann.id).toBe(1);
    expect(backend.people.get(1)).toEqual({ id: 1, name: 'Ann', age: 30 });
    expect((await Person.findById(1)).toJSON()).toEqual({ id: 1, name: 'Ann', age: 30 });
    expect(await Person.findById(99)).toBeNull();
    await ann.patchAttributes({ age: 31 });
    expect(backend.people.get(1)).toEqual({ id: 1, name: 'Ann', age: 31 });
    await expect(Person.create({ age: 5 })).rejects.toMatchObject({ statusCode: 422 });
    expect(backend.people.size).toBe(1);
    await Person.create({ name: 'Bob' });
    expect((await Person.find({ where: { name: 'Bob' } })).map((p: any) => p.name)).toEqual(['Bob']);
    expect(await Person.destroyById(1)).toMatchObject({ count: 1 });
    expect([...backend.people.keys()]).toEqual([2]);
    expect(backend.seen).toContain('PUT /people/1');
  });

  it('serves the model over loopline REST, the rows living in the backend', async () => {
    const res = await request(app).post('/people').send({ name: 'Cy', age: 7 }).expect(200);
    expect(backend.people.get(res.body.id)).toEqual({ id: res.body.id, name: 'Cy', age: 7 });
    const got = await request(app).get(`/people/${res.body.id}`).expect(200);
    expect(got.body).toEqual({ id: res.body.id, name: 'Cy', age: 7 });
    await request(app).get('/people/12345').expect(404);
    await request(app).post('/people').send({ age: 1 }).expect(422);
  });

  it("gives models the connector's template operations as methods (its DataAccessObject), and the data source too", async () => {
    expect(typeof Greeter.greet).toBe('function');
    const viaCallback = await new Promise((resolve, reject) =>
      Greeter.greet('ann', (err: unknown, text: unknown) => (err ? reject(err) : resolve(text))),
    );
    expect(viaCallback).toEqual({ greeting: 'hello ann' });
    expect(await Greeter.greet('bob')).toEqual({ greeting: 'hello bob' });
    expect(Greeter.greet.accepts).toEqual([expect.objectContaining({ arg: 'name' })]);
    expect(await app.dataSources.greetings.greet('cy')).toEqual({ greeting: 'hello cy' });
  });
});
