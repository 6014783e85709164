import request from 'supertest';
import loopback from '../../src';

/**
 * Relation endpoints as LB3's own relation tests drive them: linking a pair twice through a
 * hasMany-through keeps one link (with both keys, taken from the through model's belongsTo),
 * an embedded list filtered and an unknown embedded id answered 404, `options.nestRemoting` on a
 * relation, nested endpoints through a belongsTo, and nested methods of relations the related
 * model gains later.
 */

function makeApp() {
  const app: any = loopback({ localRegistry: true } as any);
  app.dataSource('db', { connector: 'memory' });
  const reg = app.registry;
  const define = (name: string, properties: object, settings: object = {}) => {
    const M = reg.createModel(name, properties, settings);
    app.model(M, { dataSource: 'db' });
    return M;
  };
  const Physician = define(
    'physician',
    { name: 'string' },
    {
      relations: {
        patients: { model: 'patient', type: 'hasMany', through: 'appointment', foreignKey: 'patientId' },
      },
    },
  );
  const Patient = define('patient', { name: 'string' });
  const Appointment = define(
    'appointment',
    { date: 'date' },
    {
      relations: {
        physician: { model: 'physician', type: 'belongsTo', foreignKey: 'physicianId' },
        patient: { model: 'patient', type: 'belongsTo', foreignKey: 'patientId' },
      },
    },
  );
  const TodoItem = define('todoItem', { content: 'string' }, { forceId: false });
  const TodoList = define('todoList', { name: 'string' }, { plural: 'todo-lists' });
  TodoList.embedsMany(TodoItem, { as: 'items' });
  const Book = define('Book', { name: 'string' }, { plural: 'books' });
  const Page = define('Page', { name: 'string' }, { plural: 'pages' });
  const Note = define('Note', { text: 'string' }, { plural: 'notes' });
  const Image = define('Image', { name: 'string' }, { plural: 'images' });
  Book.hasMany(Page, { options: { nestRemoting: true } });
  // Defined after Book's nesting of pages: its endpoints are nested all the same.
  Page.hasMany(Note);
  Image.belongsTo(Book);
  Image.nestRemoting('book');
  app.use('/api', loopback.rest());
  return { app, Physician, Patient, Appointment, TodoList, Book, Image };
}

describe('relation endpoints as LB3 relation tests drive them', () => {
  let h: ReturnType<typeof makeApp>;
  beforeAll(() => {
    h = makeApp();
  });

  it("PUT .../rel/{fk} twice keeps one link, keyed by the through model's belongsTo keys", async () => {
    await h.Physician.create({ name: 'first' });
    const physician = await h.Physician.create({ name: 'ph' });
    const patient = await h.Patient.create({ name: 'pa' });
    const url = `/api/physicians/${physician.id}/patients/rel/${patient.id}`;
    const first = await request(h.app)
      .put(url)
      .send({ date: new Date(5) });
    const second = await request(h.app)
      .put(url)
      .send({ date: new Date(9) });
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(first.body).toEqual({
      date: new Date(5).toISOString(),
      patientId: patient.id,
      physicianId: physician.id,
      id: first.body.id,
    });
    expect(second.body).toEqual(first.body);
    expect(await h.Appointment.count()).toBe(1);
    expect((await request(h.app).head(url)).status).toBe(200);
    expect((await request(h.app).delete(url)).status).toBe(204);
    expect(await h.Appointment.count()).toBe(0);
  });

  it('filters an embedded list, and answers an unknown embedded id with 404', async () => {
    const list = await h.TodoList.create({ name: 'A' });
    list.items.build({ content: 'Todo 1' });
    list.items.build({ content: 'Todo 2' });
    list.items.build({ content: 'Todo 3' });
    await list.save();
    const base = `/api/todo-lists/${list.id}/items`;
    expect((await request(h.app).get(`${base}?filter[where][id]=2`)).body).toEqual([
      { content: 'Todo 2', id: 2 },
    ]);
    const ordered = await request(h.app)
      .get(base)
      .query({ filter: JSON.stringify({ order: 'id DESC', skip: 1, limit: 1, fields: ['content'] }) });
    expect(ordered.body).toEqual([{ content: 'Todo 2' }]);
    expect(
      (
        await request(h.app)
          .get(`${base}/count`)
          .query({ where: JSON.stringify({ content: { inq: ['Todo 1', 'Todo 3'] } }) })
      ).body,
    ).toEqual({ count: 2 });
    const bad = await request(h.app)
      .get(base)
      .query({ filter: JSON.stringify({ where: { id: { inq: 'x' } } }) });
    expect([bad.status, bad.body.error.code]).toEqual([400, 'INVALID_FILTER']);
    const missing = await request(h.app).get(`${base}/9`);
    expect([missing.status, missing.body.error.code, missing.body.error.message]).toEqual([
      404,
      'MODEL_NOT_FOUND',
      'Unknown "todoItem" id "9".',
    ]);
    expect(await (await h.TodoList.findById(list.id)).items.findById(9)).toBeNull();
  });

  it('nests endpoints for options.nestRemoting, through a belongsTo, and for relations added later', async () => {
    const book = await h.Book.create({ name: 'Book 1' });
    const page = await book.pages.create({ name: 'Page 1' });
    const note = await page.notes.create({ text: 'Note 1' });
    // LB3: a belongsTo given an instance on create takes its key.
    const image = await h.Image.create({ name: 'Cover', book });
    expect(image.bookId).toBe(book.id);

    const notes = await request(h.app).get(`/api/books/${book.id}/pages/${page.id}/notes`);
    expect([notes.status, notes.body.map((n: any) => n.text)]).toEqual([200, ['Note 1']]);
    expect(
      (await request(h.app).get(`/api/books/${book.id}/pages/${page.id}/notes/${note.id}`)).body.text,
    ).toBe('Note 1');
    const pages = await request(h.app).get(`/api/images/${image.id}/book/pages`);
    expect([pages.status, pages.body.map((p: any) => p.name)]).toEqual([200, ['Page 1']]);
    expect((await request(h.app).get(`/api/images/${image.id}/book/pages/${page.id}`)).body.name).toBe(
      'Page 1',
    );
    // Another book's page is not reached through this book.
    const other = await h.Book.create({ name: 'Book 2' });
    expect((await request(h.app).get(`/api/books/${other.id}/pages/${page.id}/notes`)).status).toBe(404);
  });
});
