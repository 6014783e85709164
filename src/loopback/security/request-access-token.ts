import type { RemotingContext } from '../../remoting/context';
import type { SharedMethod } from '../../remoting/shared-method';

/**
 * What `loopback.token()` leaves on an Express request as `req.accessToken`: an AccessToken
 * instance (stored, or made from a JWT), an OAuth token, or whatever an app's own middleware
 * set there before it, as LB3 allowed. Only what loopline reads of it is declared.
 */
export interface RequestAccessToken {
  id?: unknown;
  userId?: unknown;
  principalType?: unknown;
  /** The scopes it opens (a password-reset token's `reset-password`); none means `DEFAULT`. */
  scopes?: unknown;
  /** An OAuth token's own error for a method its scopes do not open (token-scopes.ts). */
  scopeRefusal?: (method: SharedMethod | undefined, rctx: RemotingContext) => Error | undefined;
}

// Express's own place for what middleware adds to a request (`Express.Request`, which its
// `Request` extends): a global, so it needs no import of express's inner type packages.
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express declares its Request there
  namespace Express {
    interface Request {
      /**
       * The token the request presents: set by `loopback.token()` (null when none, or refused),
       * undefined until it ran.
       */
      accessToken?: RequestAccessToken | null;
    }
  }
}
