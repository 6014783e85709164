import loopback from '../../src';

/**
 * A small app with access control on the memory store, as the auth tests build it: the built-in
 * AccessToken/ACL/Role/RoleMapping (not exposed), the given models over REST at /api, tokens
 * read from the usual places, and errors answered as `{error: {statusCode, message, code}}`.
 * `define` creates the app's own models in the app's registry; `settings` picks another store
 * (test/connectors/stores.ts), whose tables the caller creates with `app.dataSources.db.automigrate()`;
 * `tokenOptions` go to `loopback.token()`.
 */
export function authApp(
  define: (registry: any) => any[],
  settings: Record<string, unknown> = { connector: 'memory' },
  tokenOptions: Record<string, unknown> = {},
): { app: any; models: any[] } {
  const app: any = loopback({ localRegistry: true, loadBuiltinModels: true });
  const ds = app.dataSource('db', settings);
  const models = define(app.registry);
  for (const name of ['AccessToken', 'ACL', 'Role', 'RoleMapping']) {
    app.model(app.registry.getModel(name), { dataSource: ds, public: false });
  }
  for (const M of models) app.model(M, { dataSource: ds });
  app.enableAuth();
  app.middleware('auth', loopback.token(tokenOptions));
  app.use('/api', loopback.rest());
  app.use((err: any, _req: any, res: any, _next: any) =>
    res
      .status(err.statusCode || 500)
      .json({ error: { statusCode: err.statusCode, message: err.message, code: err.code } }),
  );
  return { app, models };
}
