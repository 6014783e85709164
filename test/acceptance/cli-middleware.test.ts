import request from 'supertest';
import fs from 'fs';
import path from 'path';
import { loopback } from '../../src/loopback/app/loopback';
import { boot } from '../../src/boot';
import { runCli } from '../support/run-cli';
import { scratchApp, ScratchApp } from '../support/cli-app';

/** `loopline middleware`: an entry in a phase of server/middleware.json, the phase checked against loopline's phases. */
jest.setTimeout(60000); // boots and file writes on a loaded machine

let app: ScratchApp;
beforeEach(async () => {
  app = await scratchApp();
});
afterEach(() => app.remove());

describe('loopline middleware', () => {
  it('adds a middleware with params and paths that boot mounts in its phase', async () => {
    fs.mkdirSync(path.join(app.dir, 'server/middleware'));
    fs.writeFileSync(
      path.join(app.dir, 'server/middleware/stamp.js'),
      "module.exports = (value) => (req, res, next) => { res.set('x-stamp', value); next(); };\n",
    );
    const res = await runCli(
      app.dir,
      'middleware',
      '--phase',
      'routes:before',
      '--name',
      './middleware/stamp',
      '--params',
      '"hello"',
      '--paths',
      '/api',
    );
    expect([res.code, res.err, res.out]).toEqual([
      0,
      '',
      'Added ./middleware/stamp to phase routes:before of server/middleware.json.\n',
    ]);
    expect(app.json('server/middleware.json')['routes:before']).toEqual({
      './middleware/stamp': { params: 'hello', paths: ['/api'] },
    });
    const server = loopback();
    await boot(server, { appRootDir: path.join(app.dir, 'server') });
    expect((await request(server).get('/api/Users/count')).headers['x-stamp']).toBe('hello');
    expect((await request(server).get('/')).headers['x-stamp']).toBeUndefined();
  });

  it.each([
    [['--phase', 'rotues', '--name', 'morgan'], 'CLI_INVALID_VALUE', 'did you mean routes?'],
    [['--phase', 'routes:during', '--name', 'morgan'], 'CLI_INVALID_VALUE', 'is not a middleware phase'],
    [
      ['--phase', 'routes', '--name', 'morgan', '--params', '{dev}'],
      'CLI_INVALID_VALUE',
      '--params is not JSON',
    ],
    [
      ['--phase', 'auth', '--name', 'loopback#token'],
      'CLI_ALREADY_EXISTS',
      'already has loopback#token in phase auth',
    ],
    [['--name', 'morgan'], 'CLI_USAGE', 'needs --phase'],
  ])('%j fails with %s and changes nothing', async (argv, code, message) => {
    const before = app.read('server/middleware.json');
    const res = await runCli(app.dir, 'middleware', ...argv);
    expect([res.err.includes(message), res.err.includes(`[${code}]`)]).toEqual([true, true]);
    expect(app.read('server/middleware.json')).toBe(before);
  });
});
