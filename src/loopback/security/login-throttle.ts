import { createHash } from 'crypto';
import { ConfigurationError, LooplineError } from '../../errors';
import { createModelBuilder, PersistedModel } from '../../juggler';

/**
 * Login throttling: failed logins are counted per account and per client address, and past a
 * limit the next attempts are refused with 429 `TOO_MANY_LOGIN_ATTEMPTS` and `Retry-After` until
 * the lockout ends. The counts live in the store of the user model (a built-in `LoginAttempt`
 * model on its data source), so every process of an app on PostgreSQL or MariaDB sees the same
 * counts; on the memory store they are the process's.
 *
 * Each attempt is a row written before the password is checked (so concurrent attempts count
 * each other: a burst cannot slip past the limit), checked with one indexed query that runs
 * while bcrypt works, and removed when it does not count: a refused attempt (hammering does not
 * extend the lockout) and a successful one, which also clears the account's failures. The answer
 * to a locked account does not depend on the password or on whether the account exists.
 */

type AnyModel = any;

export interface ThrottleRule {
  /** Failures within `window` seconds that lock the key. */
  maxAttempts: number;
  window: number;
  /** Seconds a locked key stays locked after the failure that reached the limit. */
  lockout: number;
}

export interface LoginThrottleSettings {
  account: ThrottleRule | false;
  address: ThrottleRule | false;
}

/**
 * Ten failures per account, a hundred per address (many users may share one behind a NAT),
 * each within 15 minutes, lock for 15 minutes. `"loginThrottle": false` in config.json turns it
 * off; `{"account": {...}, "address": false}` changes or drops one of the two.
 */
export const DEFAULT_LOGIN_THROTTLE: { account: ThrottleRule; address: ThrottleRule } = {
  account: { maxAttempts: 10, window: 900, lockout: 900 },
  address: { maxAttempts: 100, window: 900, lockout: 900 },
};

export const LOGIN_ATTEMPT_MODEL = 'LoginAttempt';

function positive(v: unknown, fallback: number, what: string): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)
    throw new ConfigurationError(
      `loginThrottle: ${what} must be a positive number (got ${JSON.stringify(v)})`,
    );
  return v;
}

function rule(given: unknown, base: ThrottleRule, what: string): ThrottleRule | false {
  if (given === false) return false;
  if (given === undefined || given === true) return base;
  if (typeof given !== 'object' || given === null)
    throw new ConfigurationError(`loginThrottle.${what} must be an object or false`);
  const g = given as Record<string, unknown>;
  return {
    maxAttempts: Math.floor(positive(g.maxAttempts, base.maxAttempts, `${what}.maxAttempts`)),
    window: positive(g.window, base.window, `${what}.window`),
    lockout: positive(g.lockout, base.lockout, `${what}.lockout`),
  };
}

/** The app's `loginThrottle` setting (config.json), or null when throttling is off. */
export function throttleSettings(app: any): LoginThrottleSettings | null {
  const given = app?.get?.('loginThrottle');
  if (given === false || given === null) return null;
  if (given !== undefined && (typeof given !== 'object' || Array.isArray(given)))
    throw new ConfigurationError('loginThrottle must be an object or false');
  const g = (given ?? {}) as Record<string, unknown>;
  if (g.enabled === false) return null;
  const settings = {
    account: rule(g.account, DEFAULT_LOGIN_THROTTLE.account, 'account'),
    address: rule(g.address, DEFAULT_LOGIN_THROTTLE.address, 'address'),
  };
  return settings.account || settings.address ? settings : null;
}

const attemptModels = new WeakMap<object, AnyModel>();

/**
 * The `LoginAttempt` model on a data source, made and attached the first time (at boot, when a
 * user model is attached, so `loopline migrate` and `automigrate()` create its table). Its own
 * model builder keeps it out of the app's registry; a bucket is a hash, never an email or address.
 */
