import request from 'supertest';
import loopback from '../../src';
import { describeStore, expectedOn, STORES, type SqlStoreName } from './stores';

/**
 * Schema quality over every store: the `integer` type (REST coercion, 422 on a fraction, the
 * column it makes), relation keys typed like the id they point at and indexed, and FOREIGN KEY
 * constraints asked for by a relation (`foreignKeyConstraint`), with what the catalog says
 * afterwards and what a violating write answers.
 */

const tables = (name: string) => ({
  postgresql: { table: name },
  mysql: { table: name },
  sqlite: { table: name },
});

for (const store of STORES) {
  describeStore(store, () => {
    const { schema, sql } = store.features;
    /** This store's entry of a table of expectations by store (as the hostile-case table's). */
    const byStore = <T>(table: Record<SqlStoreName, T>): T => expectedOn(store, table);
    /** A property's default column name on this store (PostgreSQL folds it to lower case). */
    const col = (property: string) => schema!.defaultName(property);
    let app: any;
    let ds: any;
    const run = async (text: string, params: unknown[] = []): Promise<any[]> =>
      ds.connector.execute(text, params);
    const q = (id: string) => sql!.quote(id);

    /** Column → its type, as the store writes it (display widths of MySQL integers left out). */
    async function columnTypes(table: string): Promise<Record<string, string>> {
      const rows = await run(
        byStore({
          postgresql: `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type FROM pg_attribute a WHERE a.attrelid = ('public.' || $1)::regclass AND a.attnum > 0 AND NOT a.attisdropped`,
          sqlite: 'SELECT name, lower(type) AS type FROM pragma_table_info(?)',
          mysql:
            'SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?',
        }),
        [table],
      );
      return Object.fromEntries(
        rows.map((r) => [String(r.name), String(r.type).replace(/^int\(\d+\)$/, 'int')]),
      );
    }

    /** Each non-primary index of the table: "name: col, col". */
    async function indexNames(table: string): Promise<string[]> {
      const rows = await run(
        byStore({
          postgresql: `SELECT i.relname AS name, a.attname AS col FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY(ix.indkey) WHERE t.relname = $1 AND NOT ix.indisprimary ORDER BY i.relname`,
          sqlite:
            "SELECT l.name AS name, i.name AS col FROM pragma_index_list(?) l JOIN pragma_index_info(l.name) i WHERE l.origin <> 'pk' ORDER BY l.name, i.seqno",
          mysql:
            "SELECT INDEX_NAME AS name, COLUMN_NAME AS col FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND INDEX_NAME <> 'PRIMARY' ORDER BY INDEX_NAME, SEQ_IN_INDEX",
        }),
        [table],
      );
      return rows.map((r) => `${r.name}: ${r.col}`);
    }

    /** Each FOREIGN KEY constraint of the table: "name: col -> table.col ON DELETE x ON UPDATE y". */
    async function constraints(table: string): Promise<string[]> {
      // SQLite keeps the constraints in the CREATE statement only: its schema dialect reads them.
      const fromDialect = async (): Promise<any[]> =>
        ((await ds.connector.schemaDialect.foreignKeys(undefined, table)) as any[]).map((f) => ({
          name: f.name,
          col: f.column,
          ref: f.targetTable,
          refcol: f.targetColumn,
          del: f.onDelete,
          upd: f.onUpdate,
        }));
      const rows = await byStore({
        postgresql: () =>
          run(
            `SELECT rc.constraint_name AS name, k.column_name AS col, u.table_name AS ref, u.column_name AS refcol, rc.delete_rule AS del, rc.update_rule AS upd
             FROM information_schema.referential_constraints rc
             JOIN information_schema.key_column_usage k ON k.constraint_name = rc.constraint_name AND k.constraint_schema = rc.constraint_schema
             JOIN information_schema.key_column_usage u ON u.constraint_name = rc.unique_constraint_name AND u.constraint_schema = rc.unique_constraint_schema
             WHERE k.table_schema = 'public' AND k.table_name = $1 ORDER BY 1`,
            [table],
          ),
        mysql: () =>
          run(
            `SELECT rc.CONSTRAINT_NAME AS name, k.COLUMN_NAME AS col, k.REFERENCED_TABLE_NAME AS ref, k.REFERENCED_COLUMN_NAME AS refcol, rc.DELETE_RULE AS del, rc.UPDATE_RULE AS upd
             FROM information_schema.REFERENTIAL_CONSTRAINTS rc JOIN information_schema.KEY_COLUMN_USAGE k ON k.CONSTRAINT_SCHEMA = rc.CONSTRAINT_SCHEMA AND k.CONSTRAINT_NAME = rc.CONSTRAINT_NAME AND k.TABLE_NAME = rc.TABLE_NAME
             WHERE rc.CONSTRAINT_SCHEMA = DATABASE() AND rc.TABLE_NAME = ? ORDER BY 1`,
            [table],
          ),
        sqlite: fromDialect,
      })();
      // InnoDB reports an unspecified (NO ACTION) rule as RESTRICT.
      // (SQLite's schema dialect reads the rule as written.)
      const restrict = byStore({ postgresql: 'RESTRICT', mysql: 'NO ACTION', sqlite: 'RESTRICT' });
      const rule = (r: string) => (r === 'RESTRICT' ? restrict : r);
      return rows.map(
        (r) =>
          `${r.name}: ${r.col} -> ${r.ref}.${r.refcol} ON DELETE ${rule(r.del)} ON UPDATE ${rule(r.upd)}`,
      );
    }

    beforeEach(() => {
      app = loopback();
      app.dataSource('db', store.settings);
      ds = app.dataSources.db;
      app.use('/api', loopback.rest());
    });

    afterEach(async () => {
      await ds?.disconnect();
    });

    const model = (def: Record<string, unknown>) => {
      const M = loopback.createModel(def as any);
      app.model(M, { dataSource: 'db' });
      return M as any;
    };

    it('an integer property: REST strings coerced, a fraction or a non-number refused with 422 and the store unchanged, filters compare with any number', async () => {
      const Counter = model({
        name: 'SkCounter',
        properties: {
          count: { type: 'integer' },
          big: { type: 'Integer' },
          legacy: {
            type: 'number',
            postgresql: { dataType: 'integer' },
            mysql: { dataType: 'int' },
            sqlite: { dataType: 'integer' },
          },
          plain: { type: 'number', dataType: 'integer' },
        },
        ...tables('sk_counter'),
      });
      await ds.automigrate(['SkCounter']);
      // LB3 code reads a Number, as it would of LB3's own integer-typed properties.
      expect(Counter.definition.properties.count.type).toBe(Number);

      const created = await request(app)
        .post('/api/SkCounters')
        .send({ count: '12', big: 2147483647, legacy: 3, plain: 4 });
      expect(created.status).toBe(200);
      expect(created.body).toEqual({ id: 1, count: 12, big: 2147483647, legacy: 3, plain: 4 });

      for (const bad of [1.5, 'abc', '2.5', 9007199254740992, true]) {
        const res = await request(app).post('/api/SkCounters').send({ count: bad });
        expect(res.status).toBe(422);
        expect(res.body.error.code).toBe('VALIDATION_FAILED');
        expect(res.body.error.details.codes).toEqual({ count: ['type'] });
        expect(res.body.error.details.messages.count).toEqual(['is not a valid integer']);
      }
      const patched = await request(app).patch('/api/SkCounters/1').send({ count: 2.5 });
      expect(patched.status).toBe(422);
      expect(patched.body.error.details.codes).toEqual({ count: ['type'] });
      expect(await Counter.count()).toBe(1);
      expect((await request(app).get('/api/SkCounters/1')).body).toMatchObject({ count: 12 });

      const found = await request(app)
        .get('/api/SkCounters')
        .query({ filter: JSON.stringify({ where: { count: { gt: 11.5 } } }) });
      expect(found.body.map((r: any) => r.id)).toEqual([1]);
      expect(
        (
          await request(app)
            .get('/api/SkCounters')
            .query({ filter: JSON.stringify({ where: { count: '12' } }) })
        ).body,
      ).toHaveLength(1);

      if (sql) {
        expect(await columnTypes('sk_counter')).toMatchObject(
          byStore({
            postgresql: { count: 'integer', big: 'integer', legacy: 'integer', plain: 'integer' },
            sqlite: { count: 'integer', big: 'integer', legacy: 'integer', plain: 'integer' },
            mysql: { count: 'int', big: 'int', legacy: 'int', plain: 'int' },
          }),
        );
        expect(await ds.isActual(['SkCounter'])).toBe(true);
        // Past the 32-bit column: the store refuses the value and nothing is written (SQLite's INTEGER holds 64 bits: stored).
        const tooBig = await request(app).post('/api/SkCounters').send({ big: 2147483648 });
        expect([tooBig.status, tooBig.body.error?.code]).toEqual(
          byStore<unknown[]>({
            sqlite: [200, undefined],
            postgresql: [400, 'INVALID_VALUE'],
            mysql: [400, 'INVALID_VALUE'],
          }),
        );
        expect(await Counter.count()).toBe(byStore({ sqlite: 2, postgresql: 1, mysql: 1 }));
      }
    });

    it('relation keys take the type of the id they point at and get an index, which autoupdate adds once to an existing table', async () => {
      model({
        name: 'SkAuthor',
        properties: { id: { type: 'string', id: true, defaultFn: 'uuidv4' }, name: 'string' },
        ...tables('sk_author'),
      });
      // Each model after the ones its relations name: a name resolves to the model of that name defined last.
      const Book = model({
        name: 'SkBook',
        properties: { title: 'string' },
        relations: {
          author: {
            type: 'belongsTo',
            model: 'SkAuthor',
            foreignKey: 'authorId',
            foreignKeyConstraint: true,
          },
        },
        ...tables('sk_book'),
      });
      model({
        name: 'SkShelf',
        properties: { label: 'string' },
        relations: { books: { type: 'hasMany', model: 'SkBook', foreignKey: 'shelfId' } },
        ...tables('sk_shelf'),
      });
      await ds.automigrate(['SkAuthor', 'SkShelf', 'SkBook']);
      const author = await request(app).post('/api/SkAuthors').send({ name: 'Ann' }).expect(200);
      const shelf = await request(app).post('/api/SkShelves').send({ label: 'top' }).expect(200);
      const book = await request(app)
        .post(`/api/SkShelves/${shelf.body.id}/books`)
        .send({ title: 'One', authorId: author.body.id })
        .expect(200);
      expect(book.body).toMatchObject({ shelfId: shelf.body.id, authorId: author.body.id });
      expect((await request(app).get(`/api/SkBooks/${book.body.id}/author`)).body.name).toBe('Ann');
      if (!sql) return;

      const authorCol = col('authorId');
      const shelfCol = col('shelfId');
      expect(await columnTypes('sk_book')).toMatchObject(
        byStore({
          postgresql: { authorid: 'text', shelfid: 'integer' },
          sqlite: { authorId: 'text', shelfId: 'integer' },
          mysql: { authorId: 'varchar(255)', shelfId: 'int' },
        }),
      );
      const wanted = [`sk_book_${authorCol}_idx: ${authorCol}`, `sk_book_${shelfCol}_idx: ${shelfCol}`];
      // The constraint on the string key uses the key's own index (whole column, no prefix): the store made none of its own.
      expect(await indexNames('sk_book')).toEqual(wanted);
      // MySQL may index a VARCHAR by a prefix; the key's index must hold the whole column.
      const indexPrefixes = byStore({ mysql: true, postgresql: false, sqlite: false });
      if (indexPrefixes)
        expect(
          (
            await run(
              "SELECT SUB_PART AS part FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'sk_book' AND INDEX_NAME = 'sk_book_authorId_idx'",
            )
          )[0].part,
        ).toBeNull();
      expect(await constraints('sk_book')).toEqual([
        `sk_book_${authorCol}_fkey: ${authorCol} -> sk_author.id ON DELETE NO ACTION ON UPDATE NO ACTION`,
      ]);
      expect(await ds.isActual(['SkAuthor', 'SkShelf', 'SkBook'])).toBe(true);

      // An existing table without the index (made before relations had one): autoupdate adds it, once.
      await run(
        byStore({
          postgresql: `DROP INDEX ${q(`sk_book_${shelfCol}_idx`)}`,
          sqlite: `DROP INDEX ${q(`sk_book_${shelfCol}_idx`)}`,
          mysql: `DROP INDEX ${q(`sk_book_${shelfCol}_idx`)} ON sk_book`,
        }),
      );
      expect(await ds.isActual(['SkBook'])).toBe(false);
      await ds.autoupdate(['SkBook']);
      await ds.autoupdate(['SkBook']);
      expect(await indexNames('sk_book')).toEqual(wanted);
      expect(await ds.isActual(['SkAuthor', 'SkShelf', 'SkBook'])).toBe(true);
      expect(await Book.count()).toBe(1);
    });

    it('an existing table whose key column was a double: autoupdate makes it the id type, keeping the rows', async () => {
      if (!sql) return;
      model({ name: 'SkHolder', properties: { name: 'string' }, ...tables('sk_holder') });
      const Before = model({
        name: 'SkItem',
        properties: { name: 'string', holderId: 'number' },
        ...tables('sk_item'),
      });
      await ds.automigrate(['SkHolder', 'SkItem']);
      await Before.create({ name: 'a', holderId: 7 });
      expect((await columnTypes('sk_item'))[col('holderId')]).toBe(
        byStore({ postgresql: 'double precision', sqlite: 'real', mysql: 'double' }),
      );
      const After = model({
        name: 'SkItem',
        properties: { name: 'string', holderId: 'number' },
        relations: { holder: { type: 'belongsTo', model: 'SkHolder', foreignKey: 'holderId' } },
        ...tables('sk_item'),
      });
      expect(await ds.isActual(['SkItem'])).toBe(false);
      await ds.autoupdate(['SkItem']);
      expect((await columnTypes('sk_item'))[col('holderId')]).toBe(
        byStore({ postgresql: 'integer', sqlite: 'integer', mysql: 'int' }),
      );
      expect(await ds.isActual(['SkHolder', 'SkItem'])).toBe(true);
      expect((await After.find()).map((r: any) => r.toJSON())).toEqual([{ id: 1, name: 'a', holderId: 7 }]);
    });

    it('a relation asking for foreignKeyConstraint: migrate and autoupdate create it with its rules, once; a violating write answers 409 FOREIGN_KEY_VIOLATION and changes nothing', async () => {
      const Customer = model({
        name: 'SkCustomer',
        properties: { name: 'string' },
        ...tables('sk_customer'),
      });
      const Line = model({ name: 'SkLine', properties: { sku: 'string' }, ...tables('sk_line') });
      const Order = model({
        name: 'SkOrder',
        properties: { total: 'number' },
        relations: {
          customer: {
            type: 'belongsTo',
            model: 'SkCustomer',
            foreignKey: 'customerId',
            foreignKeyConstraint: true,
          },
          lines: {
            type: 'hasMany',
            model: 'SkLine',
            foreignKey: 'orderId',
            foreignKeyConstraint: { name: 'sk_line_order', onDelete: 'CASCADE' },
          },
        },
        ...tables('sk_order'),
      });
      const names = ['SkCustomer', 'SkOrder', 'SkLine'];
      await ds.automigrate(names);
      const ann = (await request(app).post('/api/SkCustomers').send({ name: 'Ann' }).expect(200)).body;
      const order = (
        await request(app).post('/api/SkOrders').send({ total: 5, customerId: ann.id }).expect(200)
      ).body;
      await request(app).post(`/api/SkOrders/${order.id}/lines`).send({ sku: 'x' }).expect(200);

      if (!sql) {
        // The memory store keeps no constraints: a key naming no row is stored.
        await request(app).post('/api/SkOrders').send({ total: 1, customerId: 999 }).expect(200);
        return;
      }
      const customerCol = col('customerId');
      const orderCol = col('orderId');
      expect(await constraints('sk_order')).toEqual([
        `sk_order_${customerCol}_fkey: ${customerCol} -> sk_customer.id ON DELETE NO ACTION ON UPDATE NO ACTION`,
      ]);
      expect(await constraints('sk_line')).toEqual([
        `sk_line_order: ${orderCol} -> sk_order.id ON DELETE CASCADE ON UPDATE NO ACTION`,
      ]);
      expect(await indexNames('sk_order')).toContain(`sk_order_${customerCol}_idx: ${customerCol}`);

      const missing = await request(app).post('/api/SkOrders').send({ total: 1, customerId: 999 });
      expect(missing.status).toBe(409);
      expect(missing.body.error).toMatchObject({
        code: 'FOREIGN_KEY_VIOLATION',
        details: { reason: 'missing', constraint: `sk_order_${customerCol}_fkey` },
      });
      const moved = await request(app).patch(`/api/SkOrders/${order.id}`).send({ customerId: 999 });
      expect(moved.status).toBe(409);
      const referenced = await request(app).delete(`/api/SkCustomers/${ann.id}`);
      expect(referenced.status).toBe(409);
      expect(referenced.body.error).toMatchObject({
        code: 'FOREIGN_KEY_VIOLATION',
        details: { reason: 'referenced' },
      });
      expect(await Customer.count()).toBe(1);
      expect((await Order.find()).map((o: any) => o.toJSON())).toEqual([
        { id: order.id, total: 5, customerId: ann.id },
      ]);

      // Idempotent: a second autoupdate runs nothing; a constraint lost is added back once; a changed rule is remade.
      expect(await ds.isActual(names)).toBe(true);
      // SQLite cannot drop a constraint by ALTER TABLE: its schema dialect's statement rebuilds the table.
      await run(
        byStore({
          postgresql: () => `ALTER TABLE sk_line DROP CONSTRAINT sk_line_order`,
          sqlite: () => ds.connector.schemaDialect.dropForeignKey('"sk_line"', '"sk_line_order"'),
          mysql: () => 'ALTER TABLE sk_line DROP FOREIGN KEY sk_line_order',
        })(),
      );
      expect(await ds.isActual(names)).toBe(false);
      await ds.autoupdate(names);
      await ds.autoupdate(names);
      expect(await constraints('sk_line')).toEqual([
        `sk_line_order: ${orderCol} -> sk_order.id ON DELETE CASCADE ON UPDATE NO ACTION`,
      ]);
      expect(await ds.isActual(names)).toBe(true);
      Order.relations.lines.foreignKeyConstraint.onDelete = 'SET NULL';
      expect(await ds.isActual(names)).toBe(false);
      await ds.autoupdate(names);
      expect(await constraints('sk_line')).toEqual([
        `sk_line_order: ${orderCol} -> sk_order.id ON DELETE SET NULL ON UPDATE NO ACTION`,
      ]);
      expect(await ds.isActual(names)).toBe(true);
      await request(app).delete(`/api/SkOrders/${order.id}`).expect(200);
      expect((await Line.find()).map((l: any) => l.orderId)).toEqual([null]);
    });

    it('the LB3 foreignKeys setting: a violating write answers 409 FOREIGN_KEY_VIOLATION', async () => {
      if (!sql) return;
      model({ name: 'SkParent', properties: { name: 'string' }, ...tables('sk_parent') });
      const Child = model({
        name: 'SkChild',
        properties: { parentId: 'number' },
        foreignKeys: {
          sk_child_parent: {
            name: 'sk_child_parent',
            entity: 'SkParent',
            entityKey: 'id',
            foreignKey: 'parentId',
            onDelete: 'RESTRICT',
          },
        },
        ...tables('sk_child'),
      });
      await ds.automigrate(['SkParent', 'SkChild']);
      expect((await columnTypes('sk_child'))[col('parentId')]).toBe(
        byStore({ postgresql: 'integer', sqlite: 'integer', mysql: 'int' }),
      );
      expect(await indexNames('sk_child')).toContain(`sk_child_${col('parentId')}_idx: ${col('parentId')}`);
      const res = await request(app).post('/api/SkChildren').send({ parentId: 42 });
      expect(res.status).toBe(409);
      expect(res.body.error).toMatchObject({
        code: 'FOREIGN_KEY_VIOLATION',
        details: { reason: 'missing', constraint: 'sk_child_parent' },
      });
      expect(await Child.count()).toBe(0);
    });
  });
}
