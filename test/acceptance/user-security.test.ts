import request from 'supertest';
import { hashPassword } from '../../src/loopback/security/password';
import { describeStore, STORES } from '../connectors/stores';
import { authApp } from '../support/auth-app';
import { login, signup, userApp } from '../support/user-app';

/**
 * The user model against an attacker, over HTTP on every store: a deleted user's sessions end,
 * an email or password change ends the others, a bcrypt-shaped password is still hashed, hidden
 * values never appear in a validation error. Each asserts the status, the code and the rows.
 */

const auth = (token: string) => ({ Authorization: token });

for (const store of STORES) {
  describeStore(store, () => {
    let h: Awaited<ReturnType<typeof userApp>>;

    beforeAll(async () => {
      h = await userApp(store);
    });
    afterAll(async () => {
      await h?.ds.disconnect();
    });
    beforeEach(async () => {
      for (const M of [h.AccessToken, h.Member, h.Staff, h.Note, h.Vault, h.ds.models.LoginAttempt])
        await M.destroyAll();
    });

    const tokensOf = (userId: number, principalType = 'Member') =>
      h.AccessToken.count({ userId, principalType });

    describe('deleting a user ends its sessions', () => {
      it('DELETE /Members/{id}: 200, then its tokens neither read nor write, and no token row is left', async () => {
        const ann = await signup(h.app, 'ann@example.com');
        const token = await login(h.app, 'ann@example.com');
        const other = await login(h.app, 'ann@example.com');
        expect(
          (await request(h.app).post('/api/Notes').set(auth(token)).send({ text: 'mine', ownerId: ann.id }))
            .status,
        ).toBe(200);
        const del = await request(h.app).delete(`/api/Members/${ann.id}`).set(auth(token));
        expect([del.status, del.body]).toEqual([200, { count: 1 }]);
        expect(await tokensOf(ann.id)).toBe(0);
        for (const t of [token, other]) {
          const read = await request(h.app).get('/api/Notes').set(auth(t));
          expect([read.status, read.body.error.code]).toEqual([401, 'AUTHORIZATION_REQUIRED']);
          const write = await request(h.app).post('/api/Notes').set(auth(t)).send({ text: 'ghost' });
          expect([write.status, write.body.error.code]).toEqual([401, 'AUTHORIZATION_REQUIRED']);
        }
        expect(await h.Note.count()).toBe(1);
      });

      it('destroyAll with a where and an instance destroy delete the tokens of exactly those users', async () => {
        const ann = await signup(h.app, 'ann@example.com');
        const bob = await signup(h.app, 'bob@example.com');
        const cy = await signup(h.app, 'cy@example.com');
        // A Staff user with Ann's id: a different user model, its session is not Ann's.
        const staff = await h.Staff.create({ id: ann.id, email: 'staff@example.com', password: 'staff-pw' });
        await h.Staff.login({ email: 'staff@example.com', password: 'staff-pw' });
        for (const e of ['ann', 'bob', 'cy']) await login(h.app, `${e}@example.com`);
        expect(await h.Member.destroyAll({ email: { inq: ['ann@example.com', 'bob@example.com'] } })).toEqual(
          { count: 2 },
        );
        expect([await tokensOf(ann.id), await tokensOf(bob.id), await tokensOf(cy.id)]).toEqual([0, 0, 1]);
        expect(await tokensOf(staff.id, 'Staff')).toBe(1);
        expect(await h.Member.destroyAll({ email: 'nobody@example.com' })).toEqual({ count: 0 });
        await (await h.Member.findById(cy.id)).destroy();
        expect(await tokensOf(cy.id)).toBe(0);
        expect(await h.AccessToken.count()).toBe(1);
      });
    });

    describe('an email or password change ends the other sessions', () => {
      it('PATCH of the email: the session making it is kept, the others end', async () => {
        const ann = await signup(h.app, 'ann@example.com');
        const current = await login(h.app, 'ann@example.com');
        const other = await login(h.app, 'ann@example.com');
        const res = await request(h.app)
          .patch(`/api/Members/${ann.id}`)
          .set(auth(current))
          .send({ email: 'ann2@example.com' });
        expect(res.status).toBe(200);
        expect(
          await h.AccessToken.find({ where: { userId: ann.id } }).then((l: any[]) => l.map((t) => t.id)),
        ).toEqual([current]);
        expect((await request(h.app).get('/api/Notes').set(auth(other))).status).toBe(401);
        expect((await request(h.app).get('/api/Notes').set(auth(current))).status).toBe(200);
      });

      it('a change of another property ends nothing; changePassword keeps only the current session', async () => {
        const ann = await signup(h.app, 'ann@example.com');
        const current = await login(h.app, 'ann@example.com');
        await login(h.app, 'ann@example.com');
        expect(
          (await request(h.app).patch(`/api/Members/${ann.id}`).set(auth(current)).send({ username: 'ann' }))
            .status,
        ).toBe(200);
        expect(await tokensOf(ann.id)).toBe(2);
        const res = await request(h.app)
          .post('/api/Members/change-password')
          .set(auth(current))
          .send({ oldPassword: 'ann@example.com-pw', newPassword: 'new-secret' });
        expect(res.status).toBe(204);
        expect(
          await h.AccessToken.find({ where: { userId: ann.id } }).then((l: any[]) => l.map((t) => t.id)),
        ).toEqual([current]);
      });

      it('server code: {preserveAccessTokens: true} keeps the sessions for one call (LB3 3.x)', async () => {
        const ann = await signup(h.app, 'ann@example.com');
        await login(h.app, 'ann@example.com');
        const user = await h.Member.findById(ann.id);
        await user.updateAttributes({ email: 'kept@example.com' }, { preserveAccessTokens: true });
        expect(await tokensOf(ann.id)).toBe(1);
        await user.updateAttributes({ email: 'ended@example.com' });
        expect(await tokensOf(ann.id)).toBe(0);
      });
    });

    describe('a password is always hashed', () => {
      it('a bcrypt hash sent as the password on signup is hashed again: its plaintext does not log in', async () => {
        const weakHash = await hashPassword('weak', 4);
        const res = await request(h.app)
          .post('/api/Members')
          .send({ email: 'eve@example.com', password: weakHash });
        expect(res.status).toBe(200);
        const stored = await h.Member.findById(res.body.id);
        expect(stored.password).not.toBe(weakHash);
        const weak = await request(h.app)
          .post('/api/Members/login')
          .send({ email: 'eve@example.com', password: 'weak' });
        expect([weak.status, weak.body.error.code]).toEqual([401, 'LOGIN_FAILED']);
        expect(
          (
            await request(h.app)
              .post('/api/Members/login')
              .send({ email: 'eve@example.com', password: weakHash })
          ).status,
        ).toBe(200);
      });

      it('server code: the same through create and setPassword; {hashedPassword: true} stores a known hash; a save keeps it', async () => {
        const weakHash = await hashPassword('weak', 4);
        const eve = await h.Member.create({ email: 'eve@example.com', password: weakHash });
        expect(eve.password).not.toBe(weakHash);
        await h.Member.setPassword(eve.id, weakHash);
        expect((await h.Member.findById(eve.id)).password).not.toBe(weakHash);
        const imported = await h.Member.create(
          { email: 'imp@example.com', password: weakHash },
          { hashedPassword: true },
        );
        expect((await h.Member.findById(imported.id)).password).toBe(weakHash);
        const again = await h.Member.findById(imported.id);
        again.username = 'imp';
        await again.save();
        expect((await h.Member.findById(imported.id)).password).toBe(weakHash);
        expect(
          (
            await request(h.app)
              .post('/api/Members/login')
              .send({ email: 'imp@example.com', password: 'weak' })
          ).status,
        ).toBe(200);
        await expect(
          h.Member.create({ email: 'x@example.com', password: 'plain' }, { hashedPassword: true }),
        ).rejects.toMatchObject({ code: 'INVALID_PASSWORD', statusCode: 422 });
        expect(await h.Member.count({ email: 'x@example.com' })).toBe(0);
      });
    });

    describe('one request signs up a bounded number of users', () => {
      const users = (n: number, tag: string) =>
        Array.from({ length: n }, (_, i) => ({ email: `${tag}${i}@example.com`, password: 'pw' }));

      it('an array of 1,600 (within the body limit) and of 11: 413 BATCH_TOO_LARGE, no user stored; 10 are made', async () => {
        const huge = await request(h.app).post('/api/Members').send(users(1600, 'h'));
        expect([huge.status, huge.body.error.code]).toEqual([413, 'BATCH_TOO_LARGE']);
        const eleven = await request(h.app).post('/api/Members').send(users(11, 'e'));
        expect([eleven.status, eleven.body.error.code]).toEqual([413, 'BATCH_TOO_LARGE']);
        expect(eleven.body.error.message).toContain('at most 10');
        expect(await h.Member.count()).toBe(0);
        const ten = await request(h.app).post('/api/Members').send(users(10, 't'));
        expect([ten.status, ten.body.length]).toEqual([200, 10]);
        expect(await h.Member.count()).toBe(10);
      });
    });

    describe('login is throttled per account and per address', () => {
      const attempt = (app: any, email: string, password: string) =>
        request(app).post('/api/Members/login').send({ email, password });
      const attemptsStored = () => h.ds.models.LoginAttempt.count();

      it('15 wrong passwords: 10 get 401, then 429 TOO_MANY_LOGIN_ATTEMPTS with Retry-After, even with the right one', async () => {
        await signup(h.app, 'ann@example.com');
        const statuses: number[] = [];
        for (let i = 0; i < 15; i++)
          statuses.push((await attempt(h.app, 'ann@example.com', `guess-${i}`)).status);
        expect(statuses).toEqual([...Array(10).fill(401), ...Array(5).fill(429)]);
        const right = await attempt(h.app, 'ann@example.com', 'ann@example.com-pw');
        expect([right.status, right.body.error.code]).toEqual([429, 'TOO_MANY_LOGIN_ATTEMPTS']);
        const wait = Number(right.headers['retry-after']);
        expect(wait).toBeGreaterThan(890);
        expect(wait).toBeLessThanOrEqual(900);
        expect(right.body.error.details).toEqual({ retryAfter: wait });
        // The ten failures are kept (twice: account and address); refused attempts are not.
        expect(await attemptsStored()).toBe(20);
        expect(await h.AccessToken.count()).toBe(0);
      });

      it('an unknown account is locked the same way: the 429 does not tell whether it exists', async () => {
        await signup(h.app, 'ann@example.com');
        for (let i = 0; i < 10; i++) {
          expect((await attempt(h.app, 'ann@example.com', 'x')).status).toBe(401);
          expect((await attempt(h.app, 'ghost@example.com', 'x')).status).toBe(401);
        }
        const known = await attempt(h.app, 'ann@example.com', 'x');
        const ghost = await attempt(h.app, 'ghost@example.com', 'x');
        expect([known.status, ghost.status]).toEqual([429, 429]);
        expect(Object.keys(known.body.error).sort()).toEqual(Object.keys(ghost.body.error).sort());
        expect(known.body.error.code).toBe(ghost.body.error.code);
      });

      it("a successful login clears the account's failures; other accounts are not affected", async () => {
        await signup(h.app, 'ann@example.com');
        await signup(h.app, 'bob@example.com');
        for (let i = 0; i < 9; i++) expect((await attempt(h.app, 'ann@example.com', 'x')).status).toBe(401);
        expect((await attempt(h.app, 'ann@example.com', 'ann@example.com-pw')).status).toBe(200);
        for (let i = 0; i < 10; i++) expect((await attempt(h.app, 'ann@example.com', 'x')).status).toBe(401);
        expect((await attempt(h.app, 'ann@example.com', 'x')).status).toBe(429);
        expect((await attempt(h.app, 'bob@example.com', 'bob@example.com-pw')).status).toBe(200);
      });

      it('a concurrent burst of 15 cannot slip past the limit: exactly 10 are checked', async () => {
        await signup(h.app, 'ann@example.com');
        const burst = await Promise.all(
          Array.from({ length: 15 }, (_, i) => attempt(h.app, 'ann@example.com', `b${i}`)),
        );
        const counts = burst.reduce<Record<number, number>>(
          (acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }),
          {},
        );
        expect(counts).toEqual({ 401: 10, 429: 5 });
        expect((await attempt(h.app, 'ann@example.com', 'ann@example.com-pw')).status).toBe(429);
      });

      if (store.name !== 'memory') {
        it('an app that has not migrated since the throttle came: its table is made on the first login', async () => {
          // The table's name as each store spells it (PostgreSQL folds it to lower case).
          await h.ds.connector.execute(
            `DROP TABLE ${store.name === 'postgresql' ? 'loginattempt' : 'LoginAttempt'}`,
          );
          await signup(h.app, 'ann@example.com');
          expect((await attempt(h.app, 'ann@example.com', 'x')).status).toBe(401);
          expect((await attempt(h.app, 'ann@example.com', 'ann@example.com-pw')).status).toBe(200);
          expect(await attemptsStored()).toBe(1);
        });

        it('two processes of one app (two boots on one database) share the counts', async () => {
          const second = await userApp(store, { migrate: false });
          try {
            await signup(h.app, 'ann@example.com');
            for (let i = 0; i < 5; i++)
              expect((await attempt(h.app, 'ann@example.com', 'x')).status).toBe(401);
            for (let i = 0; i < 5; i++)
              expect((await attempt(second.app, 'ann@example.com', 'x')).status).toBe(401);
            const locked = await attempt(second.app, 'ann@example.com', 'ann@example.com-pw');
            expect([locked.status, locked.body.error.code]).toEqual([429, 'TOO_MANY_LOGIN_ATTEMPTS']);
            expect((await attempt(h.app, 'ann@example.com', 'ann@example.com-pw')).status).toBe(429);
          } finally {
            await second.ds.disconnect();
          }
        });
      }
    });

    describe('POST /Members/{id}/verify is for the user itself', () => {
      it('anonymous and another user: 401, no mail, the verification token untouched; the owner: 204', async () => {
        const Email = h.app.registry.getModel('Email');
        const ann = await signup(h.app, 'ann@example.com');
        await signup(h.app, 'bob@example.com');
        const bob = await login(h.app, 'bob@example.com');
        const sent = Email.sent.length;
        const anon = await request(h.app).post(`/api/Members/${ann.id}/verify`);
        expect([anon.status, anon.body.error.code]).toEqual([401, 'AUTHORIZATION_REQUIRED']);
        const other = await request(h.app).post(`/api/Members/${ann.id}/verify`).set(auth(bob));
        expect([other.status, other.body.error.code]).toEqual([401, 'AUTHORIZATION_REQUIRED']);
        expect(Email.sent.length).toBe(sent);
        expect((await h.Member.findById(ann.id)).verificationToken ?? null).toBeNull();
        const own = await request(h.app)
          .post(`/api/Members/${ann.id}/verify`)
          .set(auth(await login(h.app, 'ann@example.com')));
        expect(own.status).toBe(204);
        expect(Email.sent.length).toBe(sent + 1);
        expect(Email.sent[sent].to).toBe('ann@example.com');
        expect((await h.Member.findById(ann.id)).verificationToken).toMatch(/^[A-Za-z0-9]{64}$/);
      });
    });

    describe('validation errors never show hidden values', () => {
      it('a duplicate hidden unique value: 422 uniqueness, its value in neither message nor details', async () => {
        expect(
          (await request(h.app).post('/api/Vaults').send({ label: 'a', secret: 'top-secret-42' })).status,
        ).toBe(200);
        const dup = await request(h.app).post('/api/Vaults').send({ label: 'b', secret: 'top-secret-42' });
        expect([dup.status, dup.body.error.code]).toEqual([422, 'VALIDATION_FAILED']);
        expect(dup.body.error.details.codes).toEqual({ secret: ['uniqueness'] });
        expect(dup.text).not.toContain('top-secret-42');
        expect(dup.body.error.message).toContain('`secret` is not unique');
        expect(await h.Vault.count()).toBe(1);
      });

      it('a mistyped hidden value on create and on update: 422 type, the value not echoed', async () => {
        const made = await request(h.app).post('/api/Vaults').send({ label: 'a', pin: 'pin-7781-secret' });
        expect([made.status, made.body.error.details.codes]).toEqual([422, { pin: ['type'] }]);
        expect(made.text).not.toContain('pin-7781-secret');
        const v = await h.Vault.create({ label: 'b', pin: 1234 });
        const upd = await request(h.app).patch(`/api/Vaults/${v.id}`).send({ pin: 'pin-7781-secret' });
        expect([upd.status, upd.body.error.details.codes]).toEqual([422, { pin: ['type'] }]);
        expect(upd.text).not.toContain('pin-7781-secret');
        const all = await request(h.app)
          .post(`/api/Vaults/update?where=${encodeURIComponent(JSON.stringify({ id: v.id }))}`)
          .send({ pin: 'pin-7781-secret' });
        expect(all.status).toBe(422);
        expect(all.text).not.toContain('pin-7781-secret');
        expect((await h.Vault.findById(v.id)).pin).toBe(1234);
      });
    });
  });
}

