import type { RemotingContext } from '../context';
import type { RemoteObjects } from '../remote-objects';
import type { SharedClass } from '../shared-class';
import { AcceptArg, ReturnArg, Route, SharedMethod } from '../shared-method';

/**
 * LB3's description of the REST API (strong-remoting's `RestAdapter#getClasses()`), which LB3
 * tools and tests read through `app.handler('rest').adapter`: one RestClass per shared class and
 * one RestMethod per enabled method, named as LB3 names them (`find`, `prototype.__get__orders`),
 * with their routes and endpoints. Built on demand from the shared classes; serving requests does
 * not use it.
 */

export interface RestEndpoint {
  /** Upper case; a method served on every verb (`all`) is described as POST, as in LB3. */
  verb: string;
  /** The class path joined with the method's route, below the REST root (`/stores/:id/exists`). */
  fullPath: string;
}

type RestRouteSpec = Route & { status?: number; errorStatus?: number };

/** LB3's join of a class path and a method path: one slash between them, none added to `/`. */
function joinPaths(left: string, right: string): string {
  if (!left) return right;
  if (!right || right === '/') return left;
  const leftSlash = left.endsWith('/');
  const rightSlash = right.startsWith('/');
  if (leftSlash && rightSlash) return left + right.slice(1);
  return leftSlash || rightSlash ? left + right : `${left}/${right}`;
}

function typeName(type: unknown): string {
  if (typeof type === 'function') return String((type as { name?: string }).name ?? '').toLowerCase();
  if (typeof type === 'string') return type.toLowerCase();
  return Array.isArray(type) ? 'array' : 'undefined';
}

function defineReadOnly(target: object, name: string, value: unknown): void {
  Object.defineProperty(target, name, { value, enumerable: false, writable: false, configurable: false });
}

/**
 * LB3 hands code that reads a method's accepts the `options` argument as a function of the
 * remoting context (not the `'optionsFromRequest'` marker it was declared with); the same
 * builder the REST handler uses to fill the argument.
 */
function describeAccepts(
  accepts: AcceptArg[],
  optionsFromContext: (ctx: RemotingContext) => unknown,
): AcceptArg[] {
  return accepts.map((a) => (a.http === 'optionsFromRequest' ? { ...a, http: optionsFromContext } : a));
}

export class RestMethod {
  /** `store.find`, `store.prototype.__get__widgets`. */
  readonly fullName: string;
  /** `find`, `prototype.__get__widgets`. */
  readonly name: string;
  readonly accepts: AcceptArg[];
  readonly returns: ReturnArg[];
  readonly errors: unknown[] | undefined;
  readonly description: string | undefined;
  readonly notes: string | undefined;
  readonly documented: boolean;
  readonly isStatic: boolean;
  /** The method's routes; an instance method's are below the class's `/:id`. */
  readonly routes: RestRouteSpec[];
  declare readonly restClass: RestClass;
  declare readonly sharedMethod: SharedMethod;

  constructor(
    restClass: RestClass,
    sharedMethod: SharedMethod,
    optionsFromContext: (ctx: RemotingContext) => unknown,
  ) {
    defineReadOnly(this, 'restClass', restClass);
    defineReadOnly(this, 'sharedMethod', sharedMethod);
    this.fullName = sharedMethod.stringName;
    this.name = this.fullName.slice(sharedMethod.sharedClass.name.length + 1);
    this.isStatic = sharedMethod.isStatic;
    this.accepts = describeAccepts(sharedMethod.accepts, optionsFromContext);
    this.returns = sharedMethod.returns;
    const errors = sharedMethod.options.errors;
    this.errors = errors === undefined ? undefined : Array.isArray(errors) ? errors : [errors];
    this.description = sharedMethod.description;
    this.notes = sharedMethod.notes;
    this.documented = sharedMethod.documented;
    const ctorRoutes = restClass.ctor?.routes;
    this.routes =
      sharedMethod.isStatic || !ctorRoutes
        ? sharedMethod.routes.map((r) => ({ ...r }))
        : sharedMethod.routes.flatMap((r) =>
            ctorRoutes.map((c) => ({ ...r, path: joinPaths(c.path, r.path) })),
          );
  }

  getEndpoints(): RestEndpoint[] {
    const classPath = this.restClass.getPath();
    return this.routes.map((route) => ({
      verb: route.verb === 'all' ? 'POST' : route.verb === 'del' ? 'DELETE' : route.verb.toUpperCase(),
      fullPath: joinPaths(classPath, route.path),
    }));
  }

  /** The first endpoint's verb (LB3 kept it for older callers; getEndpoints lists them all). */
  getHttpMethod(): string {
    return this.getEndpoints()[0].verb;
  }

  getPath(): string {
    return this.routes[0].path;
  }

