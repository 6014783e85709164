/**
 * LB3's ACL resolution, as data: every rule gets a specificity score against the request (model,
 * property, accessType; then principal type; then the role's specificity; then the permission, so
 * DENY beats ALLOW at equal specificity), the rules are tried from the most specific down, and the
 * first whose principal the request has decides. No rule: the model's `defaultPermission` (ALLOW).
 */

export const ALL = '*';
export const ALLOW = 'ALLOW';
export const DENY = 'DENY';
export const DEFAULT = 'DEFAULT';
export const READ = 'READ';
export const WRITE = 'WRITE';
export const EXECUTE = 'EXECUTE';
export const REPLICATE = 'REPLICATE';
export const USER = 'USER';
export const APP = 'APP';
export const APPLICATION = 'APPLICATION';
export const ROLE = 'ROLE';
export const SCOPE = 'SCOPE';

export const EVERYONE = '$everyone';
export const AUTHENTICATED = '$authenticated';
export const UNAUTHENTICATED = '$unauthenticated';
export const OWNER = '$owner';
export const RELATED = '$related';

export interface AclRule {
  model?: string;
  property?: string;
  accessType?: string;
  permission?: string;
  principalType?: string;
  principalId?: string | number;
}

export interface AccessRequest {
  model: string;
  property: string;
  /** The method's name and its aliases: a rule naming any of them matches. */
  methodNames: string[];
  accessType: string;
}

const PERMISSION_ORDER: Record<string, number> = { DEFAULT: 1, ALLOW: 2, ALARM: 3, AUDIT: 4, DENY: 5 };

const BUILTIN_PRINCIPAL_TYPES = new Set([USER, APP, APPLICATION, ROLE, SCOPE]);

/** The built-in principal types in upper case; any other (a user model's name) as written, as LB3 compares it. */
function principalTypeOf(type: string): string {
  const upper = type.toUpperCase();
  return BUILTIN_PRINCIPAL_TYPES.has(upper) ? upper : type;
}

/** Rules with `property: ['a', 'b']` become one rule per name; names are upper-cased where LB3 does. */
export function normalizeRules(rules: unknown, modelName: string): AclRule[] {
  if (!Array.isArray(rules)) return [];
  const out: AclRule[] = [];
  for (const raw of rules) {
    if (!raw || typeof raw !== 'object') continue;
    const r = raw as Record<string, unknown>;
    const base: AclRule = {
      model: typeof r.model === 'string' ? r.model : modelName,
      accessType: typeof r.accessType === 'string' ? r.accessType.toUpperCase() : ALL,
      permission: typeof r.permission === 'string' ? r.permission.toUpperCase() : DEFAULT,
      principalType: typeof r.principalType === 'string' ? principalTypeOf(r.principalType) : undefined,
      principalId: r.principalId as string | number | undefined,
    };
    if (base.principalType === APPLICATION) base.principalType = APP;
    const props = Array.isArray(r.property) ? r.property : [r.property];
    for (const p of props) out.push({ ...base, property: typeof p === 'string' && p ? p : ALL });
  }
  return out;
}

/** How specifically `rule` matches `req`; -1 when it does not apply at all. */
export function matchingScore(rule: AclRule, req: AccessRequest): number {
  let score = 0;
  for (const prop of ['model', 'property', 'accessType'] as const) {
    score *= 4;
    const ruleValue = rule[prop] || ALL;
    const requested = req[prop] || ALL;
    const isMethodName = prop === 'property' && req.methodNames.includes(ruleValue);
    let exact = ruleValue === requested;
    if (prop === 'accessType' && !exact) {
      // As LB3: an EXECUTE rule covers READ and WRITE requests; WRITE covers REPLICATE.
      if (ruleValue === EXECUTE) exact = true;
      else if (ruleValue === WRITE) exact = requested === REPLICATE;
    }
    if (isMethodName || exact) score += 3;
    else if (ruleValue === ALL) score += 2;
    else if (requested === ALL) score += 1;
    else return -1;
  }
  score *= 4;
  switch (rule.principalType) {
    case USER:
      score += 4;
      break;
    case APP:
      score += 3;
      break;
    case ROLE:
      score += 2;
      break;
    default:
      // A user model's name is a user principal, as specific as USER (LB3 ranked it below roles,
      // so an ALLOW for one Staff user lost to any role rule at the same level).
      score += rule.principalType && !BUILTIN_PRINCIPAL_TYPES.has(rule.principalType) ? 4 : 1;
  }
  score *= 8;
  if (rule.principalType === ROLE) {
    switch (rule.principalId) {
      case OWNER:
        score += 4;
        break;
      case RELATED:
        score += 3;
        break;
      case AUTHENTICATED:
      case UNAUTHENTICATED:
        score += 2;
        break;
      case EVERYONE:
        score += 1;
        break;
      default:
        // A named (static or resolver) role is the most specific kind of role.
        score += 5;
    }
  }
  score *= 4;
  score += (PERMISSION_ORDER[rule.permission ?? ALLOW] ?? 2) - 1;
  return score;
}

