import * as http from 'http';
import type { AddressInfo } from 'net';
import loopback from '../../src';

const cookieParser = require('cookie-parser');
import { PassportConfigurator } from '../../src/components/passport';

/**
 * An app with loopline's third-party login: User, AccessToken and the component's UserIdentity
 * and UserCredential on `store`, cookie-parser with a secret (so the access_token cookie is
 * signed and trusted), the token middleware, and a Note model only a logged-in user may read.
 */
export function passportApp(store: Record<string, unknown> = { connector: 'memory' }): {
  app: any;
  configurator: PassportConfigurator;
} {
  const app: any = loopback({ localRegistry: true, loadBuiltinModels: true });
  const ds = app.dataSource('db', store);
  const reg = app.registry;
  const configurator = new PassportConfigurator(app);
  const Member = reg.createModel({ name: 'Member', base: 'User', saltWorkFactor: 4 });
  const Note = reg.createModel({
    name: 'Note',
    properties: { title: 'string' },
    acls: [
      { principalType: 'ROLE', principalId: '$everyone', permission: 'DENY' },
      { principalType: 'ROLE', principalId: '$authenticated', permission: 'ALLOW' },
    ],
  });
  for (const name of ['AccessToken', 'ACL', 'Role', 'RoleMapping', 'UserIdentity', 'UserCredential'])
    app.model(reg.getModel(name), { dataSource: ds, public: false });
  app.model(Member, { dataSource: ds });
  app.model(Note, { dataSource: ds });
  app.middleware('session:before', cookieParser('passport-test-secret'));
  app.enableAuth();
  app.middleware('auth', loopback.token());
  configurator.init(true);
  configurator.setupModels({
    userModel: Member,
    userIdentityModel: app.models.UserIdentity,
    userCredentialModel: app.models.UserCredential,
  });
  app.use('/api', loopback.rest());
  return { app, configurator };
}

/** Listens on an ephemeral port of 127.0.0.1; resolves to its base URL and a close function. */
export async function listen(app: any): Promise<{ base: string; close: () => Promise<void> }> {
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
