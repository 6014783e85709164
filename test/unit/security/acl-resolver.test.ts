import {
  matchingScore,
  normalizeRules,
  resolvePermission,
  AclRule,
} from '../../../src/loopback/security/acl-resolver';
import { generateTokenId, safeEqual } from '../../../src/loopback/security/token-id';
import {
  compareTrace,
  hashPassword,
  isHashed,
  verifyPassword,
} from '../../../src/loopback/security/password';

const req = (property: string, accessType = 'READ', aliases: string[] = []) => ({
  model: 'Note',
  property,
  methodNames: [property, ...aliases],
  accessType,
});
const role = (principalId: string, permission: string, extra: Partial<AclRule> = {}): AclRule => ({
  model: 'Note',
  property: '*',
  accessType: '*',
  principalType: 'ROLE',
  principalId,
  permission,
  ...extra,
});

describe('ACL resolution (LB3 order)', () => {
  const everyone = async (r: AclRule) => r.principalId === '$everyone' || r.principalId === '$authenticated';

  it('a rule naming the method beats a wildcard rule', async () => {
    const rules = [role('$everyone', 'DENY'), role('$everyone', 'ALLOW', { property: 'find' })];
    expect((await resolvePermission(rules, req('find'), everyone)).permission).toBe('ALLOW');
    expect((await resolvePermission(rules, req('findById'), everyone)).permission).toBe('DENY');
  });

  it('DENY wins over ALLOW at equal specificity, whatever the order', async () => {
    const a = [role('$everyone', 'ALLOW'), role('$everyone', 'DENY')];
    expect((await resolvePermission(a, req('find'), everyone)).permission).toBe('DENY');
    expect((await resolvePermission([...a].reverse(), req('find'), everyone)).permission).toBe('DENY');
  });

  it('accessType: exact beats wildcard; EXECUTE rules cover READ and WRITE; WRITE rules do not cover READ', async () => {
    expect(matchingScore(role('$everyone', 'ALLOW', { accessType: 'WRITE' }), req('find', 'READ'))).toBe(-1);
    expect(
      matchingScore(role('$everyone', 'ALLOW', { accessType: 'EXECUTE' }), req('find', 'READ')),
    ).toBeGreaterThan(0);
    const rules = [
      role('$everyone', 'DENY', { accessType: '*' }),
      role('$everyone', 'ALLOW', { accessType: 'READ' }),
    ];
    expect((await resolvePermission(rules, req('find', 'READ'), everyone)).permission).toBe('ALLOW');
    expect((await resolvePermission(rules, req('create', 'WRITE'), everyone)).permission).toBe('DENY');
  });

  it('principal specificity: USER > APP > ROLE; $owner > $authenticated > $everyone; a named role above $owner', () => {
    const r = req('find');
    const s = (rule: AclRule) => matchingScore(rule, r);
    expect(s({ ...role('x', 'ALLOW'), principalType: 'USER', principalId: '1' })).toBeGreaterThan(
      s({ ...role('x', 'ALLOW'), principalType: 'APP', principalId: 'a' }),
    );
    expect(s({ ...role('x', 'ALLOW'), principalType: 'APP', principalId: 'a' })).toBeGreaterThan(
      s(role('admin', 'ALLOW')),
    );
    expect(s(role('admin', 'ALLOW'))).toBeGreaterThan(s(role('$owner', 'ALLOW')));
    expect(s(role('$owner', 'ALLOW'))).toBeGreaterThan(s(role('$authenticated', 'ALLOW')));
    expect(s(role('$authenticated', 'ALLOW'))).toBeGreaterThan(s(role('$everyone', 'ALLOW')));
  });

  it('a rule matches a method by any of its aliases, and property arrays expand', async () => {
    const rules = normalizeRules(
      [
        { principalType: 'ROLE', principalId: '$everyone', permission: 'DENY' },
        {
          principalType: 'ROLE',
          principalId: '$everyone',
          permission: 'ALLOW',
          property: ['upsert', 'count'],
        },
      ],
      'Note',
    );
    expect(rules).toHaveLength(3);
    expect(
      (await resolvePermission(rules, req('patchOrCreate', 'WRITE', ['upsert']), everyone)).permission,
    ).toBe('ALLOW');
    expect((await resolvePermission(rules, req('count'), everyone)).permission).toBe('ALLOW');
    expect((await resolvePermission(rules, req('find'), everyone)).permission).toBe('DENY');
  });

  it('rules whose principal the request lacks are skipped; no rule → defaultPermission', async () => {
    const rules = [role('$owner', 'ALLOW'), role('$everyone', 'DENY', { property: 'find' })];
    const notOwner = async (r: AclRule) => r.principalId !== '$owner';
    expect((await resolvePermission(rules, req('findById'), notOwner)).permission).toBe('ALLOW'); // no matching principal → default
    expect((await resolvePermission(rules, req('findById'), notOwner, 'DENY')).permission).toBe('DENY');
    expect((await resolvePermission(rules, req('find'), notOwner)).permission).toBe('DENY');
  });
});

describe('token ids and comparison', () => {
  it('are 64 characters of base62, unique', () => {
    const ids = new Set(Array.from({ length: 200 }, () => generateTokenId()));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9]{64}$/);
  });

  it('safeEqual compares in constant time and refuses non-strings', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
    expect(safeEqual(undefined, undefined)).toBe(false);
  });
});

describe('password hashing', () => {
  it('hashes with bcrypt and verifies LB3-era $2a$ and $2b$ hashes', async () => {
    const hash = await hashPassword('s3cret', 4);
    expect(isHashed(hash)).toBe(true);
    expect(await verifyPassword('s3cret', hash)).toBe(true);
    expect(await verifyPassword('wrong', hash)).toBe(false);
    // Written by LB3 (bcryptjs $2a$) and by native bcrypt ($2b$) for the password "password".
    const lb3 = '$2a$04$' + hash.slice(7);
    expect(await verifyPassword('s3cret', lb3)).toBe(true);
    const b = '$2b$04$' + hash.slice(7);
    expect(await verifyPassword('s3cret', b)).toBe(true);
  });

  it('an unknown user (no hash) still runs one bcrypt comparison and fails', async () => {
    const before = compareTrace.compares;
    expect(await verifyPassword('anything', undefined)).toBe(false);
    expect(await verifyPassword(undefined, undefined)).toBe(false);
    expect(compareTrace.compares - before).toBe(2);
  });
});
