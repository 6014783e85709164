import type { RemotingContext } from '../../remoting/context';
import type { SharedMethod } from '../../remoting/shared-method';
import { withCallback } from '../../util/callback';
import { createAccessContext } from './access-context';
import { checkAccessRecordingRoles } from './access-decision';
import { ALL } from './acl-resolver';

/**
 * `Model.checkAccess`: the built-in one, and the way the authorizer calls whichever one a model
 * has (an app may override it).
 */

import type { ModelClass } from '../model-api/registry';

type AllowedCallback = (err: Error | null, allowed?: boolean) => void;

/**
 * The access type a method is checked with, as LB3's `checkAccess` asks the model's
 * `_getAccessTypeForMethod`: the declared one, else READ for a GET or HEAD route (a custom
 * `GET /projects/list` is a read) and the DAO's readers, WRITE for its writers, else EXECUTE.
 */
export function accessTypeOf(Model: ModelClass, sharedMethod: any): string {
  const named = typeof sharedMethod === 'string' || typeof sharedMethod?.name === 'string';
  if (named && typeof Model?._getAccessTypeForMethod === 'function')
    return Model._getAccessTypeForMethod(sharedMethod);
  return (typeof sharedMethod === 'object' && sharedMethod?.accessType) || 'EXECUTE';
}

/**
 * The built-in `Model.checkAccess(token, modelId, sharedMethod, ctx, cb)`: whether the token may
 * invoke the method by the model's ACLs and the ACL model's rows. The REST authorizer calls
 * `Model.checkAccess`, so an app that overrides it decides its models' calls, as in LB3.
 */
export function modelCheckAccess(
  this: ModelClass,
  token: any,
  modelId: unknown,
  sharedMethod: any,
  ctx?: any,
  cb?: AllowedCallback,
): Promise<boolean> {
  if (typeof ctx === 'function') [cb, ctx] = [ctx, undefined];
  const name = typeof sharedMethod === 'string' ? sharedMethod : (sharedMethod?.name ?? ALL);
  const aliases: string[] =
    typeof sharedMethod === 'object' && Array.isArray(sharedMethod?.aliases) ? sharedMethod.aliases : [];
  const access = createAccessContext({
    app: this.app,
    model: this,
    modelId,
    property: name,
    methodNames: [name, ...aliases],
    accessType: accessTypeOf(this, sharedMethod),
    accessToken: token,
    remotingContext: ctx,
  });
  return withCallback(
    checkAccessRecordingRoles(access).then((d) => d.allowed),
    cb,
  );
}

/** Calls a model's `checkAccess`, the built-in one or an app's, in callback or promise style. */
export function askModel(
  Model: ModelClass,
  token: any,
  modelId: unknown,
  method: SharedMethod,
  rctx: RemotingContext,
): Promise<boolean> {
  if (Model.checkAccess === modelCheckAccess)
    return modelCheckAccess.call(Model, token, modelId, method, rctx);
  return new Promise<boolean>((resolve, reject) => {
    let settled = false;
    const done: AllowedCallback = (err, allowed) => {
      if (settled) return;
      settled = true;
      if (err) reject(err);
      else resolve(!!allowed);
    };
    try {
      const ret = Model.checkAccess(token, modelId, method, rctx, done);
      if (ret && typeof ret.then === 'function')
        ret.then(
          (allowed: unknown) => done(null, !!allowed),
          (err: unknown) => done(err instanceof Error ? err : new Error(String(err))),
        );
    } catch (err) {
      done(err as Error);
    }
  });
}
