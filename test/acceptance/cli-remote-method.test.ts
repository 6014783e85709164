import fs from 'fs';
import path from 'path';
import request from 'supertest';
import { loopback } from '../../src/loopback/app/loopback';
import { boot } from '../../src/boot';
import { runCli } from '../support/run-cli';
import { scratchApp, ScratchApp } from '../support/cli-app';

/**
 * `loopline remote-method`: the JSON `methods` entry LB3 boot turns into a remote method, and a
 * stub in the model's script; once the stub has a body, the method answers over REST.
 */
jest.setTimeout(60000); // boots and file writes on a loaded machine

let app: ScratchApp;
beforeEach(async () => {
  app = await scratchApp();
  expect((await runCli(app.dir, 'model', 'Customer', '--property', 'name:string')).code).toBe(0);
});
afterEach(() => app.remove());

async function booted(dir: string): Promise<any> {
  const server = loopback();
  await boot(server, { appRootDir: path.join(dir, 'server') });
  return server;
}

describe('loopline remote-method', () => {
  it('declares the method in the JSON and writes a stub that answers 501 until it is implemented', async () => {
    const res = await runCli(
      app.dir,
      'remote-method',
      '--model',
      'Customer',
      'greet',
      '--accepts',
      'name:string',
      '--returns',
      'greeting:string',
      '--description',
      'Says hello',
    );
    expect([res.code, res.err]).toEqual([0, '']);
    expect(app.json('common/models/customer.json').methods).toEqual({
      greet: {
        description: 'Says hello',
        accepts: [{ arg: 'name', type: 'string' }],
        returns: { arg: 'greeting', type: 'string' },
        http: { verb: 'get', path: '/greet' },
      },
    });
    const script = app.read('common/models/customer.js');
    expect(script).toContain('Customer.greet = async function (name) {');

    const stubbed = await request(await booted(app.dir)).get('/api/Customers/greet?name=Ann');
    expect(stubbed.status).toBe(501); // the message stays on the server: 5xx bodies hide it outside debug mode

    jest.resetModules(); // boot requires the script again, as a restarted app would
    fs.writeFileSync(
      path.join(app.dir, 'common/models/customer.js'),
      script.replace(/const err[\s\S]*?throw err;/, 'return `Hello, ${name}!`;'),
    );
    const answered = await request(await booted(app.dir)).get('/api/Customers/greet?name=Ann');
    expect([answered.status, answered.body]).toEqual([200, { greeting: 'Hello, Ann!' }]);
  });

  it('takes the verb and path, and adds a second stub inside the same function', async () => {
    expect((await runCli(app.dir, 'remote-method', '--model', 'Customer', 'greet')).code).toBe(0);
    expect(
      (
        await runCli(
          app.dir,
          'remote-method',
          '--model',
          'Customer',
          'close',
          '--http-verb',
          'POST',
          '--path',
          '/:id/close',
          '--accepts',
          'id:number',
        )
      ).code,
    ).toBe(0);
    expect(app.json('common/models/customer.json').methods.close).toEqual({
      accepts: [{ arg: 'id', type: 'number' }],
      returns: [],
      http: { verb: 'post', path: '/:id/close' },
    });
    const closed = await request(await booted(app.dir)).post('/api/Customers/7/close');
    expect(closed.status).toBe(501);
  });

  it.each([
    [
      ['--model', 'Customer', 'greet', '--http-verb', 'fetch'],
      'CLI_INVALID_VALUE',
      '"fetch" is not one of get, post',
    ],
    [
      ['--model', 'Customer', 'greet', '--accepts', 'name:strng'],
      'CLI_INVALID_VALUE',
      'did you mean string?',
    ],
    [['--model', 'Customer', 'greet', '--path', 'greet'], 'CLI_INVALID_VALUE', 'must start with /'],
    [['--model', 'Customer', 'my-method'], 'CLI_INVALID_VALUE', 'cannot name a method'],
    [['--model', 'Nope', 'greet'], 'CLI_UNKNOWN_MODEL', 'no model "Nope"'],
    [['greet'], 'CLI_USAGE', 'needs --model'],
  ])('%j fails with %s and changes nothing', async (argv, code, message) => {
    const before = [app.read('common/models/customer.json'), app.read('common/models/customer.js')];
    const res = await runCli(app.dir, 'remote-method', ...argv);
    expect([res.err.includes(message), res.err.includes(`[${code}]`)]).toEqual([true, true]);
    expect([app.read('common/models/customer.json'), app.read('common/models/customer.js')]).toEqual(before);
  });

  it('refuses a method the model declares already', async () => {
    expect((await runCli(app.dir, 'remote-method', '--model', 'Customer', 'greet')).code).toBe(0);
    const again = await runCli(app.dir, 'remote-method', '--model', 'Customer', 'greet');
    expect([again.code, again.err]).toEqual([1, expect.stringContaining('[CLI_ALREADY_EXISTS]')]);
  });
});
