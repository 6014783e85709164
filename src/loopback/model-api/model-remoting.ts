import { ModelNotFoundError } from '../../errors';
import { assertClientFilter } from '../../juggler';
import { SharedClass } from '../../remoting/shared-class';
import type { RemoteMethodOptions } from '../../remoting/shared-method';
import type { RemotingContext } from '../../remoting/context';
import { assertBatchSize } from './batch-limit';
import type { ModelClass } from './registry';
import { replicationMethods } from '../replication/remoting';

/**
 * The REST face of a PersistedModel: LB3's remote method table (verbs, paths, accepts, returns,
 * status) for the DAO, declared once per model when it is defined.
 */

const OPTIONS_ARG = { arg: 'options', type: 'object', http: 'optionsFromRequest' } as const;

function dataArg(modelName: string, description = 'Model instance data') {
  return {
    arg: 'data',
    type: 'object',
    model: modelName,
    allowArray: true,
    description,
    http: { source: 'body' },
  };
}

/**
 * LB3's `createOnlyInstance` flag on the data of a create: true when the model has properties a
 * create may not set (a forced id), so API descriptions show a separate shape for creating.
 */
export function createOnlyInstance(Model: ModelClass | undefined): boolean {
  const getUpdateOnly = (Model as { getUpdateOnlyProperties?: () => string[] } | undefined)
    ?.getUpdateOnlyProperties;
  return typeof getUpdateOnly === 'function' && getUpdateOnly.call(Model).length > 0;
}

function idArg(description = 'Model id') {
  return { arg: 'id', type: 'any', description, required: true, http: { source: 'path' } };
}

const FILTER_DESCRIPTION =
  'Filter defining fields, where, include, order, offset, and limit - must be a JSON-encoded string ({"something":"value"})';

/** A `filter` query argument; what a client sends is checked against the model (hidden properties). */
export function filterArg(Model: ModelClass, description = FILTER_DESCRIPTION) {
  return {
    arg: 'filter',
    type: 'object',
    description,
    http: { source: 'query' },
    check: (v: unknown) => assertClientFilter(Model as any, v, 'filter'),
  };
}

export function whereArg(Model: ModelClass) {
  return {
    arg: 'where',
    type: 'object',
    description: 'Criteria to match model instances',
    http: { source: 'query' },
    check: (v: unknown) => assertClientFilter(Model as any, v, 'where'),
  };
}

/** LB3 answers 404 MODEL_NOT_FOUND when findById/findOne resolve to null. */
function nullToNotFound(ctx: RemotingContext, next: (err?: unknown) => void): void {
  if (ctx.result !== null && ctx.result !== undefined) return next();
  const modelName = (ctx.method.sharedClass as SharedClass).name;
  next(new ModelNotFoundError(modelName, ctx.req?.params?.id));
}

/** `HEAD /Model/:id` answers with the status alone: 200 when it exists, 404 when not (as LB3). */
function headExistsToStatus(ctx: RemotingContext, next: (err?: unknown) => void): void {
  if (ctx.req?.method !== 'HEAD') return next();
  const result = ctx.result as { exists?: boolean } | undefined;
  if (result && result.exists) return next();
  next(new ModelNotFoundError((ctx.method.sharedClass as SharedClass).name, ctx.req?.params?.id));
}

