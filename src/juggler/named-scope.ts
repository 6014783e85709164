import { withCallback, splitCallback } from '../util/callback';
import { defineHidden } from '../util/own';
import { mergeQuery, mergeWhere, scopeDefaults } from './scope';
import { create } from './dao/create';
import { count, find, parseFilterArg, parseWhereArg } from './dao/find';
import { destroyAll } from './dao/delete';
import { updateAll } from './dao/update';
import type { DaoModel } from './dao/support';

/** A named scope's accessor: `Model.vips(filter?)`, with `.find`, `.count`, `.create`, … beside it. */
export type ScopeAccessor = ReturnType<typeof scopeAccessorFor>;

/** The accessor of the named scope `name` on a model (inherited scopes included). */
export function namedScope(Model: object, name: string): ScopeAccessor {
  return (Model as Record<string, ScopeAccessor>)[name];
}

/**
 * A named scope: `Model.vips(filter?, options?, cb?)` finds within the scope, with `.find`,
 * `.count`, `.create`, `.updateAll` and `.destroyAll` beside it, as LB3's scope objects.
 */
export function defineScope(Model: DaoModel, name: string, scope: Record<string, any>): void {
  defineHidden(Model, name, scopeAccessorFor(Model, scope));
  const scopes = Object.prototype.hasOwnProperty.call(Model, '__scopes')
    ? Model.__scopes!
    : (Model.__scopes = { ...(Model.__scopes ?? {}) });
  scopes[name] = scope;
  // A scope defined once the model's REST face exists (a boot script's `Model.scope(...)`) gets
  // its endpoints at once, as the relations do.
  Model.modelBuilder?.emit('scope', Model, name);
}

function scopeAccessorFor(Model: DaoModel, scope: Record<string, any>) {
  const where = scope.where as Record<string, any> | undefined;
  const doFind = (...args: unknown[]) => {
    const { args: p, cb } = splitCallback(args);
    return withCallback(
      Promise.resolve().then(() => find(Model, mergeQuery(parseFilterArg(p[0]), scope), p[1])),
      cb,
    );
  };
  const accessor = Object.assign(doFind, {
    find: doFind,
    count(...args: unknown[]) {
      const { args: p, cb } = splitCallback(args);
      return withCallback(
        Promise.resolve().then(() => count(Model, mergeWhere(parseWhereArg(p[0]), where), p[1])),
        cb,
      );
    },
    create(...args: unknown[]) {
      const { args: p, cb } = splitCallback(args);
      const defaults = scopeDefaults(where);
      return withCallback(
        Promise.resolve().then(() => create(Model, { ...(p[0] as object), ...(defaults ?? {}) }, p[1])),
        cb,
      );
    },
    updateAll(...args: unknown[]) {
      const { args: p, cb } = splitCallback(args);
      return withCallback(
        Promise.resolve().then(() => updateAll(Model, mergeWhere(parseWhereArg(p[0]), where), p[1], p[2])),
        cb,
      );
    },
    destroyAll(...args: unknown[]) {
      const { args: p, cb } = splitCallback(args);
      return withCallback(
        Promise.resolve().then(() => destroyAll(Model, mergeWhere(parseWhereArg(p[0]), where), p[1])),
        cb,
      );
    },
    _scope: scope,
  });
  return accessor;
}
