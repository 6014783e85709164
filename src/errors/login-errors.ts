import { LooplineError } from './loopline-error';
import type { ErrorCodeWithStatus } from './table';

/** Errors of logging in through a third party (the passport and OpenID Connect components). */

/**
 * 401: a third-party login or account link did not succeed (the user denied it at the provider,
 * the state or PKCE check failed, the provider refused the code, the profile had no id); nothing
 * was created. `details.reason` says which, in the provider's words where it gave some.
 */
export class ThirdPartyLoginError extends LooplineError {
  constructor(
    message: string,
    reason?: string,
    code: Extract<ErrorCodeWithStatus<401>, `THIRD_PARTY_${string}`> = 'THIRD_PARTY_LOGIN_FAILED',
  ) {
    super(code, message, reason === undefined ? undefined : { reason });
  }
}

/** 503: the OpenID Connect issuer's discovery document could not be read; safe to retry. */
export class LoginProviderUnavailableError extends LooplineError {
  constructor(message: string) {
    super('LOGIN_PROVIDER_UNAVAILABLE', message);
  }
}
