import fs from 'fs';
import path from 'path';
import {
  ConfigurationError,
  ERROR_CODES,
  InvalidArgumentError,
  LooplineError,
  StoreUnavailableError,
  statusOf,
  type ErrorCode,
} from '../../../src/errors';
import { withBodyErrorCode } from '../../../src/errors/body-parser-errors';

/**
 * An error's status is its code's row in the README's error table: built from a code, an error
 * answers with that row's status. The few answers with another status are named in the row.
 */
const ROOT = path.resolve(__dirname, '..', '..', '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const ROWS = new Map(
  [...README.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \| (.+) \|$/gm)].map((m) => [
    m[1],
    { status: Number(m[2]), meaning: m[3] },
  ]),
);

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(full) : e.name.endsWith('.ts') ? [full] : [];
  });
}

describe('the error table', () => {
  it('has a README row for every code, and a code for every README row', () => {
    expect([...ROWS.keys()].sort()).toEqual(Object.keys(ERROR_CODES).sort());
  });

  it.each(Object.keys(ERROR_CODES) as ErrorCode[])('%s answers with the status of its README row', (code) => {
    const err = new LooplineError(code, 'a message');
    const readme = ROWS.get(code)?.status;
    expect([err.code, err.statusCode, err.status, statusOf(code)]).toEqual([code, readme, readme, readme]);
  });

  it('names in the README row every other status a code is raised with', () => {
    const others: Array<[string, number, string]> = [];
    for (const file of sourceFiles(path.join(ROOT, 'src'))) {
      const text = fs.readFileSync(file, 'utf8');
      for (const m of text.matchAll(/new LooplineError\(\s*'([A-Z_]+)'[^;]*?\)\.withStatus\((\d{3})\)/g))
        others.push([m[1], Number(m[2]), path.relative(ROOT, file)]);
    }
    expect(others.length).toBeGreaterThan(0);
    for (const [code, status, file] of others) {
      expect({ code, file, named: ROWS.get(code)?.meaning.includes(String(status)) }).toEqual({
        code,
        file,
        named: true,
      });
    }
  });

  it("keeps body-parser's 413 for a form with too many fields, as the MALFORMED_BODY row says", () => {
    const err = withBodyErrorCode(
      Object.assign(new Error('too many parameters'), { type: 'parameters.too.many' }),
    );
    expect(err).toMatchObject({ code: 'MALFORMED_BODY', statusCode: 413, status: 413 });
    expect(ROWS.get('MALFORMED_BODY')?.meaning).toContain('413');
  });

  it('withStatus answers with another status and keeps the code', () => {
    const err = new LooplineError('ACCESS_DENIED', 'Access Denied').withStatus(418);
    expect([err.code, err.statusCode, err.status]).toEqual(['ACCESS_DENIED', 418, 418]);
    expect(Object.keys(err)).toEqual(['code', 'statusCode']);
  });

  it('lets an error class carry only codes whose row has its status (the compiler checks)', () => {
    expect(new InvalidArgumentError('x', 'MISSING_ID').statusCode).toBe(400);
    expect(new ConfigurationError('x', 'MODEL_NOT_ATTACHED').statusCode).toBe(500);
    expect(new StoreUnavailableError('x', 'STORE_AUTH_FAILED').statusCode).toBe(503);
    // @ts-expect-error MODEL_NOT_ATTACHED's row says 500: it is no invalid argument (400).
    expect(new InvalidArgumentError('x', 'MODEL_NOT_ATTACHED').statusCode).toBe(500);
    // @ts-expect-error INVALID_FILTER's row says 400: it is no configuration error (500).
    expect(new ConfigurationError('x', 'INVALID_FILTER').statusCode).toBe(400);
    // @ts-expect-error a code that is not in the table.
    expect(() => new LooplineError('NO_SUCH_CODE', 'x')).toThrow(
      '"NO_SUCH_CODE" is not a code of the error table',
    );
  });
});
