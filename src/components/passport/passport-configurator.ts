import {
  ConfigurationError,
  LoginProviderUnavailableError,
  ThirdPartyLoginError,
  type LooplineError,
} from '../../errors';
import { installAccountMethods } from './account-methods';
import {
  answerFailure,
  loginErrorFrom,
  sendError,
  setTokenCookies,
  successLocation,
  type IssuedToken,
} from './login-responses';
import {
  MODEL_DEFINITIONS,
  USER_CREDENTIAL_DEFINITION,
  USER_IDENTITY_DEFINITION,
  APPLICATION_CREDENTIAL_DEFINITION,
} from './models';
import { createModuleLoader } from './module-loader';
import { openIdConnectStrategy } from './openid-connect';
import { routesOf, schemeOf, type ProviderOptions, type ProviderRoutes } from './provider-options';
import { CookieStateStore, StateCookie, cookieBackedSession } from './state-cookie';
import { localVerify, verifyFor, type AccountBackend, type VerifyContext } from './strategy-verify';

type AnyModel = any;
type Req = any;
type Res = any;
type Next = (err?: unknown) => void;
type Handler = (req: Req, res: Res, next: Next) => void;

/** The app, as far as the component uses it: its registry, models, data sources, routes and phases. */
export interface PassportApp {
  registry: {
    hasModel(name: string): boolean;
    getModel(name: string): AnyModel;
    createModel(definition: object): AnyModel;
  };
  models: Record<string, AnyModel>;
  dataSources: Record<string, unknown>;
  model(Model: AnyModel, config: { dataSource: string | null; public?: boolean }): AnyModel;
  middleware(phase: string, handler: Handler): unknown;
  get(path: string, ...handlers: Handler[]): unknown;
  post(path: string, ...handlers: Handler[]): unknown;
  get(setting: string): unknown;
}

/** Passport, as the component uses it (the `passport` package the app installs, 0.6 or later). */
export interface PassportInstance {
  use(name: string, strategy: unknown): unknown;
  initialize(options?: object): Handler;
  session(options?: object): Handler;
  authenticate(
    name: string,
    options: object,
    callback?: (err: unknown, user: unknown, info: unknown, status?: unknown) => void,
  ): Handler;
  serializeUser(fn: (user: any, done: (err: unknown, id?: unknown) => void) => void): void;
  deserializeUser(fn: (id: any, done: (err: unknown, user?: unknown) => void) => void): void;
}

export interface PassportConfiguratorOptions {
  /** The Passport instance to use (default: a new one from the app's `passport` package). */
  passport?: PassportInstance;
  /** The folder the app's strategies are resolved from (default: the working directory). */
  appRootDir?: string;
}

export interface SetupModelsOptions {
  userModel?: AnyModel;
  userIdentityModel?: AnyModel;
  userCredentialModel?: AnyModel;
  applicationCredentialModel?: AnyModel;
}

/** Puts UserIdentity, UserCredential and ApplicationCredential in the registry, for app models to extend. */
export function defineModels(registry: PassportApp['registry']): void {
  for (const definition of MODEL_DEFINITIONS)
    if (!registry.hasModel(definition.name)) registry.createModel(definition);
}

/**
 * loopline's third-party login, with the public API of LB3's loopback-component-passport: an
 * app's `providers.json` and the boot code that reads it work as they are.
 */
export class PassportConfigurator {
  readonly app: PassportApp;
  readonly passport: PassportInstance;
  userModel: AnyModel;
  userIdentityModel: AnyModel;
  userCredentialModel: AnyModel;
  applicationCredentialModel: AnyModel;
  private readonly load: (name: string) => unknown;
  private readonly storeErrors = new WeakSet<object>();

  constructor(app: PassportApp, options: PassportConfiguratorOptions = {}) {
    this.app = app;
    this.load = createModuleLoader(options.appRootDir);
    defineModels(app.registry);
    installAccountMethods(
      {
        userIdentity: app.registry.getModel(USER_IDENTITY_DEFINITION.name),
        userCredential: app.registry.getModel(USER_CREDENTIAL_DEFINITION.name),
        applicationCredential: app.registry.getModel(APPLICATION_CREDENTIAL_DEFINITION.name),
      },
      (Identity) => this.userModelFor(Identity),
    );
    this.passport = options.passport ?? this.newPassport();
  }

