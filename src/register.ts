/**
 * `node -r loopline/register server` runs an LB3 app without touching its server/server.js:
 * `require('loopback')` and `require('loopback-boot')` resolve to loopline, from any file of the
 * app (boot scripts, model scripts, components). Only the exact names are aliased; deep paths
 * such as `loopback/lib/...` still resolve normally.
 */
import Module from 'module';
import * as path from 'path';

const ALIASES: Record<string, string> = {
  loopback: path.join(__dirname, 'index.js'),
  'loopback-boot': path.join(__dirname, 'boot', 'index.js'),
};

// Opt-in (LOOPLINE_PASSPORT=loopline): an LB3 app's `require('loopback-component-passport')` gets
// loopline/passport, the same API with PKCE, state without a session and OpenID Connect discovery.
// Off by default, so the LB3 package itself keeps running where the app installed it.
if (process.env.LOOPLINE_PASSPORT === 'loopline')
  ALIASES['loopback-component-passport'] = path.join(__dirname, 'components', 'passport', 'index.js');

type Resolve = (request: string, parent: unknown, isMain: boolean, options?: unknown) => string;
const moduleInternals = Module as unknown as { _resolveFilename: Resolve & { __loopline?: true } };

if (!moduleInternals._resolveFilename.__loopline) {
  const original = moduleInternals._resolveFilename;
  const resolve: Resolve & { __loopline?: true } = function (
    this: unknown,
    request,
    parent,
    isMain,
    options,
  ) {
    const alias = Object.prototype.hasOwnProperty.call(ALIASES, request) ? ALIASES[request] : undefined;
    return alias ?? original.call(this, request, parent, isMain, options);
  };
  resolve.__loopline = true;
  moduleInternals._resolveFilename = resolve;
}
