import { ConfigurationError, LooplineError } from '../../../errors';
import { bluebird, splitCallback, withCallback } from '../../../util/callback';
import { defineHidden } from '../../../util/own';
import { installRemoteRelations } from './remote-relations';
import { openRemoteChangeStream, type StreamTransport } from './remote-change-stream';
import type { HttpAnswer, HttpCall } from '../../../util/http-call';

/**
 * A model attached to the remote connector: its methods call the server instead of a store, as
 * LB3's remote connector made them. Every remote method of the model's shared class — the data
 * access methods, relation methods (`__get__orders`), custom remote methods and the replication
 * API (`changes`, `diff`, `checkpoint`, `createUpdates`, `bulkUpdate`, `findLastChange`, …) —
 * becomes a proxy that sends the call over HTTP to the route the server serves it on and turns the
 * answer back into results (model instances where the method returns the model). The instance
 * methods that are not remote methods themselves (`save`, `destroy`, `reload`,
 * `replaceAttributes`) are made of the remote ones. Operation hooks and validation run on the
 * server, not here.
 *
 * The remoting metadata comes from the model itself (`Model.sharedClass`, which the app layer
 * installs on every model): the connector needs nothing of the REST layer but the two methods each
 * shared method offers to build a call and read its answer.
 */

export type { HttpAnswer, HttpCall };

/** What the connector reads of a shared method (remoting/shared-method.ts provides it). */
interface RemoteMethodShape {
  readonly name: string;
  readonly isStatic: boolean;
  readonly aliases: string[];
  readonly accepts: Array<{ arg: string; http?: unknown }>;
  readonly returns: Array<{ type?: unknown; root?: boolean }>;
  toHttpCall(args: readonly unknown[], instanceId?: unknown): HttpCall;
  fromHttpAnswer(answer: HttpAnswer): unknown[];
}

interface SharedClassShape {
  methods(): RemoteMethodShape[];
}

export interface RemoteTransport extends StreamTransport {
  send(call: HttpCall, options: unknown): Promise<HttpAnswer>;
}

type ModelCtor = (new (data?: unknown, options?: Record<string, unknown>) => any) & Record<string, any>;

/** Methods whose "not found" answer (404 MODEL_NOT_FOUND) means a null result, as LB3's remote connector has it. */
const NULL_WHEN_MISSING = new Set(['findById', 'findOne']);

/** Relation reads that answer 404 for "none" (a related id, a hasOne): null, as the local accessors answer. */
function nullWhenMissing(name: string): boolean {
  return NULL_WHEN_MISSING.has(name) || name.startsWith('__findById__') || name.startsWith('__get__');
}

/** The methods a remote model had before it was bound, by model, scope side and name. */
const originals = new WeakMap<object, Map<string, ((...args: unknown[]) => unknown) | undefined>>();

/** The model named by a return type (`'Car'`, `['Car']`), from the model's own registry. */
function modelOfType(Model: ModelCtor, type: unknown): ModelCtor | undefined {
  const name = Array.isArray(type) ? type[0] : type;
  if (typeof name !== 'string' || !name) return undefined;
  if (name === Model.modelName) return Model;
  const found = Model.modelBuilder?.getModel?.(name) as ModelCtor | undefined;
  return typeof found === 'function' && typeof found.modelName === 'string' ? found : undefined;
}

/** A model instance made from the server's data (kept as it came: the server checked it). */
function toInstance(Target: ModelCtor, data: unknown): unknown {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return data;
  return new Target(data, { persisted: true });
}

function convert(Model: ModelCtor, method: RemoteMethodShape, results: unknown[]): unknown[] {
  return results.map((value, i) => {
    const Target = modelOfType(Model, method.returns[i]?.type);
    if (!Target) return value;
    return Array.isArray(value) ? value.map((v) => toInstance(Target, v)) : toInstance(Target, value);
  });
}

/** The caller's options among the arguments (the `optionsFromRequest` argument), for its access token. */
function optionsOf(method: RemoteMethodShape, args: unknown[]): unknown {
  const index = method.accepts.findIndex((a) => a.http === 'optionsFromRequest');
  return index >= 0 ? args[index] : undefined;
}

function isNotFound(err: unknown): boolean {
  const e = err as { statusCode?: unknown; code?: unknown } | null;
  return !!e && e.statusCode === 404 && e.code === 'MODEL_NOT_FOUND';
}

/**
 * True while the model a method is called on is attached to the connector that bound it: a
 * subclass attached to another store (a server model extending the client's, as LB3's tests
 * build them) or a model moved to another data source runs the method it had before.
 */
function isBound(transport: RemoteTransport, callee: unknown): boolean {
  return (callee as ModelCtor | undefined)?.dataSource?.connector === transport;
}

/**
 * A proxy calling `method` on the server. Node callback last (called with every result, as
 * strong-remoting did) or a Bluebird promise of the first result. If the model has since been
 * attached to another data source, the method it had before runs instead.
 */