  private newPassport(): PassportInstance {
    let mod: { Passport?: new () => PassportInstance };
    try {
      mod = this.load('passport') as typeof mod;
    } catch {
      throw new ConfigurationError(
        'loopline/passport needs the `passport` package: npm install --save passport',
      );
    }
    if (typeof mod.Passport !== 'function')
      throw new ConfigurationError(
        'loopline/passport: the installed `passport` package has no Passport class (0.6 or later is needed)',
      );
    return new mod.Passport();
  }

  private userModelFor(Identity: AnyModel): AnyModel {
    if (this.userModel && (Identity === this.userIdentityModel || Identity === this.userCredentialModel))
      return this.userModel;
    return Identity.relations?.user?.modelTo ?? this.userModel ?? this.app.models.User;
  }

  /**
   * Mounts passport in the `session:after` phase; unless `noSession`, its session too (the app
   * brings express-session), with the user stored by id and loaded with its `profiles`
   * (identities) and `accounts` (linked credentials), as LB3 did. Returns the Passport instance.
   */
  init(noSession?: boolean): PassportInstance {
    this.app.middleware('session:after', this.passport.initialize());
    if (!noSession) {
      this.app.middleware('session:after', this.passport.session());
      this.passport.serializeUser((user, done) => done(null, user.id));
      this.passport.deserializeUser((id, done) => {
        this.loadSessionUser(id).then(
          (user) => done(null, user),
          (err) => done(err),
        );
      });
    }
    return this.passport;
  }

  private async loadSessionUser(id: unknown): Promise<unknown> {
    const user = await this.userModel?.findById(id);
    if (!user) return user ?? false;
    user.profiles = typeof user.identities === 'function' ? await user.identities() : [];
    user.accounts = typeof user.credentials === 'function' ? await user.credentials() : [];
    return user;
  }

  /**
   * The models logins use: the user model and the identity and credential models (by default the
   * app's `User`, `UserIdentity` and `UserCredential`, created on the `db` data source when the
   * app has none), related as LB3 relates them (`identities`, `credentials`, `user`).
   */
  setupModels(options: SetupModelsOptions = {}): void {
    this.userModel = options.userModel ?? this.app.models.User;
    if (!this.userModel)
      throw new ConfigurationError('loopline/passport: setupModels found no user model (pass userModel)');
    this.userIdentityModel = options.userIdentityModel ?? this.appModel(USER_IDENTITY_DEFINITION.name);
    this.userCredentialModel = options.userCredentialModel ?? this.appModel(USER_CREDENTIAL_DEFINITION.name);
    this.applicationCredentialModel =
      options.applicationCredentialModel ?? this.app.models[APPLICATION_CREDENTIAL_DEFINITION.name];
    const User = this.userModel;
    if (User.relations?.identities) this.userIdentityModel = User.relations.identities.modelTo;
    else User.hasMany(this.userIdentityModel, { as: 'identities', foreignKey: 'userId' });
    if (User.relations?.credentials) this.userCredentialModel = User.relations.credentials.modelTo;
    else User.hasMany(this.userCredentialModel, { as: 'credentials', foreignKey: 'userId' });
    for (const Account of [this.userIdentityModel, this.userCredentialModel]) {
      if (Account.relations?.user?.modelTo !== User)
        Account.belongsTo(User, { as: 'user', foreignKey: 'userId' });
    }
    installAccountMethods(
      {
        userIdentity: this.userIdentityModel,
        userCredential: this.userCredentialModel,
        applicationCredential: this.applicationCredentialModel,
      },
      (Identity) => this.userModelFor(Identity),
    );
  }

  /** The app's model of that name, or the component's definition attached to `db` (LB3's autoAttach). */
  private appModel(name: string): AnyModel {
    if (this.app.models[name]) return this.app.models[name];
    if (!this.app.dataSources.db)
      throw new ConfigurationError(
        `loopline/passport: no ${name} model and no "db" data source to attach one to`,
      );
    const Model = this.app.registry.getModel(name);
    this.app.model(Model, { dataSource: 'db', public: false });
    return Model;
  }