export interface Decision {
  permission: string;
  rule: AclRule | undefined;
}

/** A request for no particular property or access type (LB3: `AccessRequest.isWildcard`). */
function isWildcard(req: AccessRequest): boolean {
  return req.model === ALL || req.property === ALL || req.accessType === ALL;
}

function exactlyMatches(rule: AclRule, req: AccessRequest): boolean {
  return (
    rule.model === req.model &&
    rule.accessType === req.accessType &&
    (rule.property === req.property || req.methodNames.includes(String(rule.property)))
  );
}

/**
 * Resolves `req` against `rules` as LB3 does: most specific first, and the first rule whose
 * principal the request has decides (a DEFAULT rule by the model's default permission).
 * Principals are checked lazily (a role may need a query) and only for rules that could decide.
 * A wildcard request (property or access type `*`, as `ACL.checkPermission` may ask) passes over
 * DEFAULT rules unless one names exactly what was asked.
 */
export async function resolvePermission(
  rules: AclRule[],
  req: AccessRequest,
  hasPrincipal: (rule: AclRule) => Promise<boolean>,
  defaultPermission = ALLOW,
): Promise<Decision> {
  const settled = (p: string | undefined) =>
    (p === DEFAULT ? defaultPermission : p) === DENY ? DENY : ALLOW;
  for (const rule of decidingOrder(rules, req)) {
    if (!(await hasPrincipal(rule))) continue;
    return { permission: settled(rule.permission), rule };
  }
  return { permission: settled(DEFAULT), rule: undefined };
}

/**
 * The same resolution when whether the caller has each principal is known without asking (the
 * explorer's question: may a caller without a token call this?).
 */
export function resolvePermissionNow(
  rules: AclRule[],
  req: AccessRequest,
  hasPrincipal: (rule: AclRule) => boolean,
  defaultPermission = ALLOW,
): Decision {
  const settled = (p: string | undefined) =>
    (p === DEFAULT ? defaultPermission : p) === DENY ? DENY : ALLOW;
  const rule = decidingOrder(rules, req).find(hasPrincipal);
  return { permission: settled(rule ? rule.permission : DEFAULT), rule };
}

/** The rules that apply to `req`, most specific first, without the DEFAULT rules a wildcard request passes over. */
function decidingOrder(rules: AclRule[], req: AccessRequest): AclRule[] {
  const wildcard = isWildcard(req);
  return rules
    .map((rule, i) => ({ rule, i, score: matchingScore(rule, req) }))
    .filter(
      (s) => s.score >= 0 && (!wildcard || s.rule.permission !== DEFAULT || exactlyMatches(s.rule, req)),
    )
    .sort((a, b) => b.score - a.score || a.i - b.i)
    .map((s) => s.rule);
}

/**
 * LB3's `ACL.resolvePermission(acls, req)`: the same ordering and wildcard rule over rules whose
 * principals the caller has already chosen (no principal is checked here). DEFAULT when none applies.
 */
export function resolveRulesPermission(rules: AclRule[], req: AccessRequest): string {
  return decidingOrder(rules, req)[0]?.permission ?? DEFAULT;
}
