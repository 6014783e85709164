import request from 'supertest';
import { describeStore, STORES } from '../connectors/stores';
import { userApp } from '../support/user-app';

/**
 * LB3 apps create users in a boot script without waiting and log in straight after boot (the
 * access-control example's tests do): LB3 hashed synchronously, so the user existed before the
 * login was read. Here the login for that identity waits for the signup instead of racing it.
 */
// Real bcrypt at cost 10 on a real store: on a loaded machine (CI beside other work) a test here
// takes seconds, not the default 5.
jest.setTimeout(30_000);

for (const store of STORES) {
  describeStore(store, () => {
    const opened: any[] = [];
    afterEach(async () => {
      for (const ds of opened.splice(0)) await ds.disconnect();
    });

    it('a login arriving while the same user is still being created succeeds', async () => {
      // The default cost (10): the hash takes long enough that the login arrives first.
      const { app, ds, Member } = await userApp(store, { member: { saltWorkFactor: 10 } });
      opened.push(ds);
      const created = Member.create([
        { username: 'jane', email: 'jane@example.com', password: 'opensesame' },
        { username: 'john', email: 'john@example.com', password: 'opensesame' },
      ]);
      const [byName, byEmail] = await Promise.all([
        request(app).post('/api/Members/login').send({ username: 'jane', password: 'opensesame' }),
        request(app).post('/api/Members/login').send({ email: 'john@example.com', password: 'opensesame' }),
      ]);
      const users = await created;
      expect(byName.status).toBe(200);
      expect(byName.body.userId).toBe(users[0].id);
      expect(byEmail.status).toBe(200);
      expect(byEmail.body.userId).toBe(users[1].id);
    });

    it('a login for another identity does not wait, and a wrong password is still 401', async () => {
      const { app, ds, Member } = await userApp(store, { member: { saltWorkFactor: 10 } });
      opened.push(ds);
      await Member.create({ email: 'ann@example.com', password: 'secret-one' });
      const pending = Member.create({ email: 'slow@example.com', password: 'secret-two' });
      const t0 = Date.now();
      const ann = await request(app)
        .post('/api/Members/login')
        .send({ email: 'ann@example.com', password: 'wrong' });
      expect(ann.status).toBe(401);
      const waitedFor = Date.now() - t0;
      await pending;
      const slow = await request(app)
        .post('/api/Members/login')
        .send({ email: 'slow@example.com', password: 'wrong' });
      expect(slow.status).toBe(401);
      // One bcrypt comparison, not the 2 s bound of a wait.
      expect(waitedFor).toBeLessThan(1900);
    });
  });
}