export function attemptModelFor(ds: any): AnyModel {
  let Model = attemptModels.get(ds);
  if (Model) return Model;
  const existing = ds.models?.[LOGIN_ATTEMPT_MODEL];
  if (existing)
    throw new ConfigurationError(
      `The data source "${String(ds.name)}" already has a model named ${LOGIN_ATTEMPT_MODEL}, the name of loopline's login throttle; rename it`,
    );
  Model = createModelBuilder().define(
    LOGIN_ATTEMPT_MODEL,
    {
      bucket: { type: 'string', required: true, index: true },
      at: { type: 'date', required: true, index: true },
    },
    { strict: true, idInjection: true },
    PersistedModel,
  );
  ds.attach(Model);
  attemptModels.set(ds, Model);
  return Model;
}

/** The store said the table is missing (an app that has not migrated since the model came). */
function missingTable(err: any): boolean {
  const code = err?.code ?? err?.cause?.code;
  // PostgreSQL, MySQL/MariaDB, and SQLite (whose code says only SQLITE_ERROR).
  return (
    code === '42P01' ||
    code === 'ER_NO_SUCH_TABLE' ||
    err?.errno === 1146 ||
    (code === 'SQLITE_ERROR' && /^no such table:/.test(String(err?.message)))
  );
}

const ensured = new WeakMap<object, Promise<void>>();

async function withTable<T>(Model: AnyModel, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (!missingTable(err)) throw err;
    let once = ensured.get(Model);
    if (!once) {
      // Another process may create it at the same moment; the retry below is what counts.
      once = Promise.resolve(Model.dataSource.autoupdate([LOGIN_ATTEMPT_MODEL])).catch(() => undefined);
      ensured.set(Model, once);
    }
    await once;
    return run();
  }
}

function bucketOf(kind: string, ...parts: unknown[]): string {
  return createHash('sha256')
    .update(JSON.stringify([kind, ...parts]))
    .digest('hex');
}

interface Key {
  bucket: string;
  rule: ThrottleRule;
}

export interface Gate {
  /** Seconds until the attempt may be retried; 0 when it may go ahead. */
  retryAfter: number;
  /** The rows this attempt wrote, by key. */
  rows: Array<{ key: Key; id: unknown }>;
}

/** The throttle of one user model in one app. */
export class LoginThrottle {
  private lastPrune = 0;

  constructor(
    private readonly Model: AnyModel,
    private readonly settings: LoginThrottleSettings,
    private readonly userModelName: string,
  ) {}

  /** The keys of an attempt: the account as typed (lower-cased) and, over REST, the address. */
  keys(account: Record<string, unknown>, address: string | undefined): Key[] {
    const keys: Key[] = [];
    if (this.settings.account) {
      const id =
        typeof account.email === 'string'
          ? ['email', account.email.toLowerCase()]
          : ['username', account.username];
      keys.push({
        bucket: bucketOf('account', this.userModelName, account.realm ?? null, ...id),
        rule: this.settings.account,
      });
    }
    if (this.settings.address && address)
      keys.push({ bucket: bucketOf('address', address), rule: this.settings.address });
    return keys;
  }

  /** Records the attempt under each key and tells whether any key is locked. */
  async enter(keys: Key[]): Promise<Gate> {
    const now = Date.now();
    const rows = await Promise.all(
      keys.map(async (key) => {
        const row: { id: unknown } = await withTable(this.Model, () =>
          this.Model.create({ bucket: key.bucket, at: new Date(now) }),
        );
        return { key, id: row.id };
      }),
    );
    const waits = await Promise.all(rows.map((r) => this.lockedFor(r.key, r.id, now)));
    await this.prune(now);
    return { retryAfter: Math.max(0, ...waits), rows };
  }

