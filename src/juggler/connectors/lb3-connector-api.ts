import { ConfigurationError, InvalidArgumentError, ModelNotFoundError } from '../../errors';
import { withCallback, type NodeCallback } from '../../util/callback';
import { defineHidden } from '../../util/own';
import { normalizeFilter, normalizeWhere } from '../filter/normalize-filter';
import type { ModelDefinition } from '../model-definition';
import { INVALID } from '../types';
import type { Connector, OperationOptions, Row } from './connector';

/**
 * LB3's connector CRUD API on loopline's own connectors, for LB3 code that talks to
 * `dataSource.connector` directly (a "third party" writing behind the models' backs, a test
 * setting up rows): `create(modelName, data, [options], cb)`, `all`, `find` (by id), `exists`,
 * `count`, `save`, `updateAttributes`, `replaceById`, `update`/`updateAll`, `destroy`,
 * `destroyAll`. One adapter over the Connector interface, installed on every data connector a
 * data source builds.
 *
 * LB3 names several of these as the Connector interface does (create, find, count, updateAll,
 * destroyAll, replaceById) with a model *name* first; loopline passes a ModelDefinition. A call
 * whose first argument is a string is LB3's; any other goes to the connector's own method. The
 * writes go straight to the store, as in LB3: no hooks, no validation, no change records.
 * Data is coerced to the model's property types; rows come back in loopline's canonical forms.
 */

type Lb3Method = (this: Connector, ...args: unknown[]) => unknown;
type ModelLookup = (modelName: string) => ModelDefinition | undefined;

/** The model name, the remaining arguments and the callback of an LB3 connector call; options (if passed) last of `fixed`. */
function parseCall(
  args: unknown[],
  fixed: number,
): { rest: unknown[]; options: OperationOptions; cb: NodeCallback<unknown> | undefined } {
  const cb =
    typeof args[args.length - 1] === 'function'
      ? (args[args.length - 1] as NodeCallback<unknown>)
      : undefined;
  const params = cb ? args.slice(0, -1) : args.slice();
  const rest = params.slice(1, 1 + fixed);
  const options = params[1 + fixed];
  return { rest, options: options && typeof options === 'object' ? (options as OperationOptions) : {}, cb };
}

