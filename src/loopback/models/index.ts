import type { Registry } from '../model-api/registry';
import { setupAccessToken, showPrincipalTypeOfPolymorphicTokens } from './access-token';
import { setupApplication } from './application';
import {
  ACCESS_TOKEN_DEFINITION,
  ACL_DEFINITION,
  APPLICATION_DEFINITION,
  EMAIL_DEFINITION,
  KEY_VALUE_MODEL_DEFINITION,
  ROLE_DEFINITION,
  ROLE_MAPPING_DEFINITION,
  SCOPE_DEFINITION,
  USER_DEFINITION,
} from './definitions';
import { setupEmail } from './email';
import { setupKeyValueModel } from './key-value-model';
import { setupAcl } from './acl';
import { setupRole, setupRoleMapping } from './roles';
import { setupScope } from './scope';
import { setupUser } from './user/user';
import { USER_METHODS } from './user/remote-methods';
import { defineReplicationModels } from '../replication';

export const BUILTIN_MODEL_NAMES = [
  'KeyValueModel',
  'Email',
  'Application',
  'AccessToken',
  'User',
  'RoleMapping',
  'Role',
  'ACL',
  'Scope',
  'Change',
  'Checkpoint',
] as const;

/**
 * Defines LB3's built-in models in a registry, so `loopback.User`, `app.registry.getModel('User')`
 * and a model-config.json naming `User`, `AccessToken`, `ACL`, `Role`, `RoleMapping`, `Scope` work as in LB3;
 * `KeyValueModel` is the base of models kept in a key-value store.
 */
export function defineBuiltinModels(registry: Registry): void {
  const define = (def: Record<string, any>) => registry.createModel(JSON.parse(JSON.stringify(def)));
  setupKeyValueModel(define(KEY_VALUE_MODEL_DEFINITION));
  setupEmail(define(EMAIL_DEFINITION));
  setupApplication(define(APPLICATION_DEFINITION));
  const AccessToken = define(ACCESS_TOKEN_DEFINITION);
  setupAccessToken(AccessToken);
  showPrincipalTypeOfPolymorphicTokens(registry.modelBuilder, AccessToken);
  const User = registry.createModel({
    ...JSON.parse(JSON.stringify(USER_DEFINITION)),
    methods: USER_METHODS,
  });
  setupUser(User);
  setupRoleMapping(define(ROLE_MAPPING_DEFINITION));
  setupRole(define(ROLE_DEFINITION));
  setupAcl(define(ACL_DEFINITION));
  setupScope(define(SCOPE_DEFINITION));
  defineReplicationModels(registry, define);
}
