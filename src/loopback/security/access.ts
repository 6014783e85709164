import { tokenRefusalOf } from './jwt-tokens';
import type { RemotingContext } from '../../remoting/context';
import type { SharedMethod } from '../../remoting/shared-method';
import { READ } from './acl-resolver';
import { AccessContext, createAccessContext } from './access-context';
import { checkAccess } from './access-decision';
import { challenged, denialError } from './access-denial';
import { askModel } from './model-check-access';
import { RELATION_METHOD, TARGET_ALIASES, TARGET_PROPERTY } from './relation-targets';
import { checkTargetScope, scopeRefusalOf, tokenScopeAllows } from './token-scopes';
import { checkPolymorphicRelationMethod, isPolymorphicBelongsTo } from './polymorphic-access';
import { checkIncludes } from './include-access';

/**
 * The authorizer of remote calls: who the request is (access-context.ts), which rules apply
 * (access-rules.ts) and the decision (access-decision.ts), for the invoked method, the target of
 * a relation method and the models an include reaches. The REST adapter calls it after the
 * arguments are read and before any before-remote hook.
 */

import type { ModelClass } from '../model-api/registry';

async function check(ctx: AccessContext): Promise<void> {
  const decision = await checkAccess(ctx);
  if (!decision.allowed) throw denialError(ctx.model, ctx.app, ctx.accessToken, ctx.modelId);
}

/** The static methods that write exactly the one record whose id their data carries. */
const WRITES_RECORD_OF_DATA_ID = new Set(['replaceOrCreate', 'patchOrCreate']);

/**
 * The record `PUT /Models` and `PATCH /Models` write: the id in their data, so `$owner` rules
 * apply to them as LB3 applied them (it took the id from the body). Only these methods: LB3 read
 * `id` from the body or query of any call, so a user's own id in a `find`'s query or an
 * `updateAll`'s data made that call pass as one on the user's own record.
 */
function idOfWrittenRecord(Model: ModelClass, method: SharedMethod, data: unknown): unknown {
  if (!WRITES_RECORD_OF_DATA_ID.has(method.name) || !data || typeof data !== 'object' || Array.isArray(data))
    return undefined;
  const idName: string | undefined = Model.definition?.idName;
  const id = idName ? (data as Record<string, unknown>)[idName] : undefined;
  return typeof id === 'string' || typeof id === 'number' ? id : undefined;
}

/** What the REST adapter calls for every remote invocation once auth is enabled. */
export function createAuthorizer(app: any): (ctx: RemotingContext) => Promise<void> {
  return async (rctx: RemotingContext) => {
    const method = rctx.method;
    const Model = method.sharedClass.ctor as ModelClass;
    if (!Model || typeof Model !== 'function' || !Model.modelName) return;
    const req = rctx.req;
    const token = req?.accessToken ?? null;
    const modelId = method.isStatic
      ? (rctx.args.id ?? idOfWrittenRecord(Model, method, rctx.args.data))
      : (rctx.ctorArgs?.id ?? req?.params?.id);
    if (!tokenScopeAllows(token, method))
      throw scopeRefusalOf(token, method, rctx) ?? denialError(Model, app, token, modelId);
    const base = { app, accessToken: token, remotingContext: rctx };
    // Without a token because the one sent was refused (a JWT, an OAuth token): the 401 says why.
    if (!(await askModel(Model, token, modelId, method, rctx)))
      throw (
        (token ? undefined : challenged(tokenRefusalOf(req), rctx)) ?? denialError(Model, app, token, modelId)
      );
    const m = RELATION_METHOD.exec(method.name);
    const rel = m && !method.isStatic ? Model.relations?.[m[2]] : undefined;
    if (isPolymorphicBelongsTo(rel)) {
      await checkPolymorphicRelationMethod(rel, Model, modelId, token, (Target, property, targetId) =>
        check(createAccessContext({ ...base, model: Target, modelId: targetId, property, accessType: READ })),
      );
    }
    if (m && rel?.modelTo) {
      const [property, accessType] = TARGET_PROPERTY[m[1]] ?? ['find', method.accessType ?? READ];
      const targetId = rctx.args.fk;
      const target = m[1] === 'link' || m[1] === 'unlink' ? (rel.modelThrough ?? rel.modelTo) : rel.modelTo;
      checkTargetScope(token, target, property, rctx);
      await check(
        createAccessContext({
          ...base,
          model: target,
          modelId: targetId,
          property,
          methodNames: [property, ...(TARGET_ALIASES[property] ?? [])],
          accessType,
        }),
      );
    }
    const filter = rctx.args.filter as Record<string, unknown> | undefined;
    if (filter && typeof filter === 'object') {
      const readable = async (Target: ModelClass) => {
        checkTargetScope(token, Target, 'find', rctx);
        await check(createAccessContext({ ...base, model: Target, property: 'find', accessType: READ }));
      };
      await checkIncludes(app, m && rel?.modelTo ? rel.modelTo : Model, filter.include, readable);
    }
  };
}
