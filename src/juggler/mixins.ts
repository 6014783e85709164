import { ConfigurationError } from '../errors';
import { hasOwn } from '../util/own';

export type MixinFn = (Model: any, options: Record<string, unknown>) => void;

/** Registered mixin functions, applied by name from a model's `mixins` setting. */
export class MixinRegistry {
  private readonly mixins: Record<string, MixinFn> = Object.create(null);

  define(name: string, fn: MixinFn): void {
    if (typeof fn !== 'function') throw new ConfigurationError(`Mixin "${name}" must be a function`);
    this.mixins[name] = fn;
  }

  get(name: string): MixinFn | undefined {
    return hasOwn(this.mixins, name) ? this.mixins[name] : undefined;
  }

  names(): string[] {
    return Object.keys(this.mixins);
  }
}

/** `mixins: {TimeStamp: true, Owner: {field: 'ownerId'}}`; `false` turns an inherited mixin off. */
export function applyMixins(registry: MixinRegistry, Model: any, config: Record<string, unknown>): void {
  for (const [name, options] of Object.entries(config)) {
    if (options === false || options === null) continue;
    const fn = registry.get(name);
    if (!fn)
      throw new ConfigurationError(
        `Model "${Model.modelName}" uses an unknown mixin "${name}"`,
        'UNKNOWN_MIXIN',
      );
    fn(Model, typeof options === 'object' ? (options as Record<string, unknown>) : {});
  }
}
