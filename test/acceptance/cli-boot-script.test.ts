import fs from 'fs';
import path from 'path';
import { loopback } from '../../src/loopback/app/loopback';
import { boot } from '../../src/boot';
import { runCli } from '../support/run-cli';
import { scratchApp, ScratchApp } from '../support/cli-app';

/** `loopline boot-script <name>`: server/boot/<name>.js, which boot runs (and awaits) before the app listens. */
jest.setTimeout(60000); // boots and file writes on a loaded machine

let app: ScratchApp;
beforeEach(async () => {
  app = await scratchApp();
});
afterEach(() => app.remove());

describe('loopline boot-script', () => {
  it('writes a script boot runs and waits for', async () => {
    const res = await runCli(app.dir, 'boot-script', 'seed');
    expect([res.code, res.err, res.out]).toEqual([0, '', 'Created server/boot/seed.js.\n']);
    const file = path.join(app.dir, 'server/boot/seed.js');
    expect(fs.readFileSync(file, 'utf8')).toContain('module.exports = async function seed(app) {');
    fs.writeFileSync(
      file,
      fs
        .readFileSync(file, 'utf8')
        .replace('// e.g. ', '')
        .replace(
          "app.models.Note.findOrCreate({ where: { title: 'Welcome' } }, { title: 'Welcome' })",
          "new Promise((r) => setTimeout(r, 20)); app.set('seeded', true)",
        ),
    );
    const server = loopback();
    await boot(server, { appRootDir: path.join(app.dir, 'server') });
    expect(server.get('seeded')).toBe(true);
  });

  it('refuses a name taken or not a file name', async () => {
    expect((await runCli(app.dir, 'boot-script', 'seed')).code).toBe(0);
    expect((await runCli(app.dir, 'boot-script', 'seed')).err).toContain(
      'server/boot/seed.js exists already; edit it, or pick another name. [CLI_ALREADY_EXISTS]',
    );
    expect((await runCli(app.dir, 'boot-script', 'seed.js')).err).toContain('[CLI_INVALID_VALUE]');
    expect((await runCli(app.dir, 'boot-script', '../escape')).err).toContain('[CLI_INVALID_VALUE]');
    expect((await runCli(app.dir, 'boot-script')).err).toContain('[CLI_USAGE]');
    expect(fs.readdirSync(path.join(app.dir, 'server/boot')).sort()).toEqual([
      'authentication.js',
      'root.js',
      'seed.js',
    ]);
  });
});