function coerceRow(def: ModelDefinition, data: unknown): Row {
  if (!data || typeof data !== 'object' || Array.isArray(data))
    throw new InvalidArgumentError(`The data for ${def.name} must be an object`, 'INVALID_DATA');
  const row: Row = {};
  for (const [key, value] of Object.entries(data as Row)) {
    if (value === undefined || key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
    const prop = def.properties[key];
    if (!prop) {
      if (def.strict === false) row[key] = value;
      continue;
    }
    const coerced = value === null ? null : prop.kind.coerce(value);
    row[key] = coerced === INVALID ? value : coerced;
  }
  return row;
}

function coerceIdOf(def: ModelDefinition, id: unknown): unknown {
  const prop = def.idName ? def.properties[def.idName] : undefined;
  if (!prop || id === undefined || id === null) return id;
  const coerced = prop.kind.coerce(id);
  return coerced === INVALID ? id : coerced;
}

function requireIdValue(def: ModelDefinition, id: unknown, action: string): void {
  if (id === undefined || id === null || id === '')
    throw new InvalidArgumentError(`You must provide an id when ${action} ${def.name}`, 'MISSING_ID');
}

function idOfData(def: ModelDefinition, data: unknown): unknown {
  return def.idName && data && typeof data === 'object' ? (data as Row)[def.idName] : undefined;
}

/**
 * The LB3 methods by name: how many arguments follow the model name (before options and the
 * callback), and what each does with the resolved model definition.
 */
const LB3_METHODS: Record<
  string,
  {
    fixed: number;
    run: (c: Connector, def: ModelDefinition, rest: unknown[], options: OperationOptions) => Promise<unknown>;
  }
> = {
  create: { fixed: 1, run: (c, def, [data], o) => c.create(def, coerceRow(def, data), o) },
  all: { fixed: 1, run: (c, def, [filter], o) => c.find(def, normalizeFilter(filter ?? {}, def), o) },
  find: {
    fixed: 1,
    run: (c, def, [id], o) => c.findById(def, coerceIdOf(def, id), o),
  },
  exists: {
    fixed: 1,
    run: async (c, def, [id], o) => (await c.findById(def, coerceIdOf(def, id), o)) !== null,
  },
  count: {
    fixed: 1,
    run: (c, def, [where], o) => c.count(def, where ? normalizeWhere(where, def) : undefined, o),
  },
  save: {
    fixed: 1,
    run: async (c, def, [data], o) => {
      const row = coerceRow(def, data);
      const id = idOfData(def, row);
      requireIdValue(def, id, 'saving');
      const updated = await c.replaceById(def, id, row, o);
      if (updated) return updated;
      await c.create(def, row, o);
      return row;
    },
  },
  updateAttributes: {
    fixed: 2,
    run: async (c, def, [id, data], o) => {
      requireIdValue(def, id, 'updating attributes of');
      const key = coerceIdOf(def, id);
      const row = await c.patchById(def, key, coerceRow(def, data), o);
      if (!row)
        throw new ModelNotFoundError(
          def.name,
          id,
          `Could not update attributes. ${def.name} with id ${String(id)} does not exist!`,
        );
      return (await c.findById(def, key, o)) ?? row;
    },
  },
  replaceById: {
    fixed: 2,
    run: async (c, def, [id, data], o) => {
      requireIdValue(def, id, 'replacing');
      const key = coerceIdOf(def, id);
      const row = await c.replaceById(
        def,
        key,
        { ...coerceRow(def, data), ...(def.idName ? { [def.idName]: key } : {}) },
        o,
      );
      if (!row)
        throw new ModelNotFoundError(
          def.name,
          id,
          `Could not replace. ${def.name} with id ${String(id)} does not exist!`,
        );
      return row;
    },
  },
  updateAll: {
    fixed: 2,
    run: async (c, def, [where, data], o) => ({
      count: await c.updateAll(def, where ? normalizeWhere(where, def) : undefined, coerceRow(def, data), o),
    }),
  },
  destroy: {
    fixed: 1,
    run: async (c, def, [id], o) => {
      requireIdValue(def, id, 'deleting');
      return {
        count: await c.destroyAll(def, normalizeWhere({ [def.idName!]: coerceIdOf(def, id) }, def), o),
      };
    },
  },
  destroyAll: {
    fixed: 1,
    run: async (c, def, [where], o) => ({
      count: await c.destroyAll(def, where ? normalizeWhere(where, def) : undefined, o),
    }),
  },
};
LB3_METHODS.update = LB3_METHODS.updateAll;

function lb3Method(
  name: string,
  spec: (typeof LB3_METHODS)[string],
  ready: () => Promise<void>,
  lookup: ModelLookup,
  own: Lb3Method | undefined,
): Lb3Method {
  // The declared arity LB3 code reads (`connector.create.length`) is LB3 2.x's: model, fixed args, options, callback.
  // The connector's own calls (a ModelDefinition first, at most four arguments) pass straight through.
  const call = function (this: Connector, a0: unknown, a1: unknown, a2: unknown, a3: unknown): unknown {
    if (typeof a0 !== 'string') {
      if (own) return own.call(this, a0, a1, a2, a3);
      throw new InvalidArgumentError(`connector.${name}() takes a model name first`);
    }
    // eslint-disable-next-line prefer-rest-params
    const args = Array.prototype.slice.call(arguments) as unknown[];
    const { rest, options, cb } = parseCall(args, spec.fixed);
    const modelName = a0;
    const run = async () => {
      const def = lookup(modelName);
      if (!def)
        throw new ConfigurationError(
          `connector.${name}(): no model "${modelName}" is attached to this data source`,
          'MODEL_NOT_ATTACHED',
        );
      await ready();
      return spec.run(this, def, rest, options);
    };
    return withCallback(run(), cb);
  };
  Object.defineProperty(call, 'length', { value: spec.fixed + 3 });
  Object.defineProperty(call, 'name', { value: name });
  return call;
}

/**
 * Gives a data connector LB3's connector CRUD API (see above). `lookup` names the data source's
 * attached models; `ready` connects the data source before the first call.
 */
export function installLb3ConnectorApi(
  connector: Connector,
  lookup: ModelLookup,
  ready: () => Promise<void>,
): void {
  const target = connector as unknown as Record<string, unknown>;
  for (const [name, spec] of Object.entries(LB3_METHODS)) {
    const own = typeof target[name] === 'function' ? (target[name] as Lb3Method) : undefined;
    if (own && (own as { lb3ConnectorApi?: boolean }).lb3ConnectorApi) continue;
    const method = lb3Method(name, spec, ready, lookup, own);
    Object.defineProperty(method, 'lb3ConnectorApi', { value: true });
    defineHidden(target, name, method);
  }
}
