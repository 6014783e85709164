import { LooplineError } from '../../../errors';
import { callbackOrPromise } from '../../../util/callback';
import { verifyPassword } from '../../security/password';
import { OVER_REST } from './remote-methods';
import { builtinCreateAccessTokens, endSession } from './sessions';
import { hashRounds, normalizeEmail, settingsOf } from './settings';
import { validatePlainPassword } from './password-hashing';

/**
 * Changing a user's password: `User.resetPassword({email})` issues a short-lived token and
 * announces it (the app mails it), `setPassword` sets a new password (with a reset token, or from
 * server code), and `changePassword` does so given the current one.
 */

type AnyModel = any;

function userNotFound(userId: unknown): LooplineError {
  // LB3 answers 401 here (confirm's unknown user is 404): the caller is not that user.
  return new LooplineError('USER_NOT_FOUND', `User ${String(userId)} not found`).withStatus(401);
}

/**
 * The short-lived token of a password reset, made by the model's `createAccessToken`. By default
 * it is scoped to `reset-password` (it can set the password and nothing else); with
 * `restrictResetPasswordTokenScope: false` it is a full token, as LB3 made it by default. An
 * app's `createAccessToken(ttl, cb)` cannot take scopes and is called LB3's way, `(ttl, cb)`.
 */
function issueResetToken(user: AnyModel, ttl: number, restricted: boolean): Promise<any> {
  const create = user.createAccessToken;
  if (builtinCreateAccessTokens.has(create))
    return restricted ? create.call(user, { ttl, scopes: ['reset-password'] }, {}) : create.call(user, ttl);
  return callbackOrPromise((cb) =>
    restricted && create.length !== 2
      ? create.call(user, { ttl, scopes: ['reset-password'] }, {}, cb)
      : create.call(user, ttl, cb),
  );
}

/** `User.resetPassword({email, [realm]})`. */
export async function resetPassword(this: AnyModel, options: any): Promise<void> {
  const settings = settingsOf(this);
  const email = options && typeof options === 'object' ? options.email : undefined;
  if (typeof email !== 'string' || !email) throw new LooplineError('EMAIL_REQUIRED', 'Email is required');
  if (options.password) this.validatePassword(options.password);
  const where: Record<string, unknown> = { email: normalizeEmail(this, email) };
  if (options.realm) where.realm = options.realm;
  const user = await this.findOne({ where });
  if (!user) {
    // Safe default over REST: the answer does not tell a client whether an address is
    // registered. Server code gets LB3's error.
    if (options[OVER_REST] && !settings.resetPasswordRevealsUnknownEmail) return;
    throw new LooplineError('EMAIL_NOT_FOUND', 'Email not found');
  }
  if (settings.emailVerificationRequired && !user.emailVerified) {
    throw new LooplineError(
      'RESET_FAILED_EMAIL_NOT_VERIFIED',
      'Password reset failed as the email has not been verified',
    );
  }
  const ttl = Number(settings.resetPasswordTokenTTL ?? 900);
  const accessToken = await issueResetToken(user, ttl, settings.restrictResetPasswordTokenScope !== false);
  // LB3 answers the caller first, then announces the request (the app mails the token).
  setImmediate(() => this.emit('resetPasswordRequest', { email, accessToken, user, options }));
}

/** `User.setPassword(userId, newPassword, [options])`. */
export async function setUserPassword(
  this: AnyModel,
  userId: unknown,
  newPassword: unknown,
  options?: any,
): Promise<void> {
  validatePlainPassword(newPassword);
  const user = await this.findById(userId, undefined, options);
  if (!user) throw userNotFound(userId);
  await user.setPassword(newPassword, options);
}

/** `User.changePassword(userId, oldPassword, newPassword, [options])`. */
export async function changeUserPassword(
  this: AnyModel,
  userId: unknown,
  oldPassword: unknown,
  newPassword: unknown,
  options?: any,
): Promise<void> {
  const user = await this.findById(userId, undefined, options);
  if (!user) throw userNotFound(userId);
  await user.changePassword(oldPassword, newPassword, options);
}

/** `user.hasPassword(plain)`. */
export function hasPassword(this: any, plain: unknown): Promise<boolean> {
  return verifyPassword(plain, this.password, hashRounds(this.constructor));
}

/** `user.setPassword(newPassword, [options])`: a reset token used for it ends with it. */
export async function setPassword(this: any, newPassword: unknown, options?: any): Promise<void> {
  this.constructor.validatePassword(newPassword);
  await this.patchAttributes({ password: newPassword }, { ...options, setPassword: true });
  const current = options?.accessToken;
  if (current?.id && Array.isArray(current.scopes) && current.scopes.includes('reset-password')) {
    await endSession(this.constructor, current.id);
  }
}

/** `user.changePassword(oldPassword, newPassword, [options])`. */
export async function changePassword(
  this: any,
  oldPassword: unknown,
  newPassword: unknown,
  options?: any,
): Promise<void> {
  if (!(await this.hasPassword(oldPassword)))
    throw new LooplineError('INVALID_PASSWORD', 'Invalid current password');
  await this.setPassword(newPassword, options);
}
