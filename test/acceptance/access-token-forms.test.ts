import express from 'express';
import request from 'supertest';
import loopback from '../../src';

/** How a request presents a token, as LB3 3.x reads it, and the AccessToken API around it. */

async function givenApp(tokenOptions: Record<string, unknown> = {}) {
  const app: any = (loopback as any)({ localRegistry: true, loadBuiltinModels: true });
  app.dataSource('db', { connector: 'memory' });
  for (const name of ['User', 'AccessToken']) app.model(app.registry.getModel(name), { dataSource: 'db' });
  const { User, AccessToken } = app.models;
  User.settings.saltWorkFactor = 4;
  const user = await User.create({ email: 'a@example.com', password: 'pass' });
  const token = await User.login({ email: 'a@example.com', password: 'pass' });
  app.use(loopback.token(tokenOptions));
  app.get('/whoami', (req: any, res: any) =>
    res.json({ token: req.accessToken ? req.accessToken.id : null }),
  );
  app.get('/Users/:id', (req: any, res: any) => res.json({ id: req.params.id }));
  app.use((err: any, _req: any, res: any, _next: any) =>
    res.status(err.statusCode || 500).json({ code: err.code }),
  );
  return { app, User, AccessToken, user, token };
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('AccessToken: where a request carries it', () => {
  it('raw, Bearer raw, Bearer base64 (LB3 3.x), Basic with the token as user or password', async () => {
    const { app, token } = await givenApp();
    for (const header of [
      token.id,
      `Bearer ${token.id}`,
      `Bearer ${b64(token.id)}`,
      `Basic ${b64(token.id)}`,
      `Basic ${b64(token.id + ':')}`,
      `Basic ${b64('user:' + token.id)}`,
    ]) {
      const res = await request(app).get('/whoami').set('Authorization', header);
      expect([header, res.body.token]).toEqual([header, token.id]);
    }
    expect((await request(app).get('/whoami').set('Authorization', 'Bearer nonsense')).body.token).toBeNull();
  });

  it('bearerTokenBase64Encoded: false takes the raw form only, true the encoded form only', async () => {
    const raw = await givenApp({ bearerTokenBase64Encoded: false });
    expect(
      (await request(raw.app).get('/whoami').set('Authorization', `Bearer ${raw.token.id}`)).body.token,
    ).toBe(raw.token.id);
    expect(
      (
        await request(raw.app)
          .get('/whoami')
          .set('Authorization', `Bearer ${b64(raw.token.id)}`)
      ).body.token,
    ).toBeNull();
    const encoded = await givenApp({ bearerTokenBase64Encoded: true });
    expect(
      (
        await request(encoded.app)
          .get('/whoami')
          .set('Authorization', `Bearer ${b64(encoded.token.id)}`)
      ).body.token,
    ).toBe(encoded.token.id);
    expect(
      (await request(encoded.app).get('/whoami').set('Authorization', `Bearer ${encoded.token.id}`)).body
        .token,
    ).toBeNull();
  });

  it('searchDefaultTokenKeys: false reads only the sources given', async () => {
    const { app, token } = await givenApp({ searchDefaultTokenKeys: false, headers: ['x-token'] });
    expect((await request(app).get('/whoami').set('Authorization', token.id)).body.token).toBeNull();
    expect((await request(app).get(`/whoami?access_token=${token.id}`)).body.token).toBeNull();
    expect((await request(app).get('/whoami').set('X-Token', token.id)).body.token).toBe(token.id);
  });

  it('token({model: name}) finds the model by name; currentUserLiteral without a token is 401', async () => {
    const { app, token, user } = await givenApp({ model: 'AccessToken', currentUserLiteral: 'me' });
    expect((await request(app).get('/whoami').set('Authorization', token.id)).body.token).toBe(token.id);
    expect((await request(app).get('/Users/me').set('Authorization', token.id)).body).toEqual({
      id: String(user.id),
    });
    const anonymous = await request(app).get('/Users/me');
    expect([anonymous.status, anonymous.body.code]).toEqual([401, 'AUTHORIZATION_REQUIRED']);
  });
});

describe('AccessToken API', () => {
  it('User.login resolves an AccessToken: destroy() ends it; with include=user it carries the user', async () => {
    const { User, AccessToken, token } = await givenApp();
    expect(token).toBeInstanceOf(AccessToken);
    const withUser = await User.login({ email: 'a@example.com', password: 'pass' }, 'user');
    expect(withUser.toJSON().user).toMatchObject({ email: 'a@example.com' });
    expect(withUser.toJSON().user.password).toBeUndefined();
    await token.destroy();
    expect(await AccessToken.findById(token.id)).toBeNull();
    expect(await AccessToken.count()).toBe(1);
  });

  it('findForRequest(req, cb) goes through getIdForRequest and resolve, which a model may replace', async () => {
    const { AccessToken, token } = await givenApp();
    const req = { headers: { authorization: token.id }, query: {} } as unknown as express.Request;
    const found: any = await new Promise((resolve, reject) =>
      AccessToken.findForRequest(req, (err: Error | null, t: unknown) => (err ? reject(err) : resolve(t))),
    );
    expect(found.id).toBe(token.id);
    expect((await AccessToken.resolve(token.id)).id).toBe(token.id);
    expect(await AccessToken.resolve('not-a-token')).toBeNull();
    const original = AccessToken.resolve;
    AccessToken.resolve = (id: string, cb: (err: Error | null, t?: unknown) => void) =>
      process.nextTick(() => cb(null, { id: `resolved:${id}` }));
    try {
      expect(await AccessToken.findForRequest(req)).toEqual({ id: `resolved:${token.id}` });
    } finally {
      AccessToken.resolve = original;
    }
  });
});
