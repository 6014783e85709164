import { AccessContext } from './access-context';
import { AclRule, ALL, normalizeRules } from './acl-resolver';

/**
 * The ACL rules that apply to a model: its JSON `acls`, those of its properties, and the rows of
 * the ACL model.
 */

import type { ModelClass } from '../model-api/registry';

/** The rules a property's definition carries (`properties.name.acls`), for that property. */
export function propertyRules(Model: ModelClass): unknown[] {
  const out: unknown[] = [];
  for (const [name, def] of Object.entries((Model?.definition?.properties ?? {}) as Record<string, any>)) {
    const acls = def?.raw?.acls;
    if (Array.isArray(acls))
      for (const a of acls) if (a && typeof a === 'object') out.push({ ...a, property: name });
  }
  return out;
}

/**
 * The model's rules: JSON `acls` (accumulated through `base`), those of its properties, and the
 * ACL model's rows for it (`ACL` is the app's unless given, as `ACL.checkAccessForContext` does).
 */
export async function rulesFor(
  ctx: AccessContext,
  ACL: ModelClass = ctx.app?.models?.ACL,
): Promise<AclRule[]> {
  const rules = normalizeRules(
    [...(ctx.model?.settings?.acls ?? []), ...propertyRules(ctx.model)],
    ctx.modelName,
  );
  if (ACL?.dataSource && typeof ACL.find === 'function') {
    const rows: any[] = await ACL.find({ where: { model: { inq: [ctx.modelName, ALL] } } });
    rules.push(
      ...normalizeRules(
        rows.map((r) => (typeof r.toJSON === 'function' ? r.toJSON() : r)),
        ctx.modelName,
      ),
    );
  }
  return rules;
}
