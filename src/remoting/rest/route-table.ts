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
 * keeps the comparison a total order; equal shapes keep declaration order.
 */
function compareRoutes(a: RestRoute, b: RestRoute): number {
  const sa = a.path.split('/');
  const sb = b.path.split('/');
  for (let i = 0; i < Math.min(sa.length, sb.length); i++) {
    const pa = sa[i].startsWith(':');
    const pb = sb[i].startsWith(':');
    if (pa !== pb) return pa ? 1 : -1;
  }
  return sa.length - sb.length;
}

export function buildRouteTable(classes: SharedClass[]): RestRoute[] {
  const routes: RestRoute[] = [];
  for (const sharedClass of classes) {
    for (const method of sharedClass.methods()) {
      for (const route of method.routes) {
        const prefix = method.isStatic ? sharedClass.http.path : joinPath(sharedClass.http.path, '/:id');
        routes.push({
          verb: route.verb,
          path: toExpressPath(joinPath(prefix, route.path)),
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
  return routes.sort(compareRoutes);
}
