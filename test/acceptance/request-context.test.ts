import request from 'supertest';
import loopback from '../../src';

/**
 * Apps that use loopback-context keep per-request values in continuation-local storage: its
 * `perRequest` middleware sets `req.loopbackContext` and runs the rest of the request inside a
 * context; `loopback.token()` stores the request's token there as `accessToken`. The older
 * storage follows callbacks but not `await`, like the stand-in below (a context is active only
 * inside a call `bind` wrapped), so this checks that loopline re-enters the request's context for
 * the code it calls after its own awaits: the middleware after `loopback.token()`, remote hooks
 * and the method.
 */
function callbackOnlyNamespace() {
  const ns = {
    active: null as Record<string, unknown> | null,
    bind(fn: (...args: unknown[]) => unknown, context: Record<string, unknown>) {
      return (...args: unknown[]) => {
        const previous = ns.active;
        ns.active = context;
        try {
          return fn(...args);
        } finally {
          ns.active = previous;
        }
      };
    },
    set(key: string, value: unknown) {
      if (!ns.active) throw new Error('no active context');
      ns.active[key] = value;
    },
    get(key: string) {
      return ns.active ? ns.active[key] : undefined;
    },
  };
  return ns;
}

describe('loopback-context per-request store', () => {
  it("loopback.token() stores the token there, and the next middleware, remote hooks and the method see the request's values", async () => {
    const app: any = (loopback as any)({ localRegistry: true, loadBuiltinModels: true });
    app.dataSource('db', { connector: 'memory' });
    app.enableAuth({ dataSource: 'db' });
    const ns = callbackOnlyNamespace();
    const Probe = app.registry.createModel('Probe', {}, { base: 'Model' });
    const seen: Record<string, unknown> = {};
    Probe.look = (cb: (err: Error | null, v?: unknown) => void) => {
      const token = ns.get('accessToken') as { id?: string } | null | undefined;
      cb(null, { token: token ? token.id : null, marker: ns.get('marker') });
    };
    Probe.remoteMethod('look', {
      returns: { arg: 'data', type: 'object', root: true },
      http: { verb: 'get', path: '/look' },
    });
    Probe.beforeRemote('look', (_ctx: unknown, _unused: unknown, next: () => void) => {
      seen.hookMarker = ns.get('marker');
      next();
    });
    app.model(Probe, { dataSource: null });
    app.use((req: any, _res: unknown, next: () => void) => {
      req.loopbackContext = ns;
      ns.bind(next, { marker: 'request-1' })();
    });
    app.use(loopback.token());
    app.use((_req: unknown, _res: unknown, next: () => void) => {
      seen.middlewareToken = (ns.get('accessToken') as { id?: string } | null)?.id;
      next();
    });
    app.use(loopback.rest());
    const User = app.models.User;
    User.settings.saltWorkFactor = 4;
    const user = await User.create({ email: 'a@example.com', password: 'pass' });
    const token = await user.createAccessToken(60);
    const res = await request(app).get('/Probes/look').set('Authorization', token.id);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ token: token.id, marker: 'request-1' });
    expect(seen).toEqual({ middlewareToken: token.id, hookMarker: 'request-1' });
    // Without a token the store holds null, as LB3.
    const anonymous = await request(app).get('/Probes/look');
    expect(anonymous.body).toEqual({ token: null, marker: 'request-1' });
  });
});
