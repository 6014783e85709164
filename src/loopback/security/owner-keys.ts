import { LooplineError } from '../../errors';
import { observeFirst } from '../../juggler';
import { givenValue as given } from '../../util/own';
import { ownerRelationsOf } from './owner';
import { isReferencedUser, isUserModel, sameId, tokenPrincipal, UserPrincipal } from './principal';

/**
 * Owner keys are server-managed for REST writes, on models whose ACLs grant access to `$owner`.
 * The owner key is what `$owner` reads: the foreign key of the model's belongsTo relation to a
 * user model, else an `ownerId` or `userId` property. A REST client may set it only to its own
 * user id, or leave the stored value as it is; pointing a record at another user (creating it
 * "as" them, or handing it over) is 400 PROPERTY_NOT_WRITABLE, and a relation endpoint's key
 * counts as sent (`POST /Users/2/notes` is bob's alone). Server code makes no REST write and sets
 * owner keys freely. "Its own user id" is the pair (model, id): a key whose relation targets
 * `Member` takes only a Member token's id, and a plain ownerId/userId only the id of the single
 * user model's token (with several user models nobody can claim one over REST).
 *
 * Left alone: models without `$owner` in their ACLs (ownership grants nothing there), and models
 * with several belongsTo relations to users (a message's sender and recipient: naming another
 * user is the point). `"ownerWritable": true` in the model JSON restores LB3's rule (any writer
 * with WRITE access sets any owner), e.g. for an admin tool that assigns records.
 */

type AnyModel = any;

const FALLBACK_KEYS = ['ownerId', 'userId'];

/** An owner key and the user model its relation targets (none for a plain ownerId/userId). */
export interface OwnerKey {
  key: string;
  model?: AnyModel;
}

/** The owner keys of a model, as `isOwner` (access.ts) resolves ownership; none when ambiguous. */
export function ownerKeysOf(Model: AnyModel): OwnerKey[] {
  const User = Model.app?.registry?.findModel?.('User');
  const relations = ownerRelationsOf(
    Model,
    Object.values((Model.relations ?? {}) as Record<string, any>).filter(
      (r) => r.type === 'belongsTo' && r.modelTo && isUserModel(r.modelTo, User),
    ),
  );
  const keys = [...new Set(relations.map((r) => String(r.keyFrom)))];
  if (keys.length) return keys.length === 1 ? [{ key: keys[0], model: relations[0].modelTo }] : [];
  if (isUserModel(Model, User) || Model.settings?.ownerRelations) return [];
  const properties = Model.definition?.properties ?? {};
  return FALLBACK_KEYS.filter((k) => k in properties).map((key) => ({ key }));
}

/** Whether the key's value names the caller: its user model and id. */
function namesCaller(principal: UserPrincipal | undefined, owner: OwnerKey, value: unknown): boolean {
  if (owner.model) return isReferencedUser(principal, owner.model, value);
  return !!principal?.isUser && sameId(value, principal.id);
}

function grantsOwner(Model: AnyModel): boolean {
  const acls = Model.settings?.acls;
  return Array.isArray(acls) && acls.some((a) => a?.principalType === 'ROLE' && a?.principalId === '$owner');
}

/** Could this model have an owner key? Decided at attach time, so other models pay nothing. */
function mayHaveOwnerKeys(Model: AnyModel): boolean {
  if (Model.settings?.ownerWritable === true || !grantsOwner(Model)) return false;
  const declared = [
    ...Object.values((Model.settings?.relations ?? {}) as Record<string, any>),
    ...Object.values((Model.relations ?? {}) as Record<string, any>),
  ];
  if (declared.some((r) => r?.type === 'belongsTo')) return true;
  const properties = Model.definition?.properties ?? {};
  return FALLBACK_KEYS.some((k) => k in properties);
}

/** The rows an update is about to change, as stored. */
async function storedRows(Model: AnyModel, ctx: any): Promise<any[]> {
  if (ctx.currentInstance) return [ctx.currentInstance];
  const id = ctx.instance?.getId?.() ?? ctx.instance?.id;
  if (id !== undefined && id !== null)
    return [await Model.findById(id, undefined, ctx.options)].filter(Boolean);
  if (ctx.where) return Model.find({ where: ctx.where }, ctx.options);
  return [];
}

const resolved = new WeakMap<object, OwnerKey[]>();

export function guardOwnerKeys(Model: AnyModel): void {
  if (!mayHaveOwnerKeys(Model)) return;
  // First, so it sees what the client sent, before the app's own hooks fill in an owner.
  observeFirst(Model, 'before save', async (ctx: any) => {
    const options = ctx.options;
    if (!options?.remotingContext) return;
    const M = ctx.Model ?? Model;
    let keys = resolved.get(M);
    if (!keys) {
      // Relation targets are known once every model is defined: resolved at the first write.
      keys = ownerKeysOf(M);
      resolved.set(M, keys);
    }
    const target = ctx.instance ?? ctx.data;
    if (!target || keys.length === 0) return;
    const caller = tokenPrincipal(M.app, options.accessToken);
    const foreign = keys
      .filter((o) => given(target, o.key) && !namesCaller(caller, o, target[o.key]))
      .map((o) => o.key);
    if (foreign.length === 0) return;
    if (!ctx.isNewInstance) {
      const before = await storedRows(M, ctx);
      if (before.length && before.every((row) => foreign.every((k) => sameId(row[k], target[k])))) return;
    }
    throw new LooplineError(
      'PROPERTY_NOT_WRITABLE',
      `"${foreign[0]}" names the owner of this ${M.modelName}; a client may set it only to its own user id, as a user of the model the key refers to ("ownerWritable": true on the model lifts this)`,
    );
  });
}
