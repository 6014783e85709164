import { LooplineError } from '../../../errors';
import { callbackOrPromise } from '../../../util/callback';
import { generateTokenId, safeEqual } from '../../security/token-id';
import { settingsOf } from './settings';
import { SERVER_MANAGED_WRITE } from './writes';

/**
 * Email verification of a user (LB3's `user.verify(verifyOptions, [options])`): a token is made
 * and stored on the user, and a message with the confirm link is sent through the mailer; the
 * link's `User.confirm(uid, token)` marks the address verified. Every step an app may replace
 * keeps LB3's contract: `generateVerificationToken(user, [options], cb)`, `templateFn(verifyOptions,
 * [options], cb)`, `mailer.send(verifyOptions, [options], cb)` — the `options` argument only when
 * the function declares three parameters.
 */

type AnyModel = any;
type Options = Record<string, any>;

/** What `getVerifyOptions()` gives a model that has no `verifyOptions` setting. */
const DEFAULT_VERIFY_OPTIONS = { type: 'email', from: 'noreply@example.com' };

/** `User.getVerifyOptions()`: a fresh copy of the model's `verifyOptions` setting (or LB3's defaults). */
export function getVerifyOptions(this: AnyModel): Options {
  const configured = settingsOf(this).verifyOptions;
  return { ...(configured && typeof configured === 'object' ? configured : DEFAULT_VERIFY_OPTIONS) };
}

/** `User.generateVerificationToken(user, [options], cb)`: 64 random letters and digits (~381 bits). */
export function generateVerificationToken(
  _user: unknown,
  options?: unknown,
  cb?: (err: Error | null, token?: string) => void,
): void {
  const done = typeof options === 'function' ? (options as typeof cb) : cb;
  let token: string;
  try {
    token = generateTokenId(64);
  } catch (err) {
    done?.(err as Error);
    return;
  }
  done?.(null, token);
}

/** The default body: the text alone (its link included); an app's templateFn gives HTML. */
function defaultTemplate(_verifyOptions: Options, cb: (err: Error | null, html?: string) => void): void {
  cb(null, undefined);
}

function joinUrlPath(...parts: string[]): string {
  return ('/' + parts.join('/')).replace(/\/{2,}/g, '/');
}

/** Calls an app-replaceable step with `options` only if it declares room for it (LB3's rule). */
function callStep<T>(
  fn: (...args: any[]) => unknown,
  thisArg: unknown,
  first: unknown,
  options: unknown,
): Promise<T> {
  return callbackOrPromise<T>((cb) =>
    fn.length >= 3 ? fn.call(thisArg, first, options, cb) : fn.call(thisArg, first, cb),
  );
}

function check(ok: unknown, message: string): void {
  if (!ok) throw new LooplineError('INVALID_VERIFY_OPTIONS', message);
}

/** The confirm link without its token: from verifyOptions, or built from the app's address and the confirm route. */
function confirmHref(User: AnyModel, user: AnyModel, o: Options): string {
  if (o.verifyHref) return String(o.verifyHref);
  const sharedClass = User.sharedClass;
  const confirm = sharedClass?.findMethodByName?.('confirm');
  if (!confirm || !sharedClass.isMethodEnabled(confirm)) {
    throw new LooplineError(
      'INVALID_VERIFY_OPTIONS',
      'Cannot build the verification link: the confirm method is not public; give verifyOptions.verifyHref',
    );
  }
  const defaultPort =
    (o.protocol === 'http' && String(o.port) === '80') ||
    (o.protocol === 'https' && String(o.port) === '443');
  const path = joinUrlPath(String(o.restApiRoot), sharedClass.http.path, confirm.routes[0].path);
  const query = new URLSearchParams({ uid: String(user.getId()), redirect: String(o.redirect) });
  return `${o.protocol}://${o.host}${defaultPort ? '' : ':' + String(o.port)}${path}?${query.toString()}`;
}

/** `user.verify(verifyOptions, [options])` → `{email, token, uid}`. */
export async function verifyUser(
  this: AnyModel,
  verifyOptions: unknown,
  options?: Options,
): Promise<{ email: unknown; token: unknown; uid: unknown }> {
  const user = this;
  const User = user.constructor;
  const app = User.app;
  check(
    verifyOptions === undefined || verifyOptions === null || typeof verifyOptions === 'object',
    'user.verify() needs a verifyOptions object',
  );
  // What the caller leaves out comes from the model's verifyOptions (LB3 required type and from).
  const o: Options = { ...User.getVerifyOptions(), ...(verifyOptions as Options | undefined) };
  o.templateFn = o.templateFn || defaultTemplate;
  o.generateVerificationToken =
    o.generateVerificationToken || User.generateVerificationToken || generateVerificationToken;
  o.mailer = o.mailer || User.email || User.registry?.getModel?.('Email') || app?.models?.Email;
  o.redirect = o.redirect || '/';
  o.user = user;
  o.protocol = o.protocol || 'http';
  o.host = o.host || app?.get?.('host') || 'localhost';
  o.port = o.port || app?.get?.('port') || 3000;
  o.restApiRoot = o.restApiRoot || app?.get?.('restApiRoot') || '/api';
  o.verifyHref = confirmHref(User, user, o);
  o.to = o.to || user.email;
  o.subject = o.subject || 'Thanks for Registering';
  o.headers = o.headers || {};
  check(o.type, 'You must supply a verification type (verifyOptions.type)');
  check(o.type === 'email', 'Unsupported verification type');
  check(
    o.to,
    'Must include verifyOptions.to when calling user.verify() or the user must have an email property',
  );
  check(o.from, 'Must include verifyOptions.from when calling user.verify()');
  check(typeof o.templateFn === 'function', 'templateFn must be a function');
  check(typeof o.generateVerificationToken === 'function', 'generateVerificationToken must be a function');
  check(o.mailer && typeof o.mailer.send === 'function', 'verifyOptions.mailer must have a send() function');

  // The id as the instance holds it (an ObjectID stays one), as LB3 answers it.
  const uid: unknown = user.getId();
  const token = await callStep<unknown>(o.generateVerificationToken, undefined, user, options);
  // Saved as LB3 saves it: an instance not stored yet is created with its token.
  user.verificationToken = token;
  await user.save({ ...options, [SERVER_MANAGED_WRITE]: true });

  o.verifyHref +=
    (String(o.verifyHref).includes('?') ? '&' : '?') + 'token=' + encodeURIComponent(String(token));
  o.verificationToken = token;
  o.text = String(
    o.text || `Please verify your email by opening this link in a web browser:\n\t${o.verifyHref}`,
  ).replace(/\{href\}/g, o.verifyHref);
  o.html = await callStep<string>(o.templateFn, undefined, o, options);
  // A template path is LB3's (ejs) templating; it is no part of a message.
  delete o.template;
  const mailer = o.mailer;
  const email = await callStep<unknown>(mailer.send, mailer, o, options);
  return { email, token, uid };
}

/** `User.confirm(uid, token, [redirect])`: the user's address is verified (the redirect is the REST route's). */
export async function confirm(
  this: AnyModel,
  uid: unknown,
  token: unknown,
  _redirect?: unknown,
): Promise<void> {
  const user = await this.findById(uid);
  if (!user) throw new LooplineError('USER_NOT_FOUND', `User not found: ${String(uid)}`);
  if (!user.verificationToken || !safeEqual(token, user.verificationToken)) {
    throw new LooplineError('INVALID_TOKEN', 'Invalid token');
  }
  await user.updateAttributes(
    { emailVerified: true, verificationToken: null },
    { [SERVER_MANAGED_WRITE]: true },
  );
}
