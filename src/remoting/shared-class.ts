import type { RemotingContext } from './context';
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
  sharedCtorAccepts: AcceptArg[] = [{ arg: 'id', type: 'any', required: true, http: { source: 'path' }, description: 'Model id' }];
  private readonly byName = new Map<string, SharedMethod>();
  private readonly disabled = new Set<string>();
  /** Bumped on every change so the REST adapter knows to rebuild its routes. */
  version = 0;

  constructor(name: string, ctor: any, options: SharedClassOptions = {}) {
    this.name = name;
    this.ctor = ctor;
    this.http = { path: options.http?.path ?? `/${name}` };
  }

  defineMethod(name: string, options: RemoteMethodOptions = {}): SharedMethod {
    const method = new SharedMethod(this, options.isStatic === false && !name.startsWith('prototype.') ? `prototype.${name}` : name, options);
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

  methods(options: { includeDisabled?: boolean } = {}): SharedMethod[] {
    const out: SharedMethod[] = [];
    for (const [key, m] of this.byName) if (options.includeDisabled || !this.disabled.has(key)) out.push(m);
    return out;
  }

  findMethodByName(name: string): SharedMethod | undefined {
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