function proxyFor(
  transport: RemoteTransport,
  Model: ModelCtor,
  method: RemoteMethodShape,
  original: ((...args: unknown[]) => unknown) | undefined,
) {
  return function remoteMethodProxy(this: any, ...all: unknown[]): unknown {
    if (!isBound(transport, method.isStatic ? this : this?.constructor) && original)
      return original.apply(this, all);
    const { args, cb } = splitCallback(all);
    const run = async (): Promise<unknown[]> => {
      const call = method.toHttpCall(args, method.isStatic ? undefined : this.getId());
      try {
        const answer = await transport.send(call, optionsOf(method, args));
        // A HEAD route answers by its status alone: it exists.
        if (call.verb === 'HEAD') return [true];
        const results = convert(Model, method, method.fromHttpAnswer(answer));
        // An instance method answering with the instance (patchAttributes) updates the one it was called on.
        if (!method.isStatic && results[0] instanceof Model && this instanceof Model)
          return [adopt(this, results[0]), ...results.slice(1)];
        return results;
      } catch (err) {
        if (call.verb === 'HEAD' && (err as { statusCode?: unknown }).statusCode === 404) return [false];
        if (nullWhenMissing(method.name) && isNotFound(err)) return [null];
        throw err;
      }
    };
    if (cb) {
      withCallback(run(), cb, true);
      return undefined;
    }
    return bluebird()
      .resolve(run())
      .then((results) => results[0]);
  };
}

/** A proxy opening a server-sent event stream (`createChangeStream`): resolves to an object stream. */
function streamProxyFor(
  transport: RemoteTransport,
  method: RemoteMethodShape,
  original: ((...args: unknown[]) => unknown) | undefined,
) {
  return function remoteStreamProxy(this: any, ...all: unknown[]): unknown {
    if (!isBound(transport, method.isStatic ? this : this?.constructor) && original)
      return original.apply(this, all);
    const { args, cb } = splitCallback(all);
    const run = async () =>
      openRemoteChangeStream(
        transport,
        method.toHttpCall(args, method.isStatic ? undefined : this.getId()),
        undefined,
      );
    return withCallback(run(), cb);
  };
}

function adopt(inst: any, saved: any): any {
  if (saved && typeof saved === 'object' && saved !== inst) inst.setAttributes(saved.__data ?? saved);
  inst.__persisted = true;
  return inst;
}

/** Defines `scope[name]`, remembering (once) what the model had there before. */
function replace(
  Model: ModelCtor,
  scope: Record<string, unknown>,
  key: string,
  name: string,
  make: (original: ((...args: unknown[]) => unknown) | undefined) => unknown,
): void {
  let saved = originals.get(Model);
  if (!saved) originals.set(Model, (saved = new Map()));
  if (!saved.has(key)) saved.set(key, scope[name] as ((...args: unknown[]) => unknown) | undefined);
  defineHidden(scope, name, make(saved.get(key)));
}

/** The change and checkpoint models of a remote model stay local: the server keeps its own. */
function isReplicationModel(Model: ModelCtor): boolean {
  for (let M: any = Model; M && M !== Function.prototype; M = Object.getPrototypeOf(M)) {
    if (M.modelName === 'Change' || M.modelName === 'Checkpoint') return true;
  }
  return false;
}

function installProxies(transport: RemoteTransport, Model: ModelCtor, sharedClass: SharedClassShape): void {
  for (const method of sharedClass.methods()) {
    // A change stream is an open event stream, not a call with an answer.
    const streams = method.returns.some((r) => r.type === 'ReadableStream');
    const scope = method.isStatic ? Model : Model.prototype;
    for (const name of [method.name, ...method.aliases]) {
      replace(Model, scope, `${method.isStatic ? '' : 'prototype.'}${name}`, name, (original) =>
        streams ? streamProxyFor(transport, method, original) : proxyFor(transport, Model, method, original),
      );
    }
  }
  installInstanceMethods(transport, Model);
  installStaticMethods(transport, Model, sharedClass);
  installRemoteRelations(Model);
}

/**
 * The instance methods LB3's data access object builds from others, made of the remote methods:
 * `save` creates a new instance or replaces a stored one, `destroy` deletes by id, `reload` reads
 * it again, `replaceAttributes` replaces by id; each updates the instance it is called on.
 */
