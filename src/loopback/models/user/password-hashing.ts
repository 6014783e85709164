import type { CompiledModel } from '../../../juggler';
import { LooplineError } from '../../../errors';
import { bcryptjs, isHashed, MAX_PASSWORD_BYTES } from '../../security/password';
import { hashRounds, settingsOf } from './settings';

/**
 * LB3 hashed a user's password the moment it was set, so `new User({password: 'bar'}).password`
 * is a hash and `user.hasPassword('bar')` holds before anything is saved. loopline keeps that for
 * instances user code builds (`new User(data)`, a relation's `build`), hashing synchronously as LB3
 * did, through the model's `hashPassword` and `validatePassword` (both replaceable, as in LB3).
 * Its own writes (create, save, update over REST or from code) build instances with init options
 * and hash in `before save` without blocking the event loop (writes.ts).
 */

type AnyModel = any;

/** The most hashes remembered; a hash older than that is hashed again if written back. */
const REMEMBERED_HASHES = 1000;

/**
 * bcrypt hashes this process made on construction. Only these, of all bcrypt-shaped values, are
 * stored as they are when written: a client cannot know one, so it cannot pick a weak hash.
 */
const constructedHashes = new Set<string>();
/** What each constructed instance's password was hashed to (a custom `hashPassword` need not make bcrypt hashes). */
const hashOfInstance = new WeakMap<object, unknown>();

function remember(hash: string): void {
  constructedHashes.add(hash);
  if (constructedHashes.size > REMEMBERED_HASHES)
    constructedHashes.delete(constructedHashes.values().next().value as string);
}

/** Whether `pw`, written on `instance`, is a hash made on construction (and so is stored as it is). */
export function isConstructedHash(instance: unknown, pw: unknown): boolean {
  if (typeof pw !== 'string') return false;
  if (instance && typeof instance === 'object' && hashOfInstance.get(instance) === pw) return true;
  return constructedHashes.has(pw);
}

/** LB3's checks of a plain password: a non-empty string that bcrypt will not truncate. */
export function validatePlainPassword(plain: unknown): asserts plain is string {
  if (typeof plain !== 'string' || plain.length === 0)
    throw new LooplineError('INVALID_PASSWORD', 'Invalid password.').withStatus(422);
  const bytes = Buffer.byteLength(plain, 'utf8');
  if (bytes > MAX_PASSWORD_BYTES) {
    throw new LooplineError(
      'PASSWORD_TOO_LONG',
      `The password entered was too long. Max length is ${MAX_PASSWORD_BYTES} (entered ${bytes})`,
    );
  }
}

/** `User.validatePassword(plain)`: LB3's rules (a non-empty string of at most 72 bytes), throwing a 422. */
export function validatePassword(plain: unknown): boolean {
  validatePlainPassword(plain);
  return true;
}

/** `User.hashPassword(plain)`: validated by the model's `validatePassword`, then bcrypt, synchronously (LB3). */
export function hashPasswordSync(this: AnyModel, plain: unknown): string {
  this.validatePassword(plain);
  return bcryptjs().hashSync(plain as string, hashRounds(this));
}

/** The password of an instance user code just built, hashed as LB3's setter hashed it. */
function hashOnConstruction(inst: any): void {
  const Model = inst.constructor;
  const pw = inst.__data.password;
  if (typeof pw !== 'string') return;
  // A hash made here before (`new User({password: other.password})`) stays; so does any bcrypt
  // hash where the model takes written hashes as they are (`acceptHashedPasswords`, LB3's rule).
  if (isConstructedHash(undefined, pw) || (isHashed(pw) && settingsOf(Model).acceptHashedPasswords === true))
    return;
  const hashed = Model.hashPassword(pw);
  inst.__data.password = hashed;
  hashOfInstance.set(inst, hashed);
  if (isHashed(hashed)) remember(hashed);
}

/**
 * Installed as the user models' `__adjustCompiled`: an instance built without init options is
 * built by user code (loopline's own code always passes them), so its password is hashed now.
 */
export function adjustCompiledUser(compiled: CompiledModel): void {
  const init = compiled.init;
  compiled.init = (inst, data, options) => {
    init(inst, data, options);
    if (options === undefined && data && typeof data === 'object' && 'password' in data)
      hashOnConstruction(inst);
  };
}
