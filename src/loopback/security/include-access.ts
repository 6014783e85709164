import { InvalidFilterError } from '../../errors';
import { filterLimits, FilterLimits, resolveLimits } from '../../juggler';
import { isPolymorphicBelongsTo, polymorphicTargetModels } from './polymorphic-access';

/**
 * The ACL check of a REST filter's `include`: READ on the target of every relation it names, at
 * every level. LB3 checked no include at all, so a client could read through `include` what the
 * target's own endpoints refuse; `"checkIncludeAccess": false` in config.json restores that.
 */

import type { ModelClass } from '../model-api/registry';

/** Relation names a client filter's `include` asks for, with the nested includes of each. */
function includedRelations(include: unknown, out: Array<[string, unknown]> = []): Array<[string, unknown]> {
  if (typeof include === 'string') out.push([include, undefined]);
  else if (Array.isArray(include)) for (const i of include) includedRelations(i, out);
  else if (include && typeof include === 'object') {
    const o = include as Record<string, unknown>;
    if (typeof o.relation === 'string') {
      const scope = o.scope as Record<string, unknown> | undefined;
      out.push([o.relation, scope && typeof scope === 'object' ? scope.include : undefined]);
    } else for (const [k, v] of Object.entries(o)) out.push([k, v]);
  }
  return out;
}

/** The include depth the DAO accepts for a filter on `Model` (its data source's `filterLimits`). */
function includeDepthLimit(Model: ModelClass): number {
  return resolveLimits(filterLimits(Model) as FilterLimits | undefined).maxDepth;
}

/** Whether the app checks includes (the default); `"checkIncludeAccess": false` is LB3's unchecked include. */
export function includeAccessChecked(app: any): boolean {
  return app?.get?.('checkIncludeAccess') !== false;
}

/**
 * Calls `read(Target)` (which throws when the caller may not `find` on Target) for the target of
 * every relation the filter includes, at every level: the walk has no depth of its own, and an
 * include nested deeper than the DAO would run (the same `maxDepth`) is refused here, so no level
 * is ever run unchecked. Each target is judged as its own `find` (no row): an include shows at
 * most what the caller may list at the target's endpoint, so `$owner`-only targets are not
 * includable. A relation with `options.disableInclude` (User's `accessTokens`) is never run by an
 * include, so neither it nor what it nests is checked. A model's decision is taken once per
 * request, however often the filter names it.
 */
export async function checkIncludes(
  app: any,
  Model: ModelClass,
  include: unknown,
  read: (Target: ModelClass) => Promise<void>,
): Promise<void> {
  if (!includeAccessChecked(app)) return;
  const limit = includeDepthLimit(Model);
  const decided = new Map<ModelClass, Promise<void>>();
  const readOnce = (M: ModelClass) => {
    let done = decided.get(M);
    if (!done) decided.set(M, (done = read(M)));
    return done;
  };
  const walk = async (From: ModelClass, value: unknown, depth: number): Promise<void> => {
    if (value === undefined || value === null) return;
    if (depth > limit) throw new InvalidFilterError(`include is nested deeper than ${limit} levels`);
    for (const [name, nested] of includedRelations(value)) {
      const rel = From.relations?.[name];
      if (rel?.disableInclude) continue;
      if (isPolymorphicBelongsTo(rel)) {
        for (const Target of polymorphicTargetModels(rel)) {
          await readOnce(Target);
          await walk(Target, nested, depth + 1);
        }
        continue;
      }
      const To = rel?.modelTo;
      if (!To) continue;
      await readOnce(To);
      if (rel.modelThrough) await readOnce(rel.modelThrough);
      await walk(To, nested, depth + 1);
    }
  };
  await walk(Model, include, 1);
}
