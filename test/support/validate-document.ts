import { execFileSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { REPO_ROOT } from './example-app';

/** Runs the official-schema validator (an ES module) on an OpenAPI or Swagger document, in a child process. */
export function validateDocument(doc: unknown): { valid: boolean; version: string; errors: unknown } {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'loopline-oas-')), 'doc.json');
  fs.writeFileSync(file, JSON.stringify(doc));
  const out = execFileSync(
    process.execPath,
    [path.join(REPO_ROOT, 'test/support/validate-openapi.mjs'), file],
    { encoding: 'utf8' },
  );
  return JSON.parse(out);
}
