import fs from 'fs';
import os from 'os';
import path from 'path';
import ts from 'typescript';
import { REPO_ROOT } from '../../support/example-app';
import { runCli } from '../../support/run-cli';

/**
 * `loopline types` end to end: scaffold an app, add models and a relation with the CLI, generate
 * the declarations, then type-check (with the TypeScript compiler, strict) one file that must
 * compile and one whose every marked line must be an error.
 */
jest.setTimeout(120000);

const GOOD = `import type { LooplineApp } from 'loopline';
import './server/models';

export async function use(app: LooplineApp): Promise<string[]> {
  const list = await app.models.Customer.find({ where: { email: { like: '%@example.com' }, age: { gte: 18 }, vip: true }, include: 'orders' });
  const one = await app.models.Customer.findOne({ include: { relation: 'orders', scope: { where: { total: { between: [1, 10] } } } } });
  const order = await app.models.Order.create({ total: 3 });
  const total: number | undefined = order.total;
  const age: number | undefined = one?.age;
  // Inherited from the built-in User model (the new app's model-config.json names User).
  const user = await app.models.User.findOne({ where: { email: 'ann@example.com', emailVerified: true, realm: 'staff' } });
  const username: string | undefined = user?.username;
  void [total, age, username];
  return list.map((c) => c.email);
}
`;

const BAD = `import type { LooplineApp } from 'loopline';
import './server/models';

export async function misuse(app: LooplineApp): Promise<void> {
  await app.models.Customer.find({ include: 'nope' }); // ERROR: not a relation
  await app.models.Customer.find({ where: { email: 5 } }); // ERROR: email is a string
  await app.models.Customer.find({ where: { age: { like: 'x' } } }); // ERROR: like is for strings
  await app.models.Customer.find({ where: { colour: 'red' } }); // ERROR: no such property
  const c = await app.models.Customer.findById(1);
  const n: number | undefined = c?.email; // ERROR: email is a string
  void n;
  await app.models.User.find({ where: { emailVerified: 'yes' } }); // ERROR: emailVerified is a boolean
  await app.models.User.find({ include: 'orders' }); // ERROR: User's relation is accessTokens
}
`;

describe('loopline types, type-checked', () => {
  it('accepts the right uses of the generated model types and rejects each wrong one', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'loopline-typed-'));
    try {
      const dir = path.join(tmp, 'typed');
      const steps = [
        ['new', 'typed', '--skip-install'],
        [
          'model',
          'Customer',
          '--property',
          'email:string:required',
          '--property',
          'age:number',
          '--property',
          'vip:boolean',
        ],
        ['model', 'Order', '--property', 'total:number'],
        ['relation', '--model', 'Customer', '--type', 'hasMany', '--target', 'Order'],
        ['types'],
      ];
      for (const [i, argv] of steps.entries()) {
        const res = await runCli(i === 0 ? tmp : dir, ...argv);
        expect([argv[0], res.code, res.err]).toEqual([argv[0], 0, '']);
      }
      fs.writeFileSync(path.join(dir, 'good.ts'), GOOD);
      fs.writeFileSync(path.join(dir, 'bad.ts'), BAD);
      const program = ts.createProgram([path.join(dir, 'good.ts'), path.join(dir, 'bad.ts')], {
        strict: true,
        noEmit: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.CommonJS,
        moduleResolution: ts.ModuleResolutionKind.Node10,
        esModuleInterop: true,
        skipLibCheck: true,
        types: ['node'],
        typeRoots: [path.join(REPO_ROOT, 'node_modules/@types')],
        baseUrl: REPO_ROOT,
        paths: { loopline: ['src/index.ts'] },
      });
      const errorLines = (file: string) =>
        ts
          .getPreEmitDiagnostics(program, program.getSourceFile(path.join(dir, file)))
          .map((d) =>
            d.file
              ? d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1
              : ts.flattenDiagnosticMessageText(d.messageText, '\n'),
          );
      expect(errorLines('good.ts')).toEqual([]);
      const expected = BAD.split('\n').flatMap((line, i) => (line.includes('// ERROR') ? [i + 1] : []));
      expect([...new Set(errorLines('bad.ts'))]).toEqual(expected);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