  getFullPath(): string {
    return this.getEndpoints()[0].fullPath;
  }

  /** The value of the accepted argument named `argName` (case-insensitive) among positional args. */
  getArgByName(argName: string, invokedArgs: unknown[]): unknown {
    const wanted = argName.toLowerCase();
    const i = this.accepts.findIndex((a) => typeof a.arg === 'string' && a.arg.toLowerCase() === wanted);
    return i === -1 ? undefined : invokedArgs[i];
  }

  /** True when the single return value is the whole body and an array. */
  isReturningArray(): boolean {
    return (
      this.returns.length === 1 && this.returns[0].root === true && typeName(this.returns[0].type) === 'array'
    );
  }

  /** True when the only argument is an object read from the whole body. */
  acceptsSingleBodyArgument(): boolean {
    if (this.accepts.length !== 1) return false;
    const only = this.accepts[0];
    return (
      typeof only.http === 'object' &&
      only.http !== null &&
      only.http.source === 'body' &&
      typeName(only.type) === 'object'
    );
  }
}

export class RestClass {
  readonly name: string;
  /** The class's own route: its path on every verb. */
  readonly routes: RestRouteSpec[];
  /** How instance methods find their instance: `/:id` with the id argument (LB3's sharedCtor). */
  readonly ctor: RestMethod;
  readonly methods: RestMethod[];
  declare readonly sharedClass: SharedClass;

  constructor(sharedClass: SharedClass, optionsFromContext: (ctx: RemotingContext) => unknown) {
    defineReadOnly(this, 'sharedClass', sharedClass);
    this.name = sharedClass.name;
    this.routes = [{ verb: 'all', path: sharedClass.http.path }];
    const sharedCtor = new SharedMethod(sharedClass, 'sharedCtor', {
      accepts: sharedClass.sharedCtorAccepts,
      http: { verb: 'all', path: '/:id' },
      documented: false,
    });
    this.ctor = new RestMethod(this, sharedCtor, optionsFromContext);
    this.methods = sharedClass.methods().map((m) => new RestMethod(this, m, optionsFromContext));
  }

  getPath(): string {
    return this.routes[0].path;
  }
}

/** `app.handler('rest').adapter`: the remotes it serves and the description of their REST API. */
export class RestAdapter {
  readonly remotes: RemoteObjects;
  /** The `rest` part of the remoting options (`normalizeHttpPath`, `handleErrors`, …), as LB3's. */
  readonly options: Record<string, unknown>;
  private readonly optionsFromContext: (ctx: RemotingContext) => unknown;

  constructor(
    remotes: RemoteObjects,
    options: Record<string, unknown>,
    optionsFromContext: (ctx: RemotingContext) => unknown,
  ) {
    this.remotes = remotes;
    this.options = options;
    this.optionsFromContext = optionsFromContext;
  }

  getClasses(): RestClass[] {
    return this.remotes.classes().map((c) => new RestClass(c, this.optionsFromContext));
  }

  /**
   * Every route of every enabled method, flat, as LB3's `allRoutes()` lists them: the path below
   * the REST root (class path joined with the method's, no trailing slash), the verb as declared
   * (lower case), the method's `Class.name` and its accepts/returns/errors (undefined when empty).
   * loopback-swagger (the LB3 explorer) builds its document from this list.
   */
  allRoutes(): RestRouteDescription[] {
    const routes: RestRouteDescription[] = [];
    for (const restClass of this.getClasses()) {
      const classPath = restClass.getPath();
      for (const method of restClass.methods) {
        for (const route of method.routes) {
          let path = route.path === '/' || route.path === '//' ? classPath : classPath + route.path;
          if (path.endsWith('/')) path = path.slice(0, -1);
          routes.push({
            verb: String(route.verb || 'all').toLowerCase(),
            path: path.replace(/\/\//g, '/'),
            description: method.description,
            notes: method.notes,
            documented: method.documented,
            method: method.fullName,
            accepts: method.accepts.length ? method.accepts : undefined,
            returns: method.returns.length ? method.returns : undefined,
            errors: method.errors?.length ? method.errors : undefined,
            http: method.sharedMethod.http,
          });
        }
      }
    }
    return routes;
  }
}

/** One entry of `RestAdapter#allRoutes()`. */
export interface RestRouteDescription {
  verb: string;
  path: string;
  description: string | undefined;
  notes: string | undefined;
  documented: boolean;
  /** `Product.find`, `Product.prototype.__get__parts`. */
  method: string;
  accepts: AcceptArg[] | undefined;
  returns: ReturnArg[] | undefined;
  errors: unknown[] | undefined;
  /** The method's `http` option as declared (`status`, `errorStatus`, the route or routes). */
  http: SharedMethod['http'];
}
