import * as fs from 'fs';
import { BootError } from './errors';
import { rel } from './json-file';

let tsHookInstalled = false;

/**
 * Lets `require` load `.ts` model and boot scripts. When the process already has a TypeScript
 * loader (ts-node, @swc-node/register, tsx…) it is used as is; otherwise each file is transpiled
 * with the `typescript` package the app has installed.
 */
function ensureTsHook(file: string, appRootDir: string): void {
  if (tsHookInstalled || require.extensions['.ts']) return;
  let ts: typeof import('typescript');
  try {
    ts = require(require.resolve('typescript', { paths: [appRootDir, __dirname] }));
  } catch {
    throw new BootError(
      `${rel(file)}: loading a .ts script needs the "typescript" package (npm install --save-dev typescript) or a TypeScript loader`,
      'TS_LOADER_MISSING',
    );
  }
  require.extensions['.ts'] = (module: any, filename: string) => {
    const source = fs.readFileSync(filename, 'utf8');
    const out = ts.transpileModule(source, {
      fileName: filename,
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
        sourceMap: false,
      },
    });
    module._compile(out.outputText, filename);
  };
  tsHookInstalled = true;
}

/** Loads a script's export: `module.exports = fn`, or `export default fn`. */
export function loadScript(file: string, appRootDir: string): unknown {
  if (file.endsWith('.ts')) ensureTsHook(file, appRootDir);
  const mod = require(file);
  return mod && typeof mod === 'object' && 'default' in mod && Object.keys(mod).length <= 2
    ? mod.default
    : mod;
}
