import { runCli } from '../support/run-cli';
import { scratchApp, ScratchApp } from '../support/cli-app';

/**
 * `loopline acl`: refuses a duplicate, an unknown built-in role, a USER/APP principal without an
 * id, and a method or property the model does not have; `--remove` takes an entry out.
 */
jest.setTimeout(60000); // boots and file writes on a loaded machine

let app: ScratchApp;
const acls = () => app.json('common/models/order.json').acls;
const base = ['--model', 'Order', '--principalType', 'ROLE'];

beforeEach(async () => {
  app = await scratchApp();
  expect((await runCli(app.dir, 'model', 'Order', '--property', 'total:number')).code).toBe(0);
  expect((await runCli(app.dir, 'model', 'Customer')).code).toBe(0);
  expect(
    (await runCli(app.dir, 'relation', '--model', 'Order', '--type', 'belongsTo', '--target', 'Customer'))
      .code,
  ).toBe(0);
  expect(
    (await runCli(app.dir, 'remote-method', '--model', 'Order', 'cancel', '--http-verb', 'post')).code,
  ).toBe(0);
});
afterEach(() => app.remove());

describe('loopline acl', () => {
  it('accepts CRUD names, LB3 aliases, relation methods, declared methods, properties and role names', async () => {
    for (const property of [
      'find',
      'upsert',
      'deleteById',
      'updateAttributes',
      '__get__customer',
      'cancel',
      'total',
    ]) {
      const res = await runCli(
        app.dir,
        'acl',
        ...base,
        '--principalId',
        '$authenticated',
        '--permission',
        'ALLOW',
        '--property',
        property,
      );
      expect([property, res.code, res.err]).toEqual([property, 0, '']);
    }
    expect(
      (await runCli(app.dir, 'acl', ...base, '--principalId', 'admin', '--permission', 'ALLOW')).code,
    ).toBe(0);
    expect(
      (
        await runCli(
          app.dir,
          'acl',
          '--model',
          'Order',
          '--principalType',
          'USER',
          '--principalId',
          '42',
          '--permission',
          'DENY',
        )
      ).code,
    ).toBe(0);
    expect(acls()).toHaveLength(9);
  });

  it('knows a User-based model’s methods and a remoteMethod call in its script', async () => {
    expect(
      (await runCli(app.dir, 'model', 'Account', '--base', 'User', '--no-builtins-datasource')).code,
    ).toBe(0);
    require('fs').appendFileSync(
      require('path').join(app.dir, 'common/models/account.js'),
      "\nmodule.exports.extra = (Account) => Account.remoteMethod('stats', {});\n",
    );
    for (const property of ['login', 'resetPassword', 'stats'])
      expect(
        (
          await runCli(
            app.dir,
            'acl',
            '--model',
            'Account',
            '--principalType',
            'ROLE',
            '--principalId',
            '$everyone',
            '--permission',
            'ALLOW',
            '--property',
            property,
          )
        ).err,
      ).toBe('');
  });

  it.each([
    [
      ['--principalId', '$ownr', '--permission', 'ALLOW'],
      'CLI_UNKNOWN_PRINCIPAL',
      '"$ownr" is not a built-in role ($everyone, $authenticated, $unauthenticated, $owner, $related); did you mean $owner?',
    ],
    [
      ['--model', 'Order', '--principalType', 'USER', '--principalId', '', '--permission', 'ALLOW'],
      'CLI_UNKNOWN_PRINCIPAL',
      "a USER principal needs the user's id",
    ],
    [
      ['--model', 'Order', '--principalType', 'APP', '--principalId', '$everyone', '--permission', 'ALLOW'],
      'CLI_UNKNOWN_PRINCIPAL',
      '"$everyone" is a role, not a APP id',
    ],
    [
      ['--principalId', '$everyone', '--permission', 'ALLOW', '--property', 'fnd'],
      'CLI_UNKNOWN_METHOD',
      'Order has no remote method or property "fnd"; did you mean find?',
    ],
    [
      ['--principalId', '$everyone', '--permission', 'ALLOW', '--property', 'login'],
      'CLI_UNKNOWN_METHOD',
      'no remote method or property "login"',
    ],
  ])('%j fails with %s and changes nothing', async (argv, code, message) => {
    const args = argv[0] === '--model' ? argv : [...base, ...argv];
    const res = await runCli(app.dir, 'acl', ...args);
    expect(res.err).toContain(message);
    expect([res.code, res.err.endsWith(`[${code}]\n`)]).toEqual([1, true]);
    expect(acls()).toEqual([]);
  });

  it('refuses a duplicate entry (the default accessType * and an explicit one are the same)', async () => {
    expect(
      (await runCli(app.dir, 'acl', ...base, '--principalId', '$everyone', '--permission', 'DENY')).code,
    ).toBe(0);
    const again = await runCli(
      app.dir,
      'acl',
      ...base,
      '--principalId',
      '$everyone',
      '--permission',
      'deny',
      '--accessType',
      '*',
    );
    expect([again.code, again.err]).toEqual([
      1,
      'loopline acl: Order already has the ACL entry DENY * * for ROLE $everyone. [CLI_ALREADY_EXISTS]\n',
    ]);
    expect(acls()).toHaveLength(1);
  });

  it('--remove takes out the matching entry, and says when none matches', async () => {
    expect(
      (await runCli(app.dir, 'acl', ...base, '--principalId', '$everyone', '--permission', 'DENY')).code,
    ).toBe(0);
    expect(
      (
        await runCli(
          app.dir,
          'acl',
          ...base,
          '--principalId',
          '$authenticated',
          '--permission',
          'ALLOW',
          '--accessType',
          'READ',
          '--property',
          'find',
        )
      ).code,
    ).toBe(0);
    const missing = await runCli(
      app.dir,
      'acl',
      '--remove',
      ...base,
      '--principalId',
      '$authenticated',
      '--permission',
      'ALLOW',
      '--property',
      'find',
    );
    expect([missing.code, missing.err]).toEqual([
      1,
      'loopline acl: Order has no ACL entry ALLOW * find for ROLE $authenticated; its entries: DENY * * for ROLE $everyone; ALLOW READ find for ROLE $authenticated. [CLI_NOT_FOUND]\n',
    ]);
    expect(acls()).toHaveLength(2);
    const removed = await runCli(
      app.dir,
      'acl',
      '--remove',
      ...base,
      '--principalId',
      '$everyone',
      '--permission',
      'DENY',
    );
    expect([removed.code, removed.out]).toEqual([
      0,
      'Removed from common/models/order.json: DENY * * for ROLE $everyone.\n',
    ]);
    expect(acls()).toEqual([
      {
        accessType: 'READ',
        principalType: 'ROLE',
        principalId: '$authenticated',
        permission: 'ALLOW',
        property: 'find',
      },
    ]);
  });
});
