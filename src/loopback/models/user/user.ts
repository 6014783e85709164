import { withCallback } from '../../../util/callback';
import { attemptModelFor, throttleSettings } from '../../security/login-throttle';
import { login, logout, normalizeCredentials, trackingCreate } from './login';
import { adjustCompiledUser, hashPasswordSync, validatePassword } from './password-hashing';
import {
  changePassword,
  changeUserPassword,
  hasPassword,
  resetPassword,
  setPassword,
  setUserPassword,
} from './password-reset';
import { builtinCreateAccessTokens, createAccessToken, installDeleteHook } from './sessions';
import { settingsOf } from './settings';
import { confirm, generateVerificationToken, getVerifyOptions, verifyUser } from './verify';
import { installWriteHooks } from './writes';

/**
 * The built-in User model: its methods, validations and hooks, installed on the class the
 * registry defines from USER_DEFINITION (definitions.ts, with the remote methods of
 * remote-methods.ts). What each does is in its own file: login.ts (login, logout), sessions.ts
 * (access tokens made and ended), password-hashing.ts, password-reset.ts (reset, set, change),
 * verify.ts (email verification, confirm), writes.ts (what a write on a user does).
 */

type AnyModel = any;

/** An async User method, given LB3's optional trailing callback. */
type UserMethod = (this: AnyModel, ...args: any[]) => Promise<unknown>;

/** The static methods, each answering a promise or, given one, the callback. */
const STATICS: Record<string, UserMethod> = {
  login,
  logout,
  confirm,
  resetPassword,
  setPassword: setUserPassword,
  changePassword: changeUserPassword,
};

/** The instance methods, likewise. */
const PROTOTYPE: Record<string, UserMethod> = {
  hasPassword,
  createAccessToken,
  verify: verifyUser,
  setPassword,
  changePassword,
};

/** An address as LB3 accepted it: something@domain, a bare top-level domain included (`local@com`). */
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)*$/;

function validEmail(this: any, err: (kind?: string) => void): void {
  const value = this.email;
  if (value === null || value === undefined || value === '') return;
  if (typeof value !== 'string') return err('string');
  if (value.length > 254 || !EMAIL.test(value)) err('email');
}

function bridge(fn: UserMethod) {
  return function (this: unknown, ...args: any[]) {
    const cb = typeof args[args.length - 1] === 'function' ? args.pop() : undefined;
    return withCallback(fn.apply(this, args), cb);
  };
}

export function setupUser(User: AnyModel): void {
  Object.defineProperty(User, 'create', { value: trackingCreate(User), writable: true, configurable: true });
  for (const [name, fn] of Object.entries(STATICS))
    Object.defineProperty(User, name, { value: bridge(fn), writable: true, configurable: true });
  Object.defineProperty(User, 'normalizeCredentials', {
    value: normalizeCredentials,
    writable: true,
    configurable: true,
  });
  for (const [name, fn] of Object.entries(PROTOTYPE)) {
    const bridged = bridge(fn);
    if (name === 'createAccessToken') builtinCreateAccessTokens.add(bridged);
    Object.defineProperty(User.prototype, name, { value: bridged, writable: true, configurable: true });
  }
  for (const [name, value] of Object.entries({
    getVerifyOptions,
    generateVerificationToken,
    hashPassword: hashPasswordSync,
    validatePassword,
    __adjustCompiled: adjustCompiledUser,
  })) {
    Object.defineProperty(User, name, { value, writable: true, configurable: true });
  }
  // The built-in User itself was compiled before it had the hook its subclasses inherit.
  adjustCompiledUser(User.__compiled);
  // LB3's defaults for the mailer of `verify` and the token model (an app may set others).
  User.email = User.modelBuilder?.getModel('Email');
  User.accessToken = User.modelBuilder?.getModel('AccessToken');
  User.validate('email', validEmail, { message: 'Must provide a valid email' });
  // Per realm where the model partitions users by realm and delimiter (as LB3 scopes them).
  const scopedTo = (Model: AnyModel) =>
    settingsOf(Model).realmRequired && settingsOf(Model).realmDelimiter ? ['realm'] : [];
  User.validatesUniquenessOf('email', { message: 'Email already exists', scopedTo });
  User.validatesUniquenessOf('username', { message: 'User already exists', scopedTo });
  installWriteHooks(User);
  installDeleteHook(User);
  // The throttle's model joins the user model's data source at boot, so migrations include it.
  Object.defineProperty(User, '__attachedToApp', {
    value(this: AnyModel, app: any) {
      Object.getPrototypeOf(User).__attachedToApp?.call(this, app);
      if (this.dataSource && throttleSettings(app)) attemptModelFor(this.dataSource);
      // LB3 declares setPassword for reset tokens only when they are scoped; with full reset
      // tokens (`restrictResetPasswordTokenScope: false`) any session of the user may call it.
      const setPassword = this.sharedClass?.findMethodByName('setPassword');
      if (settingsOf(this).restrictResetPasswordTokenScope === false && setPassword?.options.accessScopes)
        this.sharedClass.defineMethod('setPassword', { ...setPassword.options, accessScopes: undefined });
    },
    writable: true,
    configurable: true,
  });
}