export function persistedModelMethods(Model: ModelClass): Array<[string, RemoteMethodOptions]> {
  const name = Model.modelName;
  const replaceOnPUT = Model.settings.replaceOnPUT !== false;
  const type = name;
  return [
    [
      'create',
      {
        description: 'Create a new instance of the model and persist it into the data source.',
        accessType: 'WRITE',
        accepts: [
          {
            ...dataArg(name),
            createOnlyInstance: createOnlyInstance(Model),
            check: (v: unknown) => assertBatchSize(Model, v),
          },
          OPTIONS_ARG,
        ],
        returns: { arg: 'data', type, root: true },
        http: { verb: 'post', path: '/' },
      },
    ],
    [
      'patchOrCreate',
      {
        aliases: ['upsert', 'updateOrCreate'],
        description: 'Patch an existing model instance or insert a new one into the data source.',
        accessType: 'WRITE',
        accepts: [dataArg(name), OPTIONS_ARG],
        returns: { arg: 'data', type, root: true },
        http: replaceOnPUT
          ? [{ verb: 'patch', path: '/' }]
          : [
              { verb: 'put', path: '/' },
              { verb: 'patch', path: '/' },
            ],
      },
    ],
    [
      'replaceOrCreate',
      {
        description: 'Replace an existing model instance or insert a new one into the data source.',
        accessType: 'WRITE',
        accepts: [dataArg(name), OPTIONS_ARG],
        returns: { arg: 'data', type, root: true },
        http: replaceOnPUT
          ? [
              { verb: 'post', path: '/replaceOrCreate' },
              { verb: 'put', path: '/' },
            ]
          : [{ verb: 'post', path: '/replaceOrCreate' }],
      },
    ],
    [
      'upsertWithWhere',
      {
        aliases: ['patchOrCreateWithWhere'],
        description:
          'Update an existing model instance or insert a new one into the data source based on the where criteria.',
        accessType: 'WRITE',
        accepts: [
          whereArg(Model),
          dataArg(name, 'An object of model property name/value pairs'),
          OPTIONS_ARG,
        ],
        returns: { arg: 'data', type, root: true },
        http: { verb: 'post', path: '/upsertWithWhere' },
      },
    ],
    [
      'exists',
      {
        description: 'Check whether a model instance exists in the data source.',
        accessType: 'READ',
        accepts: [idArg(), OPTIONS_ARG],
        returns: { arg: 'exists', type: 'boolean' },
        http: [
          { verb: 'get', path: '/:id/exists' },
          { verb: 'head', path: '/:id' },
        ],
        rest: { after: headExistsToStatus },
      },
    ],
    [
      'findById',
      {
        description: 'Find a model instance by {{id}} from the data source.',
        accessType: 'READ',
        accepts: [
          idArg(),
          filterArg(
            Model,
            'Filter defining fields and include - must be a JSON-encoded string ({"something":"value"})',
          ),
          OPTIONS_ARG,
        ],
        returns: { arg: 'data', type, root: true },
        http: { verb: 'get', path: '/:id' },
        rest: { after: nullToNotFound },
      },
    ],
    [
      'replaceById',
      {
        description: 'Replace attributes for a model instance and persist it into the data source.',
        accessType: 'WRITE',
        accepts: [idArg(), dataArg(name, 'Model instance data'), OPTIONS_ARG],
        returns: { arg: 'data', type, root: true },
        http: replaceOnPUT
          ? [
              { verb: 'post', path: '/:id/replace' },
              { verb: 'put', path: '/:id' },
            ]
          : [{ verb: 'post', path: '/:id/replace' }],
      },
    ],
    [
      'find',
      {
        description: 'Find all instances of the model matched by filter from the data source.',
        accessType: 'READ',
        accepts: [filterArg(Model), OPTIONS_ARG],
        returns: { arg: 'data', type: [type], root: true },
        http: { verb: 'get', path: '/' },
      },
    ],
    [
      'findOne',
      {
        description: 'Find first instance of the model matched by filter from the data source.',
        accessType: 'READ',
        accepts: [filterArg(Model), OPTIONS_ARG],
        returns: { arg: 'data', type, root: true },
        http: { verb: 'get', path: '/findOne' },
        rest: { after: nullToNotFound },
      },
    ],
    [
      'updateAll',
      {
        aliases: ['update'],
        description: 'Update instances of the model matched by {{where}} from the data source.',
        accessType: 'WRITE',
        accepts: [
          whereArg(Model),
          dataArg(name, 'An object of model property name/value pairs'),
          OPTIONS_ARG,
        ],
        returns: {
          arg: 'info',
          type: 'object',
          root: true,
          description: 'Information related to the outcome of the operation',
        },
        http: { verb: 'post', path: '/update' },
      },
    ],
    // Not served unless an app shares it (`remoting.sharedMethods`: `"destroyAll": true` or `"*": true`), as in LB3.
    [
      'destroyAll',
      {
        aliases: ['deleteAll', 'remove'],
        shared: false,
        description: 'Delete all matching records.',
        accessType: 'WRITE',
        accepts: [whereArg(Model), OPTIONS_ARG],
        returns: { arg: 'count', type: 'object', root: true, description: 'The number of instances deleted' },
        http: { verb: 'del', path: '/' },
      },
    ],
    [
      'deleteById',
      {
        aliases: ['destroyById', 'removeById'],
        description: 'Delete a model instance by {{id}} from the data source.',
        accessType: 'WRITE',
        accepts: [idArg(), OPTIONS_ARG],
        returns: { arg: 'count', type: 'object', root: true },
        http: { verb: 'del', path: '/:id' },
      },
    ],
    [
      'count',
      {
        description: 'Count instances of the model matched by where from the data source.',
        accessType: 'READ',
        accepts: [whereArg(Model), OPTIONS_ARG],
        returns: { arg: 'count', type: 'number' },
        http: { verb: 'get', path: '/count' },
      },
    ],
    [
      'prototype.patchAttributes',
      {
        aliases: ['updateAttributes'],
        description: 'Patch attributes for a model instance and persist it into the data source.',
        accessType: 'WRITE',
        accepts: [dataArg(name, 'An object of model property name/value pairs'), OPTIONS_ARG],
        returns: { arg: 'data', type, root: true },
        http: replaceOnPUT
          ? [{ verb: 'patch', path: '/' }]
          : [
              { verb: 'put', path: '/' },
              { verb: 'patch', path: '/' },
            ],
      },
    ],
    ...replicationMethods(Model),
    // Last, as LB3 lists it.
    [
      'createChangeStream',
      {
        description: 'Create a change stream.',
        accessType: 'READ',
        // LB3's own argument: `{where, fields}` selecting the changes (not the request's options).
        accepts: [
          {
            arg: 'options',
            type: 'object',
            http: { source: 'query' },
            check: (v: unknown) => assertClientFilter(Model as any, changeSelection(v), 'filter'),
          },
        ],
        returns: { arg: 'changes', type: 'ReadableStream', json: true },
        http: [
          { verb: 'post', path: '/change-stream' },
          { verb: 'get', path: '/change-stream' },
        ],
      },
    ],
  ];
}

