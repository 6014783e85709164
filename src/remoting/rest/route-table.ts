import type { SharedClass } from '../shared-class';
import type { AcceptArg, ReturnArg, SharedMethod } from '../shared-method';

/** One REST route: ONE plain list, mounted by the adapter and described by the explorer. */
export interface RestRoute {
  verb: string;
  /** Full Express path below the REST root, e.g. `/Customers/:id/exists`. */
  path: string;
  method: SharedMethod;
  sharedClass: SharedClass;
  accepts: AcceptArg[];
  returns: ReturnArg[];
  status: number | undefined;
  errorStatus: number | undefined;
}

function joinPath(base: string, sub: string): string {
  const b = base.replace(/\/+$/, '');
  const s = sub === '/' || sub === '' ? '' : sub.startsWith('/') ? sub : `/${sub}`;
  return (b + s || '/').replace(/\/{2,}/g, '/');
}

/** LB3 path syntax to Express 5: regex-constrained params (`:id(\\d+)`) lose the constraint. */
function toExpressPath(path: string): string {
  return path.replace(/:(\w+)\([^)]*\)/g, ':$1');
}

/**
 * Literal segments before parameters, so `/Customers/count` wins over `/Customers/:id`. A route's
 * shape (literal or parameter per segment) is compared lexicographically, shorter first, which
 * keeps the comparison a total order; equal shapes keep declaration order. The shapes are read
 * once per route (`shapeOf`), not once per comparison.
 */
function compareShapes(sa: boolean[], sb: boolean[]): number {
  for (let i = 0; i < Math.min(sa.length, sb.length); i++) {
    if (sa[i] !== sb[i]) return sa[i] ? 1 : -1;
  }
  return sa.length - sb.length;
}

/** Per segment of the path (split at `/`): whether it is a parameter. */
function shapeOf(path: string): boolean[] {
  return path.split('/').map((segment) => segment.startsWith(':'));
}

/** The words of a path segment as lodash's kebabCase finds them (`UserAccounts`, `HTTPServer2`). */
const WORD = /[A-Z]{2,}(?=[A-Z][a-z]|[^A-Za-z]|$)|[A-Z]?[a-z]+|[A-Z]+|[0-9]+/g;

/**
 * strong-remoting's `normalizeHttpPath`: every literal segment in dashed lower case
 * (`/UserAccounts/:id/userRoles` → `/user-accounts/:id/user-roles`); parameters are kept.
 */
export function normalizeHttpPath(path: string): string {
  return path
    .split('/')
    .map((segment) =>
      segment.startsWith(':') || segment === ''
        ? segment
        : (segment.match(WORD) ?? []).map((w) => w.toLowerCase()).join('-'),
    )
    .join('/');
}

/** A model's `remoting.normalizeHttpPath` setting wins over the app's `remoting.rest` one, as LB3. */
function normalizesPaths(sharedClass: SharedClass, appLevel: boolean | undefined): boolean {
  const own = (sharedClass.ctor as { settings?: { remoting?: { normalizeHttpPath?: unknown } } } | undefined)
    ?.settings?.remoting?.normalizeHttpPath;
  return typeof own === 'boolean' ? own : appLevel === true;
}

export function buildRouteTable(
  classes: SharedClass[],
  rest: { normalizeHttpPath?: boolean } = {},
): RestRoute[] {
  const routes: RestRoute[] = [];
  for (const sharedClass of classes) {
    const normalize = normalizesPaths(sharedClass, rest.normalizeHttpPath);
    for (const method of sharedClass.methods()) {
      for (const route of method.routes) {
        const prefix = method.isStatic ? sharedClass.http.path : joinPath(sharedClass.http.path, '/:id');
        routes.push({
          verb: route.verb,
          path: toExpressPath(
            normalize ? normalizeHttpPath(joinPath(prefix, route.path)) : joinPath(prefix, route.path),
          ),
          method,
          sharedClass,
          accepts: method.accepts,
          returns: method.returns,
          status: route.status,
          errorStatus: route.errorStatus,
        });
      }
    }
  }
  // Array#sort is stable: routes keep declaration order unless a literal must beat a parameter.
  const shaped = routes.map((route) => ({ route, shape: shapeOf(route.path) }));
  shaped.sort((a, b) => compareShapes(a.shape, b.shape));
  return shaped.map((s) => s.route);
}

/**
 * The first path segment every route of the class starts with, as the router compares it (lower
 * case); none when the class path has no plain literal first segment (`/`, `/:tenant/…`), whose
 * routes' first segment comes from each method's own path.
 */
function literalHeadOf(sharedClass: SharedClass, normalize: boolean): string | undefined {
  const first = joinPath(sharedClass.http.path, '').split('/')[1] ?? '';
  if (first === '' || /[:()]/.test(first)) return undefined;
  return (normalize ? normalizeHttpPath(first) : first).toLowerCase();
}

/**
 * The classes split by the first path segment of their routes, for a router that builds a
 * segment's routes at its first request (`byHead`); the classes whose routes' first segment is
 * not fixed by the class path, and any class sharing a first segment with one of their routes,
 * are built at once (`eager`). Each group keeps the classes' order, so `buildRouteTable(group)`
 * orders the group's routes exactly as the whole table does.
 */
export function groupClassesByHead(
  classes: SharedClass[],
  rest: { normalizeHttpPath?: boolean } = {},
): { eager: SharedClass[]; eagerRoutes: RestRoute[]; byHead: Map<string, SharedClass[]> } {
  let eager: SharedClass[] = [];
  const byHead = new Map<string, SharedClass[]>();
  for (const sharedClass of classes) {
    const head = literalHeadOf(sharedClass, normalizesPaths(sharedClass, rest.normalizeHttpPath));
    if (head === undefined) {
      eager.push(sharedClass);
      continue;
    }
    let group = byHead.get(head);
    if (!group) byHead.set(head, (group = []));
    group.push(sharedClass);
  }
  let eagerRoutes = buildRouteTable(eager, rest);
  const clashing = new Set<string>();
  for (const route of eagerRoutes) {
    const first = (route.path.split('/')[1] ?? '').toLowerCase();
    if (byHead.has(first)) clashing.add(first);
  }
  if (clashing.size) {
    for (const head of clashing) byHead.delete(head);
    eager = classes.filter(
      (c) => !byHead.has(literalHeadOf(c, normalizesPaths(c, rest.normalizeHttpPath)) ?? ''),
    );
    eagerRoutes = buildRouteTable(eager, rest);
  }
  return { eager, eagerRoutes, byHead };
}