function installInstanceMethods(transport: RemoteTransport, Model: ModelCtor): void {
  const proto = Model.prototype as Record<string, unknown>;
  const method = (name: string, impl: (inst: any, Ctor: ModelCtor, args: unknown[]) => Promise<unknown>) =>
    replace(
      Model,
      proto,
      `prototype.${name}`,
      name,
      (original) =>
        function (this: any, ...all: unknown[]) {
          if (!isBound(transport, this?.constructor) && original) return original.apply(this, all);
          const { args, cb } = splitCallback(all);
          return withCallback(
            Promise.resolve().then(() => impl(this, this.constructor as ModelCtor, args)),
            cb,
          );
        },
    );
  const isNew = (inst: any) => inst.isNewRecord() || inst.getId() === undefined || inst.getId() === null;
  method('save', async (inst, Ctor, [options]) =>
    adopt(
      inst,
      isNew(inst)
        ? await Ctor.create(inst.toObject(), options)
        : await Ctor.replaceOrCreate(inst.toObject(), options),
    ),
  );
  method('replaceAttributes', async (inst, Ctor, [data, options]) =>
    adopt(inst, await Ctor.replaceById(inst.getId(), data, options)),
  );
  for (const name of ['destroy', 'delete', 'remove'])
    method(name, async (inst, Ctor, [options]) => Ctor.deleteById(inst.getId(), options));
  method('reload', async (inst, Ctor, [options]) => Ctor.findById(inst.getId(), undefined, options));
}

/**
 * The static methods a remote model has without a route of their own: `findOrCreate` (a findOne,
 * then a create: not atomic over REST), `findByIds` (a find), `rectifyChange`/`rectifyAllChanges`
 * (nothing to do: the server records its own changes on every write), and a clear error for
 * `destroyAll` when the server does not share it (LB3 does not by default).
 */
function installStaticMethods(
  transport: RemoteTransport,
  Model: ModelCtor,
  sharedClass: SharedClassShape,
): void {
  const method = (
    name: string,
    impl: (Ctor: ModelCtor, args: unknown[]) => Promise<unknown>,
    spread = false,
  ) =>
    replace(
      Model,
      Model,
      name,
      name,
      (original) =>
        function (this: any, ...all: unknown[]) {
          if (!isBound(transport, this) && original) return original.apply(this, all);
          const { args, cb } = splitCallback(all);
          return withCallback(
            Promise.resolve().then(() => impl(this as ModelCtor, args)),
            cb,
            spread,
          );
        },
    );
  method(
    'findOrCreate',
    async (Ctor, args) => {
      const [filter, data, options] = args.length === 1 ? [{ where: args[0] }, args[0], undefined] : args;
      const found = await Ctor.findOne(filter, options);
      return found ? [found, false] : [await Ctor.create(data, options), true];
    },
    true,
  );
  method('findByIds', async (Ctor, [ids, filter, options]) => {
    const idName = Ctor.definition?.idName ?? 'id';
    const given = (filter ?? {}) as Record<string, unknown>;
    const where = given.where
      ? { and: [{ [idName]: { inq: ids } }, given.where] }
      : { [idName]: { inq: ids } };
    return Ctor.find({ ...given, where }, options);
  });
  method('rectifyChange', async () => undefined);
  method('rectifyAllChanges', async () => undefined);
  const served = new Set(
    sharedClass
      .methods()
      .filter((m) => m.isStatic)
      .flatMap((m) => [m.name, ...m.aliases]),
  );
  for (const name of ['destroyAll', 'deleteAll', 'remove']) {
    if (served.has(name)) continue;
    method(name, async (Ctor) => {
      throw new LooplineError(
        'REMOTE_METHOD_UNAVAILABLE',
        `${String(Ctor.modelName)}.${name}() is not served by the server's REST API (share destroyAll there to use it through the remote connector)`,
      );
    });
  }
}

/** Makes `Model`'s methods call the server `transport` talks to (see the top of this file). */
export function bindRemoteModel(transport: RemoteTransport, ModelArg: object): void {
  const Model = ModelArg as ModelCtor;
  if (isReplicationModel(Model)) return;
  const sharedClass = Model.sharedClass as SharedClassShape | undefined;
  if (!sharedClass || typeof sharedClass.methods !== 'function') {
    throw new ConfigurationError(
      `Cannot attach ${String(Model.modelName)} to a remote connector: it has no remoting metadata (Model.sharedClass)`,
    );
  }
  const first = !originals.has(Model);
  installProxies(transport, Model, sharedClass);
  if (!first) return;
  // Remote methods and relations added later are proxied too (one relation listener per builder).
  Model.on('remoteMethodAdded', () => rebind(Model));
  const builder = Model.modelBuilder as
    { on?: (event: string, fn: (rel: { modelFrom?: unknown }) => void) => void } | undefined;
  if (builder && typeof builder.on === 'function' && !watchedBuilders.has(builder)) {
    watchedBuilders.add(builder);
    builder.on('relation', (rel) => {
      if (rel.modelFrom && originals.has(rel.modelFrom as object)) rebind(rel.modelFrom as ModelCtor);
    });
  }
}

const watchedBuilders = new WeakSet<object>();

/** Proxies what a bound model gained since, while it is still attached to a remote connector. */
function rebind(Model: ModelCtor): void {
  const connector = Model.dataSource?.connector as RemoteTransport | undefined;
  if (connector && typeof connector.send === 'function')
    installProxies(connector, Model, Model.sharedClass as SharedClassShape);
}
