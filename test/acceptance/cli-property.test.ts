import { runCli } from '../support/run-cli';
import { scratchApp, ScratchApp } from '../support/cli-app';

/** `loopline property --model M name:type[:required]`: adds a property, or replaces one of the same name. */
let app: ScratchApp;
beforeEach(async () => {
  app = await scratchApp();
  expect((await runCli(app.dir, 'model', 'Customer', '--property', 'name:string')).code).toBe(0);
});
afterEach(() => app.remove());

describe('loopline property', () => {
  it('adds a property and replaces one of the same name, keeping the others', async () => {
    const added = await runCli(app.dir, 'property', '--model', 'Customer', 'email:string:required');
    expect([added.code, added.err, added.out]).toEqual([
      0,
      '',
      'Added Customer.email ({"type":"string","required":true}) in common/models/customer.json.\n',
    ]);
    expect((await runCli(app.dir, 'property', '--model', 'Customer', 'tags:[string]')).code).toBe(0);
    const replaced = await runCli(app.dir, 'property', '--model', 'Customer', 'name:string:required');
    expect(replaced.out).toMatch(/^Replaced Customer\.name/);
    expect(app.json('common/models/customer.json').properties).toEqual({
      name: { type: 'string', required: true },
      email: { type: 'string', required: true },
      tags: { type: ['string'] },
    });
  });

  it.each([
    [['--model', 'Customer', 'age:text'], 'CLI_INVALID_VALUE', '"text" is not a property type'],
    [['--model', 'Customer', 'age:numbr'], 'CLI_INVALID_VALUE', 'did you mean number?'],
    [['--model', 'Customer', '1age:number'], 'CLI_INVALID_VALUE', 'is not name:type[:required]'],
    [['--model', 'Nope', 'age:number'], 'CLI_UNKNOWN_MODEL', 'no model "Nope"'],
    [['age:number'], 'CLI_USAGE', 'needs --model'],
  ])('%j fails with %s and changes nothing', async (argv, code, message) => {
    const before = app.read('common/models/customer.json');
    const res = await runCli(app.dir, 'property', ...argv);
    expect([res.err.includes(message), res.err.includes(`[${code}]`)]).toEqual([true, true]);
    expect(app.read('common/models/customer.json')).toBe(before);
  });
});
