import type { RemotingContext } from '../../remoting/context';
import { AccessContext } from './access-context';
import {
  AccessRequest,
  AclRule,
  ALLOW,
  APP,
  DEFAULT,
  DENY,
  matchingScore,
  resolvePermission,
  ROLE,
  SCOPE,
} from './acl-resolver';
import { rulesFor } from './access-rules';
import { principalTypeNames, sameId } from './principal';
import { isInRole } from './role-membership';

/**
 * The access decision on an access context: the model's rules resolved for the request's
 * principals, with the model's (else the app's) default permission.
 */

import type { ModelClass } from '../model-api/registry';

async function hasPrincipal(rule: AclRule, ctx: AccessContext): Promise<boolean> {
  const id = rule.principalId;
  switch (rule.principalType) {
    case APP:
      return sameId(id, ctx.appId);
    case ROLE:
      if (ctx.principals.some((p) => p.type === ROLE && sameId(p.id, id))) return true;
      return typeof id === 'string' ? isInRole(id, ctx) : false;
    case SCOPE:
      return ctx.principals.some((p) => p.type === SCOPE && sameId(p.id, id));
    default:
      return principalTypeNames(ctx.principal, rule.principalType, id);
  }
}

export interface AccessDecision {
  allowed: boolean;
  permission: string;
  rule?: AclRule;
  /** With `checkAccess(ctx, {authorizedRoles: true})`: the roles that granted the access. */
  authorizedRoles?: Record<string, boolean>;
}

export async function checkAccess(
  ctx: AccessContext,
  options: { authorizedRoles?: boolean; acl?: ModelClass } = {},
): Promise<AccessDecision> {
  const rules = await rulesFor(ctx, options.acl);
  const req: AccessRequest = {
    model: ctx.modelName,
    property: ctx.property,
    methodNames: ctx.methodNames,
    accessType: ctx.accessType,
  };
  const defaultPermission = String(
    ctx.model?.settings?.defaultPermission ?? ctx.app?.get?.('defaultPermission') ?? ALLOW,
  ).toUpperCase();
  const known = new Map<AclRule, Promise<boolean>>();
  const has = (rule: AclRule): Promise<boolean> => {
    let p = known.get(rule);
    if (!p) known.set(rule, (p = hasPrincipal(rule, ctx)));
    return p;
  };
  const decision = await resolvePermission(rules, req, has, defaultPermission);
  const allowed = decision.permission !== DENY;
  const out: AccessDecision = { allowed, permission: decision.permission, rule: decision.rule };
  if (options.authorizedRoles)
    out.authorizedRoles = allowed
      ? await authorizedRoles(rules, req, has, ctx.model?.settings?.defaultPermission)
      : {};
  return out;
}

/**
 * LB3's `authorizedRoles`: every role of a rule that applies to the request, allows it (a
 * DEFAULT rule by the model's default permission) and holds for the caller.
 */
async function authorizedRoles(
  rules: AclRule[],
  req: AccessRequest,
  has: (rule: AclRule) => Promise<boolean>,
  modelDefault: unknown,
): Promise<Record<string, boolean>> {
  const roles: Record<string, boolean> = {};
  for (const rule of rules) {
    if (rule.principalType !== ROLE || typeof rule.principalId !== 'string' || matchingScore(rule, req) < 0)
      continue;
    const permission =
      rule.permission === DEFAULT ? String(modelDefault ?? ALLOW).toUpperCase() : rule.permission;
    if (permission !== DENY && (await has(rule))) roles[rule.principalId] = true;
  }
  return roles;
}

/** LB3 hands the roles that granted a remote call to the method's `options` argument, when it has one. */
function optionsOf(remotingContext: unknown): Record<string, unknown> | undefined {
  const options = (remotingContext as RemotingContext | undefined)?.args?.options;
  return options && typeof options === 'object' ? (options as Record<string, unknown>) : undefined;
}

/**
 * Decides an access context and, when it carries a remoting context whose method takes options,
 * records there the roles that granted it (an empty object when denied), as LB3's
 * `ACL.checkAccessForContext` does.
 */
export async function checkAccessRecordingRoles(
  ctx: AccessContext,
  acl?: ModelClass,
): Promise<AccessDecision> {
  const options = optionsOf(ctx.remotingContext);
  const decision = await checkAccess(ctx, { authorizedRoles: !!options, acl });
  if (options) options.authorizedRoles = decision.authorizedRoles;
  return decision;
}