  /** Logins and links go through the models' own `login` and `link` (an app may replace them, as in LB3). */
  private readonly backend: AccountBackend = {
    login: (provider, authScheme, profile, credentials, options) =>
      new Promise((resolve, reject) =>
        this.requireModel('userIdentityModel').login(
          provider,
          authScheme,
          profile,
          credentials,
          options,
          (err: unknown, user: unknown, identity: unknown, accessToken: unknown) =>
            err
              ? reject(typeof err === 'string' ? new ThirdPartyLoginError(err, err) : err)
              : resolve({ user, identity, accessToken: accessToken ?? undefined }),
        ),
      ),
    link: (userId, provider, authScheme, profile, credentials) =>
      new Promise((resolve, reject) =>
        this.requireModel('userCredentialModel').link(
          userId,
          provider,
          authScheme,
          profile,
          credentials,
          {},
          (err: unknown, credential: unknown) =>
            err
              ? reject(typeof err === 'string' ? new ThirdPartyLoginError(err, err) : err)
              : resolve(credential),
        ),
      ),
    markStoreError: (err) => {
      if (err && typeof err === 'object') this.storeErrors.add(err);
    },
  };

  private requireModel(key: 'userIdentityModel' | 'userCredentialModel'): AnyModel {
    if (!this[key])
      throw new ConfigurationError('loopline/passport: call setupModels() before configureProvider()');
    return this[key];
  }

  /**
   * Configures one provider (an entry of providers.json): makes its strategy, registers it with
   * passport and mounts its routes: `authPath` (default `/auth/<name>`, `/link/<name>` for
   * linking) and `callbackPath`. Returns the strategy; for OpenID Connect with an issuer, a
   * promise of it (discovery reads the issuer's configuration first; the routes wait for it).
   */
  configureProvider(name: string, options: ProviderOptions = {}): unknown {
    const { scheme, authScheme } = schemeOf(options);
    if (scheme === 'ldap' || scheme === 'saml')
      // Their strategies call back with other arguments than OAuth's; no verify of ours fits them.
      throw new ConfigurationError(
        `loopline/passport: provider "${name}": the ${scheme} scheme is not supported; use loopback-component-passport for ${scheme.toUpperCase()}`,
      );
    if (!this.userModel) this.setupModels();
    const routes = routesOf(name, options);
    const ctx: VerifyContext = {
      provider: options.provider ?? name,
      authScheme,
      link: options.link === true,
      options,
      backend: this.backend,
    };
    const stateCookie = new StateCookie({
      name: `loopline.${options.link ? 'link' : 'auth'}.${name}`,
      path: routes.callbackPath,
      secret: options.stateSecret,
      crossSitePost: routes.callbackMethod === 'post',
    });
    const session = options.session === true;

    if (scheme === 'oidc') {
      let pending: Promise<unknown> | undefined;
      const ready = () =>
        (pending ??= openIdConnectStrategy(this.load, name, options, ctx).then(
          (strategy) => {
            this.passport.use(name, strategy);
            return strategy;
          },
          (err) => {
            pending = undefined; // the next request tries discovery again
            throw err;
          },
        ));
      const sessionKey = `loopline:oidc:${name}`;
      const prepare = (req: Req) => {
        if (!req.session) req.session = cookieBackedSession(req, stateCookie, sessionKey);
        const callbackURL =
          options.callbackURL && /^https?:\/\//.test(options.callbackURL)
            ? options.callbackURL
            : `${req.protocol}://${req.get('host')}${routes.callbackPath}`;
        return { callbackURL };
      };
      const whenReady =
        (handler: (req: Req, res: Res, next: Next, extra: Record<string, unknown>) => void): Handler =>
        (req, res, next) => {
          ready().then(
            () => handler(req, res, next, prepare(req)),
            (err) => (options.json ? sendError(res, err as LooplineError) : next(err)),
          );
        };
      this.app.get(
        routes.authPath,
        whenReady((req, res, next, extra) =>
          this.passport.authenticate(name, {
            scope: options.scope,
            session,
            ...extra,
            ...options.authOptions,
          })(req, res, next),
        ),
      );
      this.mountCallback(
        name,
        routes,
        options,
        ctx,
        whenReady((req, res, next, extra) =>
          this.callback(name, routes, options, ctx, extra)(req, res, next),
        ),
      );
      // Discovery starts now; a failure is answered per request (LOGIN_PROVIDER_UNAVAILABLE, and
      // the next request tries again), never an unhandled rejection of an app that does not await.
      const discovered = ready();
      discovered.catch(() => undefined);
      return discovered;
    }

    const Strategy = this.strategyClass(name, options);
    let strategy: unknown;
    if (scheme === 'local') {
      strategy = new Strategy(
        {
          ...options,
          usernameField: options.usernameField ?? 'username',
          passwordField: options.passwordField ?? 'password',
          session: options.session,
          authInfo: true,
        },
        localVerify(this.userModel, options, this.backend.markStoreError),
      );
    } else {
      strategy = new Strategy(
        {
          ...options,
          clientID: options.clientID,
          clientSecret: options.clientSecret,
          // Without a callbackURL, the callback route (the strategy makes it absolute from the request).
          callbackURL: options.callbackURL ?? routes.callbackPath,
          passReqToCallback: true,
          // Every OAuth login carries a state checked on return (and PKCE's verifier when the
          // strategy has pkce: true), without needing a server session.
          store: options.store ?? new CookieStateStore(stateCookie),
        },
        verifyFor(scheme, ctx),
      );
    }
    this.passport.use(name, strategy);

    if (scheme === 'local') {
      this.app.post(
        routes.authPath,
        options.json
          ? this.callback(name, routes, options, ctx, {})
          : this.passport.authenticate(name, {
              successReturnToOrRedirect: options.successReturnToOrRedirect,
              successRedirect: options.successRedirect,
              failureRedirect: options.failureRedirect,
              successFlash: options.successFlash,
              failureFlash: options.failureFlash,
              scope: options.scope,
              session,
              ...options.authOptions,
            }),
      );
      return strategy;
    }
    this.app.get(
      routes.authPath,
      this.passport.authenticate(name, { scope: options.scope, session, ...options.authOptions }),
    );
    this.mountCallback(name, routes, options, ctx, this.callback(name, routes, options, ctx, {}));
    return strategy;
  }

