import { OAUTH_STORES, basicAuth, postForm, providerApp, type ProviderApp } from '../support/oauth2-app';

/**
 * Issue 23 item 4: a client-credentials client calls A's API with a scoped token — allowed inside
 * its scope, refused outside it (403 INSUFFICIENT_SCOPE) even where the ACLs would allow; its
 * principal is the client (LB3's APP), so ACLs naming the client apply.
 */
describe.each(OAUTH_STORES)('OAuth 2.0 client credentials ($name store)', (store) => {
  let provider: ProviderApp;
  const reportClient = 'report-client-0001';
  beforeAll(async () => {
    provider = await providerApp(store, {}, undefined, reportClient);
  });
  afterAll(() => provider.close());

  async function clientToken(clientId: string, clientSecret: string, scope?: string, post = false) {
    const fields: Record<string, string> = { grant_type: 'client_credentials', ...(scope ? { scope } : {}) };
    return post
      ? postForm(`${provider.base}/oauth/token`, {
          ...fields,
          client_id: clientId,
          client_secret: clientSecret,
        })
      : postForm(`${provider.base}/oauth/token`, fields, {
          authorization: basicAuth(clientId, clientSecret),
        });
  }

  it('gets a token without a refresh token, which reads inside its scope and is refused outside it', async () => {
    const { app, base, models } = provider;
    const { clientId, clientSecret } = await models.Client.register({
      name: 'Batch job',
      grants: ['client_credentials'],
      scopes: ['orders:read', 'orders:write'],
    });
    await app.models.Order.create({ item: 'tea', qty: 2 });
    await app.models.Note.create({ text: 'secret' });

    const issued = await clientToken(clientId, clientSecret, 'orders:read');
    expect(issued.status).toBe(200);
    expect(issued.body).toMatchObject({ token_type: 'Bearer', scope: 'orders:read' });
    expect(issued.body.refresh_token).toBeUndefined();
    const auth = { authorization: `Bearer ${issued.body.access_token}` };
    const row = await models.Token.findOne({ where: { clientId } });
    expect(row.userId ?? undefined).toBeUndefined();

    // Inside the scope: Order's find, findById and count (the ACLs allow any signed-in principal).
    const list = await fetch(`${base}/api/Orders`, { headers: auth });
    expect(list.status).toBe(200);
    expect(await list.json()).toEqual([expect.objectContaining({ item: 'tea', qty: 2 })]);
    expect((await fetch(`${base}/api/Orders/count`, { headers: auth })).status).toBe(200);

    // Outside it: writing orders, and any other model — 403 with RFC 6750's challenge, nothing written.
    const create = await fetch(`${base}/api/Orders`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ item: 'coffee' }),
    });
    expect(create.status).toBe(403);
    expect(((await create.json()) as any).error).toMatchObject({
      code: 'INSUFFICIENT_SCOPE',
      details: { scopes: ['orders:write'] },
    });
    expect(create.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    const notes = await fetch(`${base}/api/Notes`, { headers: auth });
    expect(notes.status).toBe(403);
    expect(((await notes.json()) as any).error.code).toBe('INSUFFICIENT_SCOPE');
    expect(await app.models.Order.count()).toBe(1);

    // Nor can it read Note through Order: not by an include, not through the relation's endpoint.
    const order = await app.models.Order.create({
      item: 'cake',
      noteId: (await app.models.Note.findOne()).id,
    });
    const include = await fetch(
      `${base}/api/Orders?filter=${encodeURIComponent(JSON.stringify({ include: 'note' }))}`,
      { headers: auth },
    );
    expect(include.status).toBe(403);
    expect(((await include.json()) as any).error.code).toBe('INSUFFICIENT_SCOPE');
    const related = await fetch(`${base}/api/Orders/${order.id}/note`, { headers: auth });
    expect(related.status).toBe(403);
    expect(await related.text()).not.toContain('secret');
    await app.models.Order.destroyById(order.id);

    // The same client with orders:write (client_secret_post this time) may create.
    const writer = await clientToken(clientId, clientSecret, 'orders:write', true);
    expect(writer.status).toBe(200);
    const created = await fetch(`${base}/api/Orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${writer.body.access_token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ item: 'coffee' }),
    });
    expect(created.status).toBe(200);
    expect(await app.models.Order.count()).toBe(2);
  });

  it("asks for no scope and gets all of the client's; asks beyond them and gets invalid_scope, no token", async () => {
    const { models } = provider;
    const { clientId, clientSecret } = await models.Client.register({
      name: 'Reader',
      grants: ['client_credentials'],
      scopes: ['orders:read'],
    });
    const all = await clientToken(clientId, clientSecret);
    expect(all.body.scope).toBe('orders:read');
    const before = await models.Token.count();
    const beyond = await clientToken(clientId, clientSecret, 'orders:read notes:read');
    expect(beyond.status).toBe(400);
    expect(beyond.body.error).toBe('invalid_scope');
    const unknown = await clientToken(clientId, clientSecret, 'DEFAULT');
    expect(unknown.body.error).toBe('invalid_scope');
    expect(await models.Token.count()).toBe(before);
  });

  it('is the APP principal: an ACL naming the client lets it in, another client with the same scope stays out', async () => {
    const { app, base, models } = provider;
    await models.Client.create({
      id: reportClient,
      name: 'Reporting',
      grants: ['client_credentials'],
      scopes: ['reports'],
      secretHash: require('crypto').createHash('sha256').update('ocs_report-secret').digest('hex'),
    });
    const other = await models.Client.register({
      name: 'Other',
      grants: ['client_credentials'],
      scopes: ['reports'],
    });
    await app.models.Report.create({ title: 'Q4' });
    const mine = await clientToken(reportClient, 'ocs_report-secret', 'reports');
    const theirs = await clientToken(other.clientId, other.clientSecret, 'reports');
    expect(
      (await fetch(`${base}/api/Reports`, { headers: { authorization: `Bearer ${mine.body.access_token}` } }))
        .status,
    ).toBe(200);
    const refused = await fetch(`${base}/api/Reports`, {
      headers: { authorization: `Bearer ${theirs.body.access_token}` },
    });
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as any).error.code).toBe('AUTHORIZATION_REQUIRED');
  });

  it('refuses a wrong secret (invalid_client, 401 by Basic), a client without the grant (unauthorized_client) and an unknown grant type; no token is stored', async () => {
    const { base, models } = provider;
    const { clientId, clientSecret } = await models.Client.register({
      name: 'Web',
      redirectUris: ['https://web.example.com/cb'],
      scopes: ['orders:read'],
    });
    const batch = await models.Client.register({
      name: 'Batch 2',
      grants: ['client_credentials'],
      scopes: ['orders:read'],
    });
    const before = await models.Token.count();
    const wrongBasic = await clientToken(batch.clientId, 'ocs_wrong');
    expect(wrongBasic.status).toBe(401);
    expect(wrongBasic.body.error).toBe('invalid_client');
    expect(wrongBasic.headers.get('www-authenticate')).toMatch(/^Basic/);
    const wrongPost = await clientToken(batch.clientId, 'ocs_wrong', undefined, true);
    expect(wrongPost.status).toBe(400);
    expect(wrongPost.body.error).toBe('invalid_client');
    const noGrant = await clientToken(clientId, clientSecret);
    expect(noGrant.status).toBe(400);
    expect(noGrant.body.error).toBe('unauthorized_client');
    const password = await postForm(
      `${base}/oauth/token`,
      { grant_type: 'password', username: 'a', password: 'b' },
      { authorization: basicAuth(clientId, clientSecret) },
    );
    expect(password.body.error).toBe('unsupported_grant_type');
    const json = await fetch(`${base}/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: basicAuth(batch.clientId, batch.clientSecret),
        'content-type': 'application/json',
      },
      body: JSON.stringify({ grant_type: 'client_credentials' }),
    });
    expect(json.status).toBe(400);
    expect(((await json.json()) as any).error).toBe('invalid_request');
    expect(await models.Token.count()).toBe(before);
  });
});
