import type { Scope } from './options';

type AnyModel = any;

interface MethodLike {
  name: string;
  aliases?: string[];
  isStatic?: boolean;
  accessType?: string;
  options: { accessScopes?: unknown; accessType?: unknown };
}

const ACCESS_TYPES = new Set(['READ', 'WRITE', 'EXECUTE']);

/** LB3's default accessType of a method, by its name, as ACLs judge it. */
function accessTypeOf(method: MethodLike): string {
  const given = method.accessType ?? method.options.accessType;
  if (typeof given === 'string') return given.toUpperCase();
  return /^(find|exists|count|get|__get__|__count__|__findById__|__exists__)/.test(method.name)
    ? 'READ'
    : /^(create|upsert|update|replace|patch|destroy|delete|remove|__create__|__update|__destroy|__delete|__link|__unlink)/.test(
          method.name,
        )
      ? 'WRITE'
      : 'EXECUTE';
}

function covers(entries: string[], method: MethodLike): boolean {
  const names = [method.name, ...(method.aliases ?? [])];
  return entries.some(
    (e) => e === '*' || names.includes(e) || (ACCESS_TYPES.has(e) && accessTypeOf(method) === e),
  );
}

/**
 * The scope map becomes LB3's `accessScopes` on the methods it names, beside `DEFAULT` (which
 * keeps ordinary session tokens working): the REST authorizer then opens a method to an OAuth
 * token only when one of its scopes lists it, before any ACL or hook runs. The method's options
 * object is replaced, not changed, since models may share their definitions' objects.
 */
export function applyScopes(Model: AnyModel, scopes: Map<string, Scope>): void {
  const sharedClass = Model?.sharedClass;
  if (!sharedClass || typeof sharedClass.methods !== 'function') return;
  const lists: Array<[string, string[]]> = [];
  for (const scope of scopes.values()) {
    const entries = scope.models[Model.modelName];
    if (entries) lists.push([scope.name, entries]);
  }
  if (!lists.length) return;
  for (const method of sharedClass.methods({ includeDisabled: true }) as MethodLike[]) {
    const add = lists.filter(([, entries]) => covers(entries, method)).map(([name]) => name);
    if (!add.length) continue;
    const declared = method.options.accessScopes;
    const current: string[] = Array.isArray(declared) && declared.length ? declared.map(String) : ['DEFAULT'];
    const next = [...new Set([...current, ...add])];
    if (next.length !== current.length)
      (method as { options: object }).options = { ...method.options, accessScopes: next };
  }
}
