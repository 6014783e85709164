import type * as Bcrypt from 'bcryptjs';

/** bcryptjs loads with the first password hashed or checked, not by `require('loopline')`. */
let bcrypt: typeof Bcrypt | undefined;
export const bcryptjs = (): typeof Bcrypt => (bcrypt ??= require('bcryptjs') as typeof Bcrypt);

/**
 * Password hashing for the built-in User: bcrypt (bcryptjs, pure JS). Hashes written by LB3
 * (`$2a$`) and by other bcrypt implementations (`$2b$`, `$2y$`) verify unchanged.
 */

/** bcrypt reads at most 72 bytes; a longer password would be silently truncated, so it is refused. */
export const MAX_PASSWORD_BYTES = 72;

const BCRYPT_HASH = /^\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}$/;

export function isHashed(value: unknown): value is string {
  return typeof value === 'string' && BCRYPT_HASH.test(value);
}

export function hashPassword(plain: string, rounds = 10): Promise<string> {
  return bcryptjs().hash(plain, rounds);
}

/**
 * A fixed hash of a random string, compared against when the user does not exist, so an unknown
 * user and a wrong password take the same path and the same time (no user enumeration by timing).
 */
let dummyHash: string | undefined;
function dummy(rounds: number): string {
  return (dummyHash ??= bcryptjs().hashSync(`no-such-user-${Math.random()}`, rounds));
}

export interface CompareTrace {
  /** How many bcrypt comparisons ran: tests assert it is 1 for both unknown user and wrong password. */
  compares: number;
}

export const compareTrace: CompareTrace = { compares: 0 };

/** Compares `plain` with `hash`; with no hash (unknown user) it compares against a dummy and fails. */
export async function verifyPassword(plain: unknown, hash: unknown, rounds = 10): Promise<boolean> {
  const candidate = typeof plain === 'string' ? plain : '';
  const target = isHashed(hash) ? hash : dummy(rounds);
  compareTrace.compares++;
  const ok = await bcryptjs().compare(candidate, target);
  return ok && isHashed(hash) && typeof plain === 'string';
}
