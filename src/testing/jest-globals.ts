/**
 * The jest globals the suites use, looked up when a suite is defined rather than imported: jest is a
 * devDependency of the app that runs the suite, so `loopline/testing` names neither jest nor its
 * types, and `require('loopline')` never touches it. Only the matchers the suites use are typed.
 */
export interface Matchers<R> {
  toBe(expected: unknown): R;
  toEqual(expected: unknown): R;
  toMatchObject(expected: object): R;
  toBeInstanceOf(expected: abstract new (...args: never[]) => unknown): R;
  toMatch(expected: RegExp | string): R;
  toContain(expected: unknown): R;
  toHaveLength(expected: number): R;
  toBeGreaterThan(expected: number): R;
  toBeLessThan(expected: number): R;
  toBeNull(): R;
  toBeUndefined(): R;
}

export interface Expectation extends Matchers<void> {
  readonly not: Matchers<void>;
  readonly rejects: Matchers<Promise<void>>;
  readonly resolves: Matchers<Promise<void>>;
}

export type CaseBody = () => Promise<void> | void;

export interface CaseFunction {
  (title: string, fn: CaseBody, timeout?: number): void;
  skip(title: string, fn: CaseBody, timeout?: number): void;
}

export interface GroupFunction {
  (title: string, fn: () => void): void;
  skip(title: string, fn: () => void): void;
}

export interface JestGlobals {
  readonly describe: GroupFunction;
  readonly it: CaseFunction;
  readonly expect: (actual: unknown) => Expectation;
  readonly beforeAll: (fn: CaseBody, timeout?: number) => void;
  readonly afterAll: (fn: CaseBody, timeout?: number) => void;
  readonly beforeEach: (fn: CaseBody, timeout?: number) => void;
}

const NAMES = ['describe', 'it', 'expect', 'beforeAll', 'afterAll', 'beforeEach'] as const;

/** The globals of the jest run defining the suite; a clear error outside a jest test file. */
export function jestGlobals(): JestGlobals {
  const scope = globalThis as Partial<Record<(typeof NAMES)[number], unknown>>;
  const missing = NAMES.filter((name) => typeof scope[name] !== 'function');
  if (missing.length > 0)
    throw new Error(
      `loopline/testing defines jest suites: call it from a jest test file (${missing.join(', ')} not found as globals)`,
    );
  return scope as unknown as JestGlobals;
}

/** A case, or (when `skipped` gives a reason) the case listed as skipped with the reason in its title. */
export function caseUnless(
  it: CaseFunction,
  skipped: string | false | undefined,
  title: string,
  fn: CaseBody,
  timeout?: number,
): void {
  if (skipped) it.skip(`${title} [skipped: ${skipped}]`, fn);
  else it(title, fn, timeout);
}

/** `it` with a store's skips applied by title: a listed case is reported skipped, its reason in its title. */
export function skipByTitle(it: CaseFunction, skips: Readonly<Record<string, string>>): CaseFunction {
  return Object.assign(
    (title: string, fn: CaseBody, timeout?: number) => caseUnless(it, skips[title], title, fn, timeout),
    { skip: it.skip },
  );
}
