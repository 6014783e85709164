import { LooplineError } from '../../../errors';
import { givenValue as given } from '../../../util/own';
import { hashPassword, isHashed } from '../../security/password';
import { endOtherSessions } from './sessions';
import { hashPasswordSync, isConstructedHash, validatePlainPassword } from './password-hashing';
import { hashRounds, normalizeEmail, settingsOf, usesRealms } from './settings';

/**
 * What a write on a user does beyond storing it: the password is hashed, the server-managed
 * properties are kept from clients, a changed address loses its verification, and a changed email
 * or password ends the user's other sessions.
 */

type AnyModel = any;

/** Set by the User methods that legitimately write the verification state for a REST caller. */
export const SERVER_MANAGED_WRITE = Symbol.for('loopline.userServerManagedWrite');

/** Properties of a User only the server writes: a client choosing them could skip verification. */
const SERVER_MANAGED = ['emailVerified', 'verificationToken', 'realm'] as const;

/** The stored fields the hooks below compare a write with. */
type UserSnapshot = { id: unknown; email: unknown; password: unknown } & Partial<
  Record<(typeof SERVER_MANAGED)[number], unknown>
>;

/** A REST write: server code passes no remoting context, and the User methods that may write the verification state mark theirs. */
function isClientWrite(ctx: any): boolean {
  const options = ctx.options ?? {};
  return !!options.remotingContext && !options[SERVER_MANAGED_WRITE];
}

function sameValue(a: unknown, b: unknown): boolean {
  return (
    (a ?? null) === (b ?? null) || (a instanceof Date && b instanceof Date && a.getTime() === b.getTime())
  );
}

/**
 * What a REST caller may not write on a user: the verification state and the realm (a user who
 * picks a realm joins another partition), and, unless `rejectPasswordChangesViaPatchOrReplace:
 * false`, the password through patch/replace (changePassword and setPassword are the ways to
 * change it). A value equal to the stored one is no change, so a client may send back what it read.
 */
function guardClientWrite(Model: AnyModel, ctx: any, target: any, before: UserSnapshot[]): void {
  if (!isClientWrite(ctx)) return;
  if (ctx.isNewInstance) {
    // LB3 quietly resets emailVerified on a signup; a chosen verification token is refused, and
    // so is a realm where the model has none (with realms, signing up into one is LB3's way).
    if (given(target, 'emailVerified')) target.emailVerified = false;
    if (given(target, 'verificationToken')) throw notWritable('verificationToken');
    if (given(target, 'realm') && !usesRealms(Model))
      throw notWritable(
        'realm',
        ' (it is accepted on signup when the model sets realmRequired or realmDelimiter)',
      );
    return;
  }
  for (const key of SERVER_MANAGED) {
    if (given(target, key) && (before.length === 0 || before.some((u) => !sameValue(u[key], target[key]))))
      throw notWritable(key);
  }
  if (
    !ctx.options.setPassword &&
    settingsOf(Model).rejectPasswordChangesViaPatchOrReplace !== false &&
    given(target, 'password')
  ) {
    throw new LooplineError(
      'PASSWORD_CHANGE_NOT_ALLOWED',
      'Changing the password through patch or replace is not allowed; use changePassword() or setPassword()',
    );
  }
}

/**
 * `options.setPassword` lets a write past the password rule (setPassword() uses it). As LB3, such
 * a write may change the password and nothing else while that rule is on: server code that passes
 * it along with other changes would otherwise carry them past the rules that guard a user's other
 * properties. With `rejectPasswordChangesViaPatchOrReplace: false` there is no rule to get past.
 */
function guardSetPasswordOption(ctx: any, target: any): void {
  if (!ctx.options?.setPassword) return;
  const keys = ctx.instance ? null : Object.keys(target).filter((k) => target[k] !== undefined);
  if (keys && keys.length === 1 && keys[0] === 'password') return;
  throw new LooplineError(
    'SET_PASSWORD_MISUSE',
    'Invalid use of "options.setPassword". Only "password" can be changed when using this option.',
  );
}

/**
 * The value to store for a written password. What is written is always a plain password and is
 * hashed, even when it looks like a bcrypt hash: taking such a value as the hash would let a
 * client choose the hash of a weak password (LB3 did, for any `$2a$`/`$2b$` string of 60
 * characters). Two writes keep the value: the stored hash written back unchanged (an instance
 * saved again), and server code passing `{hashedPassword: true}` with a bcrypt hash (users
 * imported with their hashes), a deliberate option no REST request can set.
 */
