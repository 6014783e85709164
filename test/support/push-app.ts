import loopback from '../../src';
import push, { type PushComponentOptions } from '../../src/components/push';

/**
 * An app with the push component over the memory store: the built-in Application holding the
 * push settings, Installation and Notification in `db`, and the push model at /api/push.
 * Delivery settings default to quick retries, so tests of backoff take milliseconds; `store` picks
 * another store (test/connectors/stores.ts), whose tables the caller creates.
 */
export function pushApp(
  options: PushComponentOptions = {},
  store: Record<string, unknown> = { connector: 'memory' },
): { app: any; Push: any; Installation: any; Application: any } {
  const app: any = loopback({ localRegistry: true, loadBuiltinModels: true });
  app.dataSource('db', store);
  app.model(app.registry.getModel('Application'), { dataSource: 'db', public: false });
  const Push = push(app, { retryDelay: 5, maxRetryDelay: 2000, ...options });
  return { app, Push, Installation: app.models.Installation, Application: app.models.Application };
}

/** A P-256 key pair as Apple issues for APNs (.p8, PKCS#8 PEM) and the public half to verify with. */
export function ecKeyPair(): { privatePem: string; publicKey: import('crypto').KeyObject } {
  const crypto = require('crypto') as typeof import('crypto');
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicKey };
}

/** The header, claims and verified-or-not signature of a compact JWS. */
export function readJwt(
  token: string,
  publicKey: import('crypto').KeyObject,
  alg: 'ES256' | 'RS256',
): { header: any; claims: any; valid: boolean } {
  const crypto = require('crypto') as typeof import('crypto');
  const [h, c, s] = token.split('.');
  const signed = Buffer.from(`${h}.${c}`);
  const signature = Buffer.from(s, 'base64url');
  const valid =
    alg === 'ES256'
      ? crypto.verify('sha256', signed, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature)
      : crypto.verify('sha256', signed, publicKey, signature);
  return {
    header: JSON.parse(Buffer.from(h, 'base64url').toString()),
    claims: JSON.parse(Buffer.from(c, 'base64url').toString()),
    valid,
  };
}
