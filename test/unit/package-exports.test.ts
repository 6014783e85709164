import fs from 'fs';
import os from 'os';
import path from 'path';
import ts from 'typescript';

/**
 * Every subpath the package exports (`loopline/boot`, `loopline/push` …) has its types under both
 * module resolutions an app's tsconfig may use: `exports` for node16/bundler, `typesVersions` for
 * the older `node` (node10), which ignores `exports` and would otherwise type the import as any.
 */
const ROOT = path.resolve(__dirname, '../..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const subpaths = Object.keys(pkg.exports).filter((key) => key !== '.' && key !== './package.json');

test('typesVersions maps each exported subpath to the types its exports entry names', () => {
  expect(subpaths.length).toBeGreaterThan(0);
  const mapped = pkg.typesVersions['*'];
  for (const key of subpaths)
    expect([key, mapped[key.slice(2)]]).toEqual([key, [pkg.exports[key].types.slice(2)]]);
  expect(Object.keys(mapped).sort()).toEqual(subpaths.map((key) => key.slice(2)).sort());
});

test.each(['node10', 'node16'] as const)(
  'a consumer with moduleResolution %s finds the types of every subpath',
  (resolution) => {
    for (const key of subpaths) expect(fs.existsSync(path.join(ROOT, pkg.exports[key].types))).toBe(true);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loopline-exports-'));
    try {
      fs.mkdirSync(path.join(dir, 'node_modules'));
      fs.symlinkSync(ROOT, path.join(dir, 'node_modules', 'loopline'), 'dir');
      const lines = subpaths.map(
        (key, i) =>
          `import * as m${i} from 'loopline/${key.slice(2)}';\nexport const k${i}: string[] = Object.keys(m${i});`,
      );
      // A wrong name on a typed module is an error; on an untyped (any) one it would pass unnoticed.
      lines.push(`import { boot } from 'loopline/boot';\nexport const b: typeof boot = boot;`);
      fs.writeFileSync(path.join(dir, 'index.ts'), lines.join('\n') + '\n');
      const program = ts.createProgram([path.join(dir, 'index.ts')], {
        module: resolution === 'node16' ? ts.ModuleKind.Node16 : ts.ModuleKind.CommonJS,
        moduleResolution:
          resolution === 'node16' ? ts.ModuleResolutionKind.Node16 : ts.ModuleResolutionKind.Node10,
        noImplicitAny: true,
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        esModuleInterop: true,
        types: ['node'],
        typeRoots: [path.join(ROOT, 'node_modules/@types')],
      });
      const messages = ts
        .getPreEmitDiagnostics(program)
        .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      expect(messages).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
  120000,
);
