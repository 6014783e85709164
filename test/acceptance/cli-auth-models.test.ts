import { main } from '../../src/cli';
import { runCli } from '../support/run-cli';
import { scratchApp, ScratchApp } from '../support/cli-app';
import { scriptedPrompter } from '../support/scripted-prompter';

/**
 * A model based on User put on another data source than the built-ins it needs (AccessToken, ACL,
 * RoleMapping, Role): they are offered the same data source, so logins do not stay in memory and
 * vanish on restart. In a script they move (and the output says so); at a terminal the question
 * defaults to yes; --builtins-datasource names another, --no-builtins-datasource leaves them.
 */
jest.setTimeout(60000); // boots and file writes on a loaded machine

let app: ScratchApp;
const config = () => app.json('server/model-config.json');
const builtins = () => ['AccessToken', 'ACL', 'RoleMapping', 'Role'].map((m) => config()[m].dataSource);

beforeEach(async () => {
  app = await scratchApp();
  expect(
    (await runCli(app.dir, 'datasource', '--name', 'pg', '--connector', 'postgresql', '--database', 'shop'))
      .code,
  ).toBe(0);
});
afterEach(() => app.remove());

describe('a User-based model on another data source', () => {
  it('moves the built-ins to it in a script, and says so', async () => {
    const res = await runCli(app.dir, 'model', 'Account', '--base', 'User', '--datasource', 'pg');
    expect([res.code, res.err]).toEqual([0, '']);
    expect(res.out).toContain(
      'AccessToken, ACL, RoleMapping, Role now use data source "pg" too (they were on "db"), so Account\'s access tokens and roles are kept with it; --no-builtins-datasource leaves them where they were.',
    );
    expect(builtins()).toEqual(['pg', 'pg', 'pg', 'pg']);
    expect(config().AccessToken).toEqual({ dataSource: 'pg', public: false });
  });

  it('follows a base that extends User, and --no-builtins-datasource leaves them', async () => {
    expect((await runCli(app.dir, 'model', 'Person', '--base', 'User', '--datasource', 'db')).code).toBe(0);
    expect(builtins()).toEqual(['db', 'db', 'db', 'db']);
    const left = await runCli(
      app.dir,
      'model',
      'Staff',
      '--base',
      'Person',
      '--datasource',
      'pg',
      '--no-builtins-datasource',
    );
    expect([left.code, left.out.includes('now use')]).toEqual([0, false]);
    expect(builtins()).toEqual(['db', 'db', 'db', 'db']);
    expect((await runCli(app.dir, 'model', 'Manager', '--base', 'Person', '--datasource', 'pg')).code).toBe(
      0,
    );
    expect(builtins()).toEqual(['pg', 'pg', 'pg', 'pg']);
  });

  it('--builtins-datasource names the data source, which must exist', async () => {
    expect(
      (await runCli(app.dir, 'datasource', '--name', 'auth', '--connector', 'memory', '--file', 'auth.json'))
        .code,
    ).toBe(0);
    expect(
      (
        await runCli(
          app.dir,
          'model',
          'Account',
          '--base',
          'User',
          '--datasource',
          'pg',
          '--builtins-datasource',
          'auth',
        )
      ).code,
    ).toBe(0);
    expect(builtins()).toEqual(['auth', 'auth', 'auth', 'auth']);
    const bad = await runCli(
      app.dir,
      'model',
      'Other',
      '--base',
      'User',
      '--datasource',
      'pg',
      '--builtins-datasource',
      'nope',
    );
    expect(bad.err).toContain('[CLI_UNKNOWN_DATASOURCE]');
  });

  it('asks at a terminal; "no" leaves them', async () => {
    const prompter = scriptedPrompter([false]);
    expect(
      await main(
        ['model', 'Account', '--base', 'User', '--datasource', 'pg', '--public', '--property', 'nick:string'],
        { cwd: app.dir, interactive: true, prompter, log: () => undefined },
      ),
    ).toBe(0);
    expect(prompter.asked).toEqual([
      'Account (based on User) is on "pg", but AccessToken, ACL, RoleMapping, Role are on "db": its logins and roles would be kept there. Put them on "pg" too?',
    ]);
    expect(builtins()).toEqual(['db', 'db', 'db', 'db']);
  });

  it('leaves them alone for a model not based on User', async () => {
    expect((await runCli(app.dir, 'model', 'Order', '--datasource', 'pg')).out).not.toContain('now use');
    expect(builtins()).toEqual(['db', 'db', 'db', 'db']);
  });
});
