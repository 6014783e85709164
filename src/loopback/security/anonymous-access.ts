import type { SharedMethod } from '../../remoting/shared-method';
import {
  AclRule,
  ALLOW,
  AUTHENTICATED,
  DENY,
  EVERYONE,
  normalizeRules,
  OWNER,
  READ,
  resolvePermissionNow,
  ROLE,
  UNAUTHENTICATED,
} from './acl-resolver';
import { propertyRules } from './access-rules';
import { accessTypeOf, modelCheckAccess } from './model-check-access';
import { RELATION_METHOD, TARGET_ALIASES, TARGET_PROPERTY } from './relation-targets';
import { isPolymorphicBelongsTo } from './polymorphic-access';
import type { ModelClass } from '../model-api/registry';

/**
 * May a caller without an access token call a remote method? Decided before any request, from
 * what is known then: whether access control is on, the models' JSON ACLs (their properties'
 * too) and default permissions, resolved as the authorizer resolves them for a caller that has
 * only the `$everyone` and `$unauthenticated` roles. What only a request can tell leaves the
 * answer at "no" (a token may be needed): rows of the ACL model, a role resolver that might
 * count an anonymous caller in, a model's own `checkAccess`, a polymorphic relation's target.
 * The API explorer puts its padlock on the methods this says no to.
 */

type ModelLike = ModelClass;

interface AppLike {
  isAuthEnabled?: boolean;
  get(name: string): any;
  models?: Record<string, any>;
}

/** A method that reads the caller's token as an argument (LB3's `logout`) does nothing without one. */
function readsAccessToken(method: SharedMethod): boolean {
  return method.accepts.some((a) => typeof a.http === 'function' && /access_?token/i.test(a.arg));
}

/** Whether an anonymous caller has the rule's principal: yes, no, or unknown before a request. */
function anonymousHas(rule: AclRule, roleResolvers: Record<string, unknown>): boolean | undefined {
  if (rule.principalType !== ROLE) return false; // a user, an application, a scope: all need a token
  switch (rule.principalId) {
    case EVERYONE:
    case UNAUTHENTICATED:
      return true;
    case AUTHENTICATED:
    case OWNER:
      return false;
  }
  // A static role is granted through RoleMapping rows naming users, applications or roles: none
  // holds without a token. A resolver is code: it could say yes.
  return typeof rule.principalId === 'string' && roleResolvers[rule.principalId] ? undefined : false;
}

function allowsAnonymous(
  app: AppLike,
  Model: ModelLike,
  property: string,
  methodNames: string[],
  accessType: string,
): boolean {
  const modelName = String(Model.modelName);
  const rules = normalizeRules([...(Model.settings?.acls ?? []), ...propertyRules(Model)], modelName);
  const req = { model: modelName, property, methodNames, accessType };
  const defaultPermission = String(
    Model.settings?.defaultPermission ?? app.get('defaultPermission') ?? ALLOW,
  ).toUpperCase();
  const resolvers: Record<string, unknown> = app.models?.Role?.resolvers ?? {};
  // An unknown principal is tried both ways: the caller is let in only if it is either way.
  return [true, false].every(
    (unknownAs) =>
      resolvePermissionNow(
        rules,
        req,
        (rule) => anonymousHas(rule, resolvers) ?? unknownAs,
        defaultPermission,
      ).permission !== DENY,
  );
}

export function anonymousMayCall(app: AppLike, method: SharedMethod): boolean {
  if (readsAccessToken(method)) return false;
  const Model = method.sharedClass.ctor as ModelLike | undefined;
  if (!app.isAuthEnabled || typeof (Model as unknown) !== 'function' || !Model?.modelName) return true;
  if (Model.checkAccess !== modelCheckAccess) return false;
  if (
    !allowsAnonymous(app, Model, method.name, [method.name, ...method.aliases], accessTypeOf(Model, method))
  )
    return false;
  // A relation method is also checked against the related model, as the authorizer does.
  const m = RELATION_METHOD.exec(method.name);
  const rel = m && !method.isStatic ? Model.relations?.[m[2]] : undefined;
  if (!m || !rel) return true;
  if (isPolymorphicBelongsTo(rel)) return false;
  if (!rel.modelTo) return true;
  const [property, accessType] = TARGET_PROPERTY[m[1]] ?? ['find', method.accessType ?? READ];
  const target = m[1] === 'link' || m[1] === 'unlink' ? (rel.modelThrough ?? rel.modelTo) : rel.modelTo;
  return allowsAnonymous(app, target, property, [property, ...(TARGET_ALIASES[property] ?? [])], accessType);
}
