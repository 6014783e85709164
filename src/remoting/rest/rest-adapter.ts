import type { RequestHandler } from 'express';
import { debugFor } from '../../util/debug';
import type { RemoteObjects } from '../remote-objects';
import { optionsFromContext } from './args';
import { BodyOptions, createBodyReader } from './body';
import { createInvokeHandler, InvokeOptions } from './handler';
import { RestAdapter } from './rest-classes';
import { createRouter } from './router';
import { buildRouteTable, groupClassesByHead, RestRoute } from './route-table';

/**
 * The REST handler (`remotes.handler('rest')`, mounted by the app at its REST root). The path a
 * request takes:
 *   1. here: the routes are rebuilt if a class or method changed since the last request (a version
 *      number, no per-request work), and with an `errorHandler` option errors are answered here;
 *   2. router.ts: the route for the verb and path (404 without one), `req.params` decoded;
 *   3. body.ts (verbs with a body): JSON, then form; a body neither reads is refused (415);
 *   4. handler.ts: the invocation — arguments (args.ts), hooks and phases, the method, and the
 *      answer (http-result.ts).
 * Steps 2–4 are closures compiled once per route table (a route's at its first request), so a
 * request makes no lookups by name.
 */

const debug = debugFor('remoting');

export interface RestOptions extends BodyOptions, InvokeOptions {
  rest?: { normalizeHttpPath?: boolean; handleErrors?: boolean; maxDepth?: number; [key: string]: unknown };
  /** strong-remoting's `errorHandler` options: when given, the REST API answers its own errors (RemoteObjects.errorResponder). */
  errorHandler?: unknown;
}

/** The REST handler, with the route table it serves and LB3's description of it (`adapter`). */
export type RestHandler = RequestHandler & { routes?: () => RestRoute[]; adapter?: RestAdapter };

/**
 * A route's handler compiled (its argument readers, answer writer, body reader) at the route's
 * first request: an app of many models pays at boot for the route table only, not for a handler
 * per route it may never serve. Compiling reads nothing that changes without a new table.
 */
function compiledOnFirstRequest(compile: () => RequestHandler): RequestHandler {
  let handler: RequestHandler | undefined;
  return (req, res, next) => (handler ??= compile())(req, res, next);
}

export function createRestHandler(remotes: RemoteObjects, options: RestOptions): RestHandler {
  let router: RequestHandler | undefined;
  let builtFor = -1;
  const withBody = createBodyReader(options);

  const build = (): RequestHandler => {
    // A class's routes are listed (its methods read, paths joined and ordered) at the first
    // request under its path; only classes whose routes' first segment the class path does not
    // fix are listed now.
    const classes = remotes.classes();
    // As when every class was listed here: the functions marked shared count as declared now
    // (each class declares them at its next look at its methods: its routes' first request).
    for (const sharedClass of classes) sharedClass.adoptSharedFunctionsWhenRead();
    const { eagerRoutes, byHead } = groupClassesByHead(classes, options.rest);
    const later = new Map<string, () => RestRoute[]>();
    for (const [head, group] of byHead) later.set(head, () => buildRouteTable(group, options.rest));
    const router = createRouter(
      eagerRoutes,
      classes,
      (route) => compiledOnFirstRequest(() => withBody(route, createInvokeHandler(remotes, route, options))),
      later,
    );
    debug('built %d REST routes, %d paths listed on first request', eagerRoutes.length, later.size);
    return router;
  };

  // As strong-remoting: with an errorHandler configured (and rest.handleErrors not false), the REST
  // API answers its own errors; otherwise they reach the app's error handler.
  const answersErrors =
    typeof options.errorHandler === 'object' &&
    options.errorHandler !== null &&
    options.rest?.handleErrors !== false;
  const handler: RestHandler = (req, res, next) => {
    const v = remotes.version();
    if (!router || v !== builtFor) {
      router = build();
      // Listing the methods may have declared newly marked shared functions: the table has them.
      builtFor = remotes.version();
    }
    const respond = answersErrors ? remotes.errorResponder : undefined;
    if (!respond) return router(req, res, next);
    router(req, res, (err?: unknown) =>
      err && err !== 'route' && err !== 'router' ? respond(err, req, res, next) : next(err),
    );
  };
  handler.routes = () => buildRouteTable(remotes.classes(), options.rest);
  handler.adapter = new RestAdapter(remotes, options.rest ?? {}, optionsFromContext);
  return handler;
}
