import type { RemotingContext } from './context';
import { findSharedFunctions } from './shared-functions';
import { RemoteMethodOptions, SharedMethod, AcceptArg } from './shared-method';

export interface SharedClassOptions {
  http?: { path?: string };
  normalizeHttpPath?: boolean;
}

/** A class whose methods are exposed remotely (LB3: one per model). */
export class SharedClass {
  readonly name: string;
  readonly ctor: any;
  readonly http: { path: string };
  /** How a prototype method finds its instance from the `id` path param (LB3's sharedCtor). */
  resolveInstance: ((id: unknown, ctx: RemotingContext) => Promise<object>) | undefined;
  sharedCtorAccepts: AcceptArg[] = [
    { arg: 'id', type: 'any', required: true, http: { source: 'path' }, description: 'Model id' },
  ];
  private readonly byName = new Map<string, SharedMethod>();
  /**
   * Declarations made with `declareLater`, in order, not yet made SharedMethods: they are made at
   * the first look at the methods (an app of many models declares ~30 per model at boot and
   * serves a few). Everything that reads or changes the methods declares them first.
   */
  private pending: Array<[string, RemoteMethodOptions]> | undefined;
  /**
   * Set by `adoptSharedFunctionsWhenRead`: the functions marked shared are declared at the next
   * look at the methods, as if they had been declared when that was called.
   */
  private adoptionDue = false;
  private readonly disabled = new Set<string>();
  /** `remoting.sharedMethods` of the app and the model, merged (see setSharedMethodSettings). */
  private specificSettings = new Map<string, boolean>();
  private globSettings: Array<{ pattern: RegExp; enabled: boolean }> = [];
  /** Bumped on every change so the REST adapter knows to rebuild its routes. */
  version = 0;

  constructor(name: string, ctor: any, options: SharedClassOptions = {}) {
    this.name = name;
    this.ctor = ctor;
    const path = options.http?.path ?? `/${name}`;
    // LB3 takes `http.path: "domain1/Things"` as `/domain1/Things`.
    this.http = { path: path.startsWith('/') ? path : `/${path}` };
  }

  /**
   * Declares these methods as `defineMethod` would, one after the other, when the methods are
   * first read or changed. The options are taken as given now (their values are read then).
   */
  declareLater(declarations: Array<[string, RemoteMethodOptions]>): void {
    if (!declarations.length) return;
    if (this.pending) this.pending.push(...declarations);
    else this.pending = declarations.slice();
  }

