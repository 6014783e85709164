import fs from 'fs';
import path from 'path';
import type { Json } from './schemas';

/**
 * The `info` of the explorer's documents, as loopback-component-explorer made it: the `apiInfo`
 * option (else the app's `apiInfo` setting) first, then the app's package.json (`name` as the
 * title, `version`, `description`). loopline looks for package.json from the app's folder (the
 * one boot was given) upwards, where LB3 read only the process's working folder.
 */

/** The first package.json at `dir` or above it, parsed; undefined when none or unreadable. */
export function findPackageJson(dir: string): Json | undefined {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    const file = path.join(d, 'package.json');
    if (fs.existsSync(file)) {
      try {
        const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
        return pkg && typeof pkg === 'object' ? pkg : undefined;
      } catch {
        return undefined;
      }
    }
    if (path.dirname(d) === d) return undefined;
  }
}

/** The keys OpenAPI's Info Object has (others would make the document invalid). */
const INFO_KEYS = new Set([
  'title',
  'summary',
  'description',
  'termsOfService',
  'contact',
  'license',
  'version',
]);

export function apiInfo(apiInfoSetting: unknown, appRootDir: string): Json {
  const info: Json = {};
  if (apiInfoSetting && typeof apiInfoSetting === 'object') {
    for (const [k, v] of Object.entries(apiInfoSetting as Json)) {
      // As loopback-swagger: a list of lines is one text.
      if (INFO_KEYS.has(k) || k.startsWith('x-')) info[k] = Array.isArray(v) ? v.join('\n') : v;
    }
  }
  const pkg = findPackageJson(appRootDir);
  if (info.title === undefined && typeof pkg?.name === 'string' && pkg.name) info.title = pkg.name;
  if (info.version === undefined && typeof pkg?.version === 'string' && pkg.version)
    info.version = pkg.version;
  if (info.description === undefined && typeof pkg?.description === 'string' && pkg.description)
    info.description = pkg.description;
  if (info.version !== undefined) info.version = String(info.version);
  return info;
}
