import request from 'supertest';
import { describeStore, STORES } from '../connectors/stores';
import { authApp } from '../support/auth-app';

/**
 * Includes are checked at every level the filter limits allow (issue 16, item 4): a chain of
 * readable rows (`Step.next`) must not reach a private row (`Vault`, owner-only) at any depth,
 * and a chain deeper than the limit is refused before anything runs. Over REST, on every store.
 */
const MAX_DEPTH = 12;

async function makeApp(settings: Record<string, unknown>, sql: boolean) {
  const { app } = authApp(
    (reg) => [
      reg.createModel({ name: 'Member', base: 'User', saltWorkFactor: 4 }),
      reg.createModel({
        name: 'Step',
        properties: { name: 'string', nextId: 'number', vaultId: 'number' },
        relations: {
          next: { type: 'belongsTo', model: 'Step', foreignKey: 'nextId' },
          vault: { type: 'belongsTo', model: 'Vault', foreignKey: 'vaultId' },
        },
        acls: [
          { principalType: 'ROLE', principalId: '$everyone', permission: 'DENY' },
          { principalType: 'ROLE', principalId: '$authenticated', permission: 'ALLOW', accessType: 'READ' },
        ],
      }),
      reg.createModel({
        name: 'Vault',
        properties: { code: 'string', memberId: 'number' },
        relations: { member: { type: 'belongsTo', model: 'Member', foreignKey: 'memberId' } },
        acls: [
          { principalType: 'ROLE', principalId: '$everyone', permission: 'DENY' },
          { principalType: 'ROLE', principalId: '$owner', permission: 'ALLOW', accessType: 'READ' },
        ],
      }),
    ],
    settings,
  );
  if (sql)
    await app.dataSources.db.automigrate([
      'Member',
      'Step',
      'Vault',
      'AccessToken',
      'ACL',
      'Role',
      'RoleMapping',
    ]);
  const { Member, Step, Vault } = app.models;
  const tokens: string[] = [];
  for (const name of ['ann', 'bob']) {
    await Member.create({ email: `${name}@example.com`, password: `${name}-secret` });
    tokens.push((await Member.login({ email: `${name}@example.com`, password: `${name}-secret` })).id);
  }
  await Vault.create({ code: 'bob-vault-code', memberId: 2 });
  // Steps 1 → 2 → … → 14, each pointing at bob's vault.
  for (let i = 1; i <= MAX_DEPTH + 2; i++)
    await Step.create({ name: `step ${i}`, nextId: i + 1, vaultId: 1 });
  return { app, ann: tokens[0], bob: tokens[1] };
}

/** `vault` at include level `level` (1 = top), under `level - 1` levels of `next`. */
function vaultAt(level: number): unknown {
  let include: unknown = 'vault';
  for (let i = 1; i < level; i++) include = { next: include };
  return include;
}

function nextChain(levels: number): unknown {
  let include: unknown = 'next';
  for (let i = 1; i < levels; i++) include = { next: include };
  return include;
}

const get = (app: any, token: string, include: unknown) =>
  request(app)
    .get('/api/Steps/1')
    .query({ filter: JSON.stringify({ include }) })
    .set('Authorization', token);

for (const store of STORES) {
  describeStore(store, () => {
    let h: Awaited<ReturnType<typeof makeApp>>;
    beforeAll(async () => {
      h = await makeApp(store.settings, store.name !== 'memory');
    }, 60000);
    afterAll(async () => {
      await h?.app.dataSources.db.disconnect?.();
    });

    it(`a chain of readable rows reaches no private row, at any level from 1 to ${MAX_DEPTH}`, async () => {
      for (let level = 1; level <= MAX_DEPTH; level++) {
        const res = await get(h.app, h.ann, vaultAt(level));
        expect([level, res.status, res.body.error?.code]).toEqual([level, 401, 'AUTHORIZATION_REQUIRED']);
        expect(res.text).not.toContain('bob-vault-code');
      }
    });

    it(`a chain of readable rows ${MAX_DEPTH} levels deep is answered`, async () => {
      const res = await get(h.app, h.ann, nextChain(MAX_DEPTH));
      expect(res.status).toBe(200);
      let step = res.body;
      for (let i = 0; i < MAX_DEPTH; i++) step = step.next;
      expect(step.name).toBe(`step ${MAX_DEPTH + 1}`);
    });

    it('an include deeper than the limit is 400 INVALID_FILTER, whatever it names', async () => {
      for (const include of [vaultAt(MAX_DEPTH + 1), nextChain(MAX_DEPTH + 1)]) {
        const res = await get(h.app, h.ann, include);
        expect([res.status, res.body.error?.code]).toEqual([400, 'INVALID_FILTER']);
        expect(res.text).not.toContain('bob-vault-code');
      }
    });

    it("an include is judged as the target's find: owner-only rows are read at their own endpoint", async () => {
      const include = await get(h.app, h.bob, 'vault');
      expect(include.status).toBe(401);
      const own = await request(h.app).get('/api/Vaults/1').set('Authorization', h.bob);
      expect([own.status, own.body.code]).toEqual([200, 'bob-vault-code']);
    });
  });
}