  /** Makes the pending declarations: not a change of the class, so the version stays. */
  private declarePending(): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    const version = this.version;
    for (const [name, options] of pending) this.defineMethod(name, options);
    this.version = version;
  }

  defineMethod(name: string, options: RemoteMethodOptions = {}): SharedMethod {
    this.declarePending();
    this.adoptIfDue();
    const method = new SharedMethod(
      this,
      options.isStatic === false && !name.startsWith('prototype.') ? `prototype.${name}` : name,
      options,
    );
    const key = method.isStatic ? method.name : `prototype.${method.name}`;
    this.byName.set(key, method);
    this.version++;
    return method;
  }

  /** `disableMethodByName('find')`, `('prototype.patchAttributes')`; aliases work too. */
  disableMethodByName(name: string): void {
    const method = this.findMethodByName(name);
    this.disabled.add(method ? (method.isStatic ? method.name : `prototype.${method.name}`) : name);
    this.version++;
  }

  /**
   * LB3's `remoting.sharedMethods` (config.json, model JSON options, model-config.json options):
   * `{"*": false, "find": true, "prototype.patchAttributes": false, "*__orders": false}`. A
   * method's own setting (by name, `prototype.name`, or one of its aliases) decides; otherwise
   * every glob it matches applies, and a `false` glob wins over a `true` one whatever their order
   * (as in LB3, where a glob's `false` disables the method for good). `true` also shares a method
   * declared `shared: false`. Applied when methods are listed, so methods added later (relations,
   * `remoteMethod` after the model was registered) obey the same settings.
   */
  setSharedMethodSettings(settings: Record<string, boolean>): void {
    this.specificSettings = new Map();
    this.globSettings = [];
    for (const [key, enabled] of Object.entries(settings)) {
      if (!key.includes('*')) this.specificSettings.set(key, enabled);
      else
        this.globSettings.push({
          pattern: new RegExp(key.replace(/[-[\]/{}()+?.\\^$|]/g, '\\$&').replace(/\*/g, '.*')),
          enabled,
        });
    }
    this.version++;
  }

  /** Whether the method is served: shared, not disabled by name, not disabled by the settings. */
  isMethodEnabled(method: SharedMethod): boolean {
    const prefix = method.isStatic ? '' : 'prototype.';
    const key = prefix + method.name;
    if (this.disabled.has(key)) return false;
    let specific = this.specificSettings.get(key);
    for (let i = 0; specific === undefined && i < method.aliases.length; i++)
      specific = this.specificSettings.get(prefix + method.aliases[i]);
    if (specific !== undefined) return specific;
    let enabledByGlob = false;
    for (const glob of this.globSettings) {
      if (!glob.pattern.test(key)) continue;
      if (!glob.enabled) return false;
      enabledByGlob = true;
    }
    return enabledByGlob || method.shared !== false;
  }

  methods(options: { includeDisabled?: boolean } = {}): SharedMethod[] {
    this.declarePending();
    if (this.adoptionDue) this.adoptIfDue();
    else this.adoptSharedFunctions();
    const out: SharedMethod[] = [];
    for (const m of this.byName.values()) if (options.includeDisabled || this.isMethodEnabled(m)) out.push(m);
    return out;
  }

  /**
   * What the REST handler asks of every class when it builds its routes: the functions marked
   * shared are declared at the class's next look at its methods (listing, finding, defining,
   * disabling), as if declared now — the routes of most classes are listed later, and an app of
   * many models serves its first request without walking every class's statics. The version stays
   * as it is now: the REST handler has taken it, and the declarations are no change after it.
   */
  adoptSharedFunctionsWhenRead(): void {
    this.adoptionDue = true;
  }

  private adoptIfDue(): void {
    if (!this.adoptionDue) return;
    this.adoptionDue = false;
    const version = this.version;
    this.adoptSharedFunctions();
    this.version = version;
  }

  /**
   * Declares the functions marked shared on the class (statics) or its prototype (instance
   * methods) that are not declared yet (see shared-functions.ts); a declared name is left as is.
   * Listing the methods does it; the REST handler has it done for every class at its next look
   * at its methods (`adoptSharedFunctionsWhenRead`) when it builds its routes.
   */
  adoptSharedFunctions(): void {
    if (typeof this.ctor !== 'function') return;
    // (Looking a name up makes the pending declarations, so a class without marked functions keeps them pending.)
    for (const [name, declaration] of findSharedFunctions(this.ctor)) {
      if (!this.findMethodByName(name)) this.defineMethod(name, { ...declaration, isStatic: true });
    }
    for (const [name, declaration] of findSharedFunctions(this.ctor.prototype)) {
      if (!this.findMethodByName(`prototype.${name}`))
        this.defineMethod(`prototype.${name}`, { ...declaration, isStatic: false });
    }
  }

  /**
   * LB3's `sharedClass._methods`: the declared methods, shared or not. LB3 code reads it and
   * assigns a filtered copy to drop a method; the assignment is taken as the new declarations.
   */
  get _methods(): SharedMethod[] {
    this.declarePending();
    this.adoptIfDue();
    return [...this.byName.values()];
  }

  set _methods(list: SharedMethod[]) {
    this.pending = undefined;
    this.byName.clear();
    for (const m of Array.isArray(list) ? list : [])
      if (m instanceof SharedMethod) this.byName.set(m.isStatic ? m.name : `prototype.${m.name}`, m);
    this.version++;
  }

  findMethodByName(name: string): SharedMethod | undefined {
    this.declarePending();
    this.adoptIfDue();
    const direct = this.byName.get(name);
    if (direct) return direct;
    const isProto = name.startsWith('prototype.');
    const bare = isProto ? name.slice(10) : name;
    for (const m of this.byName.values()) {
      if (m.isStatic === !isProto && m.aliases.includes(bare)) return m;
    }
    return undefined;
  }
}
