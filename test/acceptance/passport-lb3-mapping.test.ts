import { execFileSync } from 'child_process';
import path from 'path';
import { REPO_ROOT } from '../support/example-app';

/**
 * The opt-in mapping: with LOOPLINE_PASSPORT=loopline, `node -r loopline/register` gives an LB3
 * app's `require('loopback-component-passport')` loopline/passport. The LB3 components app runs
 * on it unchanged (server.js, boot/passport.js, providers.json, common/models): a third-party
 * login makes the user, identity and token, the local login the token, the web login
 * (session: true) the session user and the signed access_token cookie. Uses dist/ (`npm run build`).
 */
jest.setTimeout(60000);

function runApp(env: Record<string, string>): any {
  const out = execFileSync(
    process.execPath,
    [
      '-r',
      path.join(REPO_ROOT, 'dist/register.js'),
      path.join(REPO_ROOT, 'test/fixtures/passport/mapped-lb3-app.js'),
    ],
    {
      cwd: path.join(REPO_ROOT, 'test/fixtures/lb3-components-app'),
      env: { ...process.env, LOOPLINE_REPO: REPO_ROOT, ...env },
      encoding: 'utf8',
      timeout: 50000,
    },
  );
  return JSON.parse(out.trim().split('\n').pop()!);
}

describe('require("loopback-component-passport") mapped to loopline/passport (opt-in)', () => {
  it('runs the LB3 app on loopline/passport: third-party and local logins', () => {
    const seen = runApp({ LOOPLINE_PASSPORT: 'loopline' });
    expect(seen.error).toBeUndefined();
    expect(seen.mapped).toBe(true);
    expect(seen.thirdParty).toEqual({
      status: 200,
      body: { access_token: expect.stringMatching(/^\w{64}$/), userId: expect.anything() },
    });
    expect(seen.identities).toEqual([{ provider: 'example', externalId: 'ext-zed' }]);
    expect(seen.local).toEqual({ status: 200, token: 'string' });
    expect(seen.notesWithToken).toBe(200);
    expect(seen.web).toEqual({
      status: 302,
      location: '/auth/account',
      signedTokenCookie: true,
      account: 200,
      profiles: ['ext-dave'],
      username: 'example.dave',
    });
  });

  it('leaves the LB3 package in place without the switch', () => {
    const seen = runApp({ LOOPLINE_PASSPORT: '' });
    expect(seen.mapped).toBe(false);
    expect(seen.thirdParty.status).toBe(200);
  });
});