describe('the LB3 switches, on memory', () => {
  it('logoutSessionsOnSensitiveChanges: false (app setting, LB3 2.x) keeps the other sessions', async () => {
    const h = await userApp(STORES[0], { app: { logoutSessionsOnSensitiveChanges: false } });
    const ann = await signup(h.app, 'ann@example.com');
    const current = await login(h.app, 'ann@example.com');
    await login(h.app, 'ann@example.com');
    expect(
      (
        await request(h.app)
          .patch(`/api/Members/${ann.id}`)
          .set(auth(current))
          .send({ email: 'ann2@example.com' })
      ).status,
    ).toBe(200);
    expect(await h.AccessToken.count({ userId: ann.id })).toBe(2);
    // Deleting the user still deletes them: a deleted user has no session to keep.
    await h.Member.destroyById(ann.id);
    expect(await h.AccessToken.count({ userId: ann.id })).toBe(0);
  });

  it('maxArrayCreate: false on the user model lifts the bound (LB3 had none); other models have none', async () => {
    const h = await userApp(STORES[0], { member: { maxArrayCreate: false } });
    const many = Array.from({ length: 12 }, (_, i) => ({ email: `m${i}@example.com`, password: 'pw' }));
    expect((await request(h.app).post('/api/Members').send(many)).status).toBe(200);
    expect(await h.Member.count()).toBe(12);
    expect(
      (
        await request(h.app)
          .post('/api/Vaults')
          .send(many.map((_, i) => ({ label: `v${i}` })))
      ).status,
    ).toBe(200);
    expect(await h.Vault.count()).toBe(12);
  });

  it('loginThrottle: per address (maxAttempts 5) locks a fresh account from the same address; lockouts end', async () => {
    const h = await userApp(STORES[0], {
      app: {
        loginThrottle: {
          account: { maxAttempts: 3, window: 60, lockout: 1 },
          address: { maxAttempts: 5, lockout: 1 },
        },
      },
    });
    await signup(h.app, 'ann@example.com');
    const attempt = (email: string, password = 'x') =>
      request(h.app).post('/api/Members/login').send({ email, password });
    expect([
      (await attempt('ann@example.com')).status,
      (await attempt('ann@example.com')).status,
      (await attempt('ann@example.com')).status,
    ]).toEqual([401, 401, 401]);
    const locked = await attempt('ann@example.com', 'ann@example.com-pw');
    expect([locked.status, locked.headers['retry-after']]).toEqual([429, '1']);
    for (const who of ['a', 'b']) expect((await attempt(`${who}@example.com`)).status).toBe(401);
    // Five failures from this address: a sixth account is refused too.
    expect((await attempt('fresh@example.com')).status).toBe(429);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await attempt('ann@example.com', 'ann@example.com-pw')).status).toBe(200);
  });

  it('loginThrottle: false turns it off: 15 wrong passwords all get 401; a bad setting fails at boot', async () => {
    const h = await userApp(STORES[0], { app: { loginThrottle: false } });
    await signup(h.app, 'ann@example.com');
    for (let i = 0; i < 15; i++)
      expect(
        (await request(h.app).post('/api/Members/login').send({ email: 'ann@example.com', password: 'x' }))
          .status,
      ).toBe(401);
    expect(h.ds.models.LoginAttempt).toBeUndefined();
    await expect(
      userApp(STORES[0], { app: { loginThrottle: { account: { maxAttempts: -1 } } } }),
    ).rejects.toMatchObject({ code: 'CONFIGURATION_ERROR' });
  });

  it("an app's ACL reopening verify to $everyone gives LB3's anonymous verify back", async () => {
    const everyone = {
      principalType: 'ROLE',
      principalId: '$everyone',
      permission: 'ALLOW',
      property: 'verify',
    };
    const h = await userApp(STORES[0], { member: { acls: [everyone] } });
    const ann = await signup(h.app, 'ann@example.com');
    expect((await request(h.app).post(`/api/Members/${ann.id}/verify`)).status).toBe(204);
  });
});

