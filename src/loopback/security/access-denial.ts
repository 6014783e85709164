import { LooplineError, ModelNotFoundError } from '../../errors';
import type { RemotingContext } from '../../remoting/context';

/** The error a refused call answers with. */

import type { ModelClass } from '../model-api/registry';

/**
 * LB3's denial: 401 AUTHORIZATION_REQUIRED without a token; with one, the status `aclErrorStatus`
 * (model, else app setting) names: 403 ACCESS_DENIED, 404 MODEL_NOT_FOUND (the record is not
 * revealed to exist), any other 4xx/5xx with ACCESS_DENIED's code, as LB3 answered.
 */
export function denialError(Model: ModelClass, app: any, accessToken: any, modelId?: unknown): LooplineError {
  const configured = Number(Model.settings?.aclErrorStatus ?? app?.get?.('aclErrorStatus') ?? 401);
  if (
    !accessToken ||
    typeof accessToken !== 'object' ||
    configured === 401 ||
    !Number.isInteger(configured) ||
    configured < 400 ||
    configured > 599
  ) {
    return new LooplineError('AUTHORIZATION_REQUIRED', 'Authorization Required');
  }
  if (configured === 404)
    return new ModelNotFoundError(
      Model.modelName,
      modelId,
      `could not find ${Model.modelName} with id ${String(modelId)}`,
    );
  return new LooplineError('ACCESS_DENIED', 'Access Denied').withStatus(configured);
}

/**
 * A refused token's error may name the `WWW-Authenticate` challenge its 401 carries (an OAuth
 * token's RFC 6750 `Bearer error="invalid_token"`); it is set where the request is refused.
 */
export function challenged(refusal: Error | undefined, rctx: RemotingContext): Error | undefined {
  const challenge = (refusal as { challenge?: unknown } | undefined)?.challenge;
  const res = rctx.res as
    { headersSent?: boolean; setHeader?(name: string, value: string): void } | undefined;
  if (typeof challenge === 'string' && res && !res.headersSent && typeof res.setHeader === 'function')
    res.setHeader('WWW-Authenticate', challenge);
  return refusal;
}