  /**
   * Seconds the key stays locked, from the `maxAttempts` attempts written just before this one
   * (ids grow with each write, on every store): of a concurrent burst exactly the first
   * `maxAttempts` go ahead, wherever they run.
   */
  private async lockedFor(key: Key, ownId: unknown, now: number): Promise<number> {
    const { maxAttempts, window, lockout } = key.rule;
    const since = new Date(now - (window + lockout) * 1000);
    const before: any[] = await this.Model.find({
      where: { bucket: key.bucket, at: { gte: since }, id: { lt: ownId } },
      order: 'id DESC',
      limit: maxAttempts,
    });
    if (before.length < maxAttempts) return 0;
    const newest = Math.max(...before.map((r) => new Date(r.at).getTime()));
    const oldest = Math.min(...before.map((r) => new Date(r.at).getTime()));
    if (newest - oldest > window * 1000) return 0;
    const until = newest + lockout * 1000;
    return until > now ? Math.ceil((until - now) / 1000) : 0;
  }

  /** A refused attempt does not count: its rows go. */
  async refused(gate: Gate): Promise<void> {
    await this.forget(
      gate.rows.map((r) => r.id),
      [],
    );
  }

  /** A right password: this attempt's rows go, and so do the account's earlier failures. */
  async succeeded(gate: Gate): Promise<void> {
    const accountBuckets = gate.rows
      .filter((r) => r.key.rule === this.settings.account)
      .map((r) => r.key.bucket);
    await this.forget(
      gate.rows.map((r) => r.id),
      accountBuckets,
    );
  }

  private async forget(ids: unknown[], buckets: string[]): Promise<void> {
    const or: Array<Record<string, unknown>> = [];
    if (ids.length) or.push({ id: { inq: ids } });
    if (buckets.length) or.push({ bucket: { inq: buckets } });
    if (or.length) await this.Model.destroyAll({ or });
  }

  /** Rows older than any rule looks at go, at most once a minute per process. */
  private async prune(now: number): Promise<void> {
    if (now - this.lastPrune < 60_000) return;
    this.lastPrune = now;
    const rules = [this.settings.account, this.settings.address].filter((r): r is ThrottleRule => !!r);
    const horizon = Math.max(...rules.map((r) => r.window + r.lockout));
    await this.Model.destroyAll({ at: { lt: new Date(now - horizon * 1000) } });
  }
}

export function tooManyAttempts(retryAfter: number): LooplineError {
  return new LooplineError(
    'TOO_MANY_LOGIN_ATTEMPTS',
    `Too many failed login attempts; try again in ${retryAfter} seconds`,
    { retryAfter },
  );
}

const throttles = new WeakMap<object, { config: unknown; throttle: LoginThrottle | null }>();

/** The throttle of a user model, or null when the app turns it off; rebuilt when the setting changes. */
export function loginThrottleOf(User: AnyModel): LoginThrottle | null {
  const config = User.app?.get?.('loginThrottle');
  const cached = throttles.get(User);
  if (cached && cached.config === config) return cached.throttle;
  const settings = throttleSettings(User.app);
  const ds = User.dataSource;
  const throttle = settings && ds ? new LoginThrottle(attemptModelFor(ds), settings, User.modelName) : null;
  throttles.set(User, { config, throttle });
  return throttle;
}

/**
 * The REST request of a login, found from its credentials object (which the body parser made for
 * this request alone): its client address is a throttle key and its response carries
 * `Retry-After`. The signature of `login(credentials, include)` stays LB3's, so apps that
 * override or call it keep working.
 */
const loginRequests = new WeakMap<object, { req: any; res: any }>();

export function rememberLoginRequest(
  ctx: { args: Record<string, any>; req: any; res: any },
  next: (err?: unknown) => void,
): void {
  const credentials = ctx.args.credentials;
  if (credentials && typeof credentials === 'object')
    loginRequests.set(credentials, { req: ctx.req, res: ctx.res });
  next();
}

export function clientAddressOf(credentials: object): string | undefined {
  const req = loginRequests.get(credentials)?.req;
  return req ? (req.ip ?? req.socket?.remoteAddress) : undefined;
}

export function setRetryAfter(credentials: object, seconds: number): void {
  const res = loginRequests.get(credentials)?.res;
  if (res && !res.headersSent) res.setHeader('Retry-After', String(seconds));
}
