import { AccessContext } from './access-context';
import { APP, AUTHENTICATED, EVERYONE, OWNER, ROLE, UNAUTHENTICATED } from './acl-resolver';
import { isOwner } from './owner';
import { principalTypeNames, sameId } from './principal';

/**
 * Role membership: whether the request's principal is in a role, by the built-in roles, an app's
 * registered role resolvers, then the Role and RoleMapping models' rows.
 */

export type RoleResolver = (
  role: string,
  context: AccessContext,
  cb?: (err: unknown, yes?: boolean) => void,
) => unknown;

/** Calls a resolver written in either style: callback `(role, ctx, cb)` or returning a value/promise. */
function callResolver(fn: RoleResolver, role: string, ctx: AccessContext): Promise<boolean> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const cb = (err: unknown, yes?: boolean) => {
      if (settled) return;
      settled = true;
      if (err) reject(err);
      else resolve(!!yes);
    };
    try {
      const ret = fn(role, ctx, cb);
      if (ret !== undefined && !settled) {
        if (isThenable(ret))
          ret.then(
            (v: unknown) => cb(null, !!v),
            (e: unknown) => cb(e ?? new Error('role resolver failed')),
          );
        else cb(null, !!ret);
      }
    } catch (err) {
      cb(err);
    }
  });
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return !!value && typeof (value as { then?: unknown }).then === 'function';
}

/** Is the request's principal in `role`? Built-in roles, registered resolvers, then Role+RoleMapping. */
export async function isInRole(role: string, ctx: AccessContext, depth = 0): Promise<boolean> {
  switch (role) {
    case EVERYONE:
      return true;
    case AUTHENTICATED:
      return ctx.isAuthenticated();
    case UNAUTHENTICATED:
      return !ctx.isAuthenticated();
    case OWNER:
      return isOwner(ctx);
  }
  const Role = ctx.app?.models?.Role ?? ctx.registry?.findModel?.('Role');
  const resolver = Role?.resolvers?.[role] as RoleResolver | undefined;
  if (resolver) return callResolver(resolver, role, ctx);
  if (depth > 8 || !Role?.dataSource) return false;
  const RoleMapping = ctx.app?.models?.RoleMapping ?? ctx.registry?.findModel?.('RoleMapping');
  if (!RoleMapping?.dataSource) return false;
  const found = await Role.findOne({ where: { name: role } });
  if (!found) return false;
  const mappings: any[] = await RoleMapping.find({ where: { roleId: found.id } });
  for (const m of mappings) {
    const type = String(m.principalType ?? '').toUpperCase();
    if (principalTypeNames(ctx.principal, m.principalType, m.principalId)) return true;
    if ((type === APP || type === 'APPLICATION') && sameId(m.principalId, ctx.appId)) return true;
    if (type === ROLE) {
      if (ctx.principals.some((p) => p.type === ROLE && sameId(p.id, m.principalId))) return true;
      const inner = await Role.findById(m.principalId).catch(() => null);
      if (inner && inner.name !== role && (await isInRole(inner.name, ctx, depth + 1))) return true;
    }
  }
  return false;
}
