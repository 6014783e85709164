/**
 * `require('loopline/passport')`: third-party login with the public API of LB3's
 * loopback-component-passport (`PassportConfigurator`, `init`, `setupModels`,
 * `configureProvider`, UserIdentity.login, UserCredential.link). An LB3 app changes only its
 * `require('loopback-component-passport')` line.
 */
import { PassportConfigurator } from './passport-configurator';

export { PassportConfigurator, defineModels } from './passport-configurator';
export type {
  PassportApp,
  PassportInstance,
  PassportConfiguratorOptions,
  SetupModelsOptions,
} from './passport-configurator';
export type { ProviderOptions } from './provider-options';
export type { LoginOptions, LoginResult, PassportProfile, ProfileMappingEntry } from './account-methods';
export { defaultProfileToUser } from './account-methods';
export { CookieStateStore, StateCookie } from './state-cookie';
export { profileFromClaims } from './openid-connect';
export {
  USER_IDENTITY_DEFINITION,
  USER_CREDENTIAL_DEFINITION,
  APPLICATION_CREDENTIAL_DEFINITION,
} from './models';

export default PassportConfigurator;