async function passwordToStore(
  Model: AnyModel,
  ctx: any,
  pw: unknown,
  before: UserSnapshot[],
): Promise<unknown> {
  if (pw === undefined || pw === null) return pw;
  if (!ctx.isNewInstance && before.length > 0 && before.every((u) => u.password === pw)) return pw;
  if (ctx.options?.hashedPassword === true) {
    if (!isHashed(pw))
      throw new LooplineError(
        'INVALID_PASSWORD',
        'options.hashedPassword is set but the password is not a bcrypt hash.',
      ).withStatus(422);
    return pw;
  }
  // Hashed as user code built the instance (password-hashing.ts), or a written hash the
  // model takes as it is (`acceptHashedPasswords: true`, LB3's rule; off by default).
  if (isConstructedHash(ctx.instance, pw)) return pw;
  if (isHashed(pw) && settingsOf(Model).acceptHashedPasswords === true) return pw;
  // The model's own rules (an app may replace `validatePassword`, e.g. with a minimum length)
  // and, where the app replaced it, its own `hashPassword`.
  if (typeof Model.validatePassword === 'function') Model.validatePassword(pw);
  else validatePlainPassword(pw);
  if (typeof Model.hashPassword === 'function' && Model.hashPassword !== hashPasswordSync)
    return Model.hashPassword(pw);
  return hashPassword(pw as string, hashRounds(Model));
}

/**
 * The users an update is about to change, as stored, when the hooks need to compare: read with
 * the write's own options, as LB3 reads them (its `access` hooks see the caller's options).
 */
async function storedUsers(Model: AnyModel, ctx: any): Promise<UserSnapshot[]> {
  const idName: string = Model.definition.idName ?? 'id';
  let where = ctx.where;
  if (!where) {
    const inst = ctx.currentInstance ?? ctx.instance;
    const id = inst?.[idName];
    if (id === undefined || id === null) return [];
    where = { [idName]: id };
  }
  const found: any[] = await Model.find({ where }, ctx.options);
  return found.map((u) => ({
    id: u[idName],
    email: u.email,
    password: u.password,
    emailVerified: u.emailVerified,
    verificationToken: u.verificationToken,
    realm: u.realm,
  }));
}

function notWritable(key: string, hint = ''): LooplineError {
  return new LooplineError(
    'PROPERTY_NOT_WRITABLE',
    `"${key}" is managed by the server and cannot be written by a client${hint}`,
  );
}

export function installWriteHooks(User: AnyModel): void {
  // Emails are stored lower-case when the model is case-insensitive; so are the ones a query names.
  User.observe('access', async (ctx: any) => {
    const where = ctx.query?.where;
    if (
      where &&
      typeof where.email === 'string' &&
      settingsOf(ctx.Model ?? User).caseSensitiveEmail === false
    )
      where.email = where.email.toLowerCase();
  });

  User.observe('before save', async (ctx: any) => {
    const Model = ctx.Model ?? User;
    const target = ctx.instance ?? ctx.data;
    if (!target) return;
    // Compared below: what the write changes (sessions to end, verification to redo, client writes).
    const touches =
      !ctx.isNewInstance &&
      (ctx.instance ||
        target.password !== undefined ||
        target.email !== undefined ||
        (isClientWrite(ctx) && SERVER_MANAGED.some((k) => given(target, k))));
    const before = touches ? await storedUsers(Model, ctx) : [];
    if (settingsOf(Model).rejectPasswordChangesViaPatchOrReplace !== false)
      guardSetPasswordOption(ctx, target);
    guardClientWrite(Model, ctx, target, before);
    if (target.email !== undefined) target.email = normalizeEmail(Model, target.email);
    const pw = target.password;
    const stored = await passwordToStore(Model, ctx, pw, before);
    if (stored !== pw) target.password = stored;
    if (!touches) return;
    // A verified address that changes is no longer verified (LB3, with emailVerificationRequired).
    if (
      settingsOf(Model).emailVerificationRequired &&
      target.email !== undefined &&
      (before.length === 0 || before.some((u) => u.email !== target.email))
    ) {
      target.emailVerified = false;
    }
    // Remember who is changing so `after save` can end their other sessions.
    ctx.hookState.userSnapshots = before;
  });

  User.observe('after save', async (ctx: any) => {
    const snapshots = ctx.hookState?.userSnapshots as UserSnapshot[] | undefined;
    if (!snapshots?.length) return;
    const Model = ctx.Model ?? User;
    // The users whose email or password this write set to something else (LB3's comparison).
    const written = ctx.instance ?? ctx.data ?? {};
    const email = written.email;
    const password = written.password;
    if (!email && !password) return;
    const changed = snapshots
      .filter((s) => (email && s.email !== email) || (password && s.password !== password))
      .map((s) => s.id);
    await endOtherSessions(Model, changed, ctx.options);
  });
}