/** The part of a change stream's options a client may send: a where and fields, checked as a filter's. */
function changeSelection(value: unknown): unknown {
  if (!value || typeof value !== 'object') return value;
  const { where, fields } = value as { where?: unknown; fields?: unknown };
  return { where, fields };
}

/** Remote methods of a named scope: GET/POST/DELETE /<scope> and GET /<scope>/count. */
export function scopeMethods(Model: ModelClass, scopeName: string): Array<[string, RemoteMethodOptions]> {
  const type = Model.modelName;
  return [
    [
      `__get__${scopeName}`,
      {
        description: `Queries ${scopeName} of ${type}.`,
        accessType: 'READ',
        accepts: [filterArg(Model), OPTIONS_ARG],
        returns: { arg: scopeName, type: [type], root: true },
        http: { verb: 'get', path: `/${scopeName}` },
      },
    ],
    [
      `__create__${scopeName}`,
      {
        description: `Creates a new instance in ${scopeName} of this model.`,
        accessType: 'WRITE',
        accepts: [{ ...dataArg(type), createOnlyInstance: createOnlyInstance(Model) }, OPTIONS_ARG],
        returns: { arg: 'data', type, root: true },
        http: { verb: 'post', path: `/${scopeName}` },
      },
    ],
    // As LB3: the whole scope goes; a client cannot narrow it with a where (no such argument).
    [
      `__delete__${scopeName}`,
      {
        description: `Deletes all ${scopeName} of this model.`,
        accessType: 'WRITE',
        accepts: [{ arg: 'where', type: 'object', http: () => undefined }, OPTIONS_ARG],
        http: { verb: 'delete', path: `/${scopeName}` },
      },
    ],
    [
      `__count__${scopeName}`,
      {
        description: `Counts ${scopeName} of ${type}.`,
        accessType: 'READ',
        accepts: [whereArg(Model), OPTIONS_ARG],
        returns: { arg: 'count', type: 'number' },
        http: { verb: 'get', path: `/${scopeName}/count` },
      },
    ],
  ];
}
