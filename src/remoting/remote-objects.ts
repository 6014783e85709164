import type { Request, Response } from 'express';
import type { SharedClass } from './shared-class';
import type { SharedMethod } from './shared-method';
import type { RemotingContext } from './context';
import { compilePattern, RemoteHook, RemoteHooks } from './remote-hooks';
import { defaultRemotingPhases, RemotingPhaseHandler, RemotingPhaseList } from './phases';
import { sharedFunctionsMarked } from './shared-functions';
import { createRestHandler, RestHandler, RestOptions } from './rest/rest-adapter';

export type { RemoteHook } from './remote-hooks';
export type { RemotingPhase, RemotingPhaseHandler, RemotingPhaseList } from './phases';

export interface RemotingOptions {
  rest?: RestOptions['rest'];
  json?: RestOptions['json'];
  urlencoded?: RestOptions['urlencoded'];
  [key: string]: unknown;
}

/** The registry of shared classes and remote hooks of one app (`app.remotes()`). */
export class RemoteObjects {
  readonly options: RemotingOptions;
  readonly hooks = new RemoteHooks();
  /**
   * The phases of every invocation (LB3's `remotes.phases`): `auth` (access control) and `invoke`
   * (before-remote hooks, the method, after-remote hooks). Apps add their own steps between them.
   */
  readonly phases: RemotingPhaseList = defaultRemotingPhases();
  private readonly classMap = new Map<string, SharedClass>();
  private classVersion = 0;
  private restHandler: RestHandler | undefined;
  /**
   * Set by the app when access control is on: called for every invocation after its arguments
   * are read and coerced, before before-remote hooks; it throws (401/403) to refuse.
   */
  authorize: ((ctx: RemotingContext) => Promise<void>) | undefined = undefined;
  /**
   * Set by the app: how the REST API answers its own errors when the remoting options name an
   * `errorHandler` (strong-remoting's `remoting.errorHandler`, e.g. `{debug: true}`) and leave
   * `rest.handleErrors` on. Without that option errors go on to the app's error handler.
   */
  errorResponder:
    ((err: unknown, req: Request, res: Response, next: (err?: unknown) => void) => void) | undefined =
    undefined;

  /**
   * LB3 code reads and sets `app.remotes()._typeRegistry._options.warnWhenOverridingType` (or the
   * `types` remoting option) to silence strong-remoting's warning when a model defined again
   * replaces its remoting type. loopline never warns about that, so the flag changes nothing; it
   * is kept where LB3 code expects it.
   */
  readonly _typeRegistry: { _options: { warnWhenOverridingType: boolean } };

  constructor(options: RemotingOptions = {}) {
    this.options = options;
    const types = options.types as { warnWhenOverridingType?: unknown } | undefined;
    this._typeRegistry = { _options: { warnWhenOverridingType: types?.warnWhenOverridingType !== false } };
    // The form parser reads nested keys unless told otherwise; LB3 wrote that default back into
    // the app's remoting options, where apps and tests read it.
    if (options.urlencoded && options.urlencoded.extended === undefined) options.urlencoded.extended = true;
  }

  addClass(sharedClass: SharedClass): void {
    this.classMap.set(sharedClass.name, sharedClass);
    this.classVersion++;
  }

  /** Takes a class off the API (LB3: `app.deleteModelByName`); its routes go with the next request. */
  deleteClassByName(name: string): void {
    if (this.classMap.delete(name)) this.classVersion++;
  }

  /** The classes by name (strong-remoting's `_classes`, which LB3 code and tests read). */
  get _classes(): Record<string, SharedClass> {
    return Object.fromEntries(this.classMap);
  }

  classes(): SharedClass[] {
    return Array.from(this.classMap.values());
  }

  methods(): SharedMethod[] {
    return this.classes().flatMap((c) => c.methods());
  }

  findMethod(methodString: string): SharedMethod | undefined {
    const [className, ...rest] = methodString.split('.');
    return this.classMap.get(className)?.findMethodByName(rest.join('.'));
  }

  /** A number that changes whenever a class or one of its methods changes. */
  version(): number {
    // A function marked shared anywhere may belong to one of these classes (see shared-functions.ts).
    let v = this.classVersion + sharedFunctionsMarked() * 104729;
    for (const c of this.classMap.values()) v += c.version * 7919;
    return v;
  }

  before(pattern: string, fn: RemoteHook): void {
    this.hooks.add('before', pattern, fn);
  }

  after(pattern: string, fn: RemoteHook): void {
    this.hooks.add('after', pattern, fn);
  }

  afterError(pattern: string, fn: RemoteHook): void {
    this.hooks.add('afterError', pattern, fn);
  }

  /**
   * strong-remoting's `registerPhaseHandler('auth', 'Customer.*', fn)`: a phase handler that runs
   * only for the methods the pattern matches (`*` one name segment, `**` any number).
   */
  registerPhaseHandler(phaseName: string, methodPattern: string, handler: RemotingPhaseHandler): void {
    const matcher = compilePattern(methodPattern);
    this.phases.registerHandler(phaseName, (ctx, next) =>
      matcher.test(ctx.method.stringName) ? handler(ctx, next) : next(),
    );
  }

  handler(name: 'rest', options?: RestOptions): RestHandler {
    if (name !== 'rest') throw new Error(`Unknown remoting handler "${String(name)}"`);
    if (!options && this.restHandler) return this.restHandler;
    const handler = createRestHandler(this, { ...this.options, ...(options ?? {}) } as RestOptions);
    if (!options) this.restHandler = handler;
    return handler;
  }
}