  private mountCallback(
    name: string,
    routes: ProviderRoutes,
    options: ProviderOptions,
    ctx: VerifyContext,
    handler: Handler,
  ): void {
    const route = options.customCallback ?? handler;
    if (routes.callbackMethod === 'post') this.app.post(routes.callbackPath, route);
    else this.app.get(routes.callbackPath, route);
  }

  private strategyClass(name: string, options: ProviderOptions): new (...args: any[]) => unknown {
    if (!options.module)
      throw new ConfigurationError(`loopline/passport: provider "${name}" names no strategy module`);
    const mod = typeof options.module === 'string' ? this.load(options.module) : options.module;
    const exported = (mod as Record<string, unknown>)[options.strategy ?? 'Strategy'];
    const Strategy = typeof exported === 'function' ? exported : mod;
    if (typeof Strategy !== 'function')
      throw new ConfigurationError(
        `loopline/passport: provider "${name}": ${String(options.module)} exports no strategy class`,
      );
    return Strategy as new (...args: any[]) => unknown;
  }

  /**
   * The callback route: the strategy finishes the login (or link); success answers
   * `{access_token, userId}` under `json`, otherwise sets the access_token and userId cookies and
   * redirects to successRedirect; failure answers 401 with a code or redirects to failureRedirect.
   * Errors of the store go to the app's error handler.
   */
  private callback(
    name: string,
    routes: ProviderRoutes,
    options: ProviderOptions,
    ctx: VerifyContext,
    extra: Record<string, unknown>,
  ): Handler {
    const session = options.session === true;
    return (req, res, next) => {
      this.passport.authenticate(
        name,
        { session, ...extra, ...options.authOptions },
        (err: unknown, user: any, info: any) => {
          if (err && typeof err === 'object' && this.storeErrors.has(err)) return next(err);
          if (err || !user) {
            const what = ctx.link ? 'The account link failed' : 'The third-party login failed';
            const cause =
              err ??
              (info && typeof info === 'object' ? info : undefined) ??
              (typeof info === 'string' ? info : 'denied');
            return answerFailure(req, res, routes, options, loginErrorFrom(cause, what));
          }
          if (ctx.link) {
            req.account = info?.credential;
            if (options.json)
              return res.json({
                userId: user.id,
                provider: ctx.provider,
                externalId: info?.credential?.externalId,
              });
            return res.redirect(successLocation(req, routes, undefined, options));
          }
          const token = info?.accessToken as IssuedToken | undefined;
          const finish = () => {
            if (options.json)
              return res.json(token ? { access_token: token.id, userId: user.id } : { userId: user.id });
            if (token) setTokenCookies(req, res, token, user.id, options);
            res.redirect(successLocation(req, routes, session ? undefined : token, options));
          };
          if (!session) return finish();
          req.logIn(user, { session: true }, (loginErr: unknown) => (loginErr ? next(loginErr) : finish()));
        },
      )(req, res, next);
    };
  }
}

export { ThirdPartyLoginError, LoginProviderUnavailableError };