describe('the signup bound on relation creates', () => {
  it('POST /Teams/{id}/members with 11 users: 413 BATCH_TOO_LARGE, none stored; 10 are made', async () => {
    const { app, models } = authApp((reg) => [
      reg.createModel({
        name: 'Team',
        properties: { name: 'string' },
        relations: { members: { type: 'hasMany', model: 'Player', foreignKey: 'teamId' } },
      }),
      reg.createModel({
        name: 'Player',
        base: 'User',
        saltWorkFactor: 4,
        properties: { teamId: 'number' },
        acls: [{ principalType: 'ROLE', principalId: '$everyone', permission: 'ALLOW' }],
      }),
    ]);
    const [Team, Player] = models;
    const team = await Team.create({ name: 'reds' });
    const players = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ email: `p${i}@example.com`, password: 'pw' }));
    const eleven = await request(app).post(`/api/Teams/${team.id}/members`).send(players(11));
    expect([eleven.status, eleven.body.error.code]).toEqual([413, 'BATCH_TOO_LARGE']);
    expect(await Player.count()).toBe(0);
    const ten = await request(app).post(`/api/Teams/${team.id}/members`).send(players(10));
    expect(ten.status).toBe(200);
    expect(await Player.count({ teamId: team.id })).toBe(10);
  });
});
