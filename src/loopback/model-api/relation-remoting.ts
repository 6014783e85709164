import { ModelNotFoundError } from '../../errors';
import { assertBatchSize } from './batch-limit';
import { createOnlyInstance, filterArg, whereArg } from './model-remoting';
import { nestRemoting } from './nest-remoting';
import type { ModelClass } from './registry';
import type { RelationDefinition } from '../../juggler';
import type { RemotingContext } from '../../remoting/context';
import type { RemoteMethodOptions } from '../../remoting/shared-method';
import type { SharedClass } from '../../remoting/shared-class';

/**
 * The REST face of relations, as LB3 generates it: for `Customer hasMany orders`,
 * `GET|POST|DELETE /Customers/{id}/orders`, `GET /Customers/{id}/orders/count`,
 * `GET|PUT|DELETE /Customers/{id}/orders/{fk}`, plus `PUT|DELETE|HEAD .../orders/rel/{fk}` for
 * through and referencesMany; `GET /Orders/{id}/customer` for belongsTo; `GET|POST|PUT|PATCH|DELETE
 * /Customers/{id}/profile` for hasOne and embedsOne. The methods live on the model's prototype
 * (`__get__orders`, ...), installed by the relations layer.
 */

const OPTIONS_ARG = { arg: 'options', type: 'object', http: 'optionsFromRequest' } as const;

function fkArg(name: string) {
  return {
    arg: 'fk',
    type: 'any',
    description: `Foreign key for ${name}`,
    required: true,
    http: { source: 'path' },
  };
}

/** LB3: a relation read that finds nothing is a 404 naming the target (by fk when there is one). */
function nullToNotFound(toModelName: string) {
  return (ctx: RemotingContext, next: (err?: unknown) => void): void => {
    if (ctx.result !== null && ctx.result !== undefined) return next();
    const fk = ctx.args.fk;
    const message =
      fk !== undefined
        ? `Unknown "${toModelName}" id "${String(fk)}".`
        : `No "${toModelName}" instance(s) found`;
    next(new ModelNotFoundError(toModelName, fk, message));
  };
}

function linkNotFound(ctx: RemotingContext, next: (err?: unknown) => void): void {
  if (ctx.result !== false) return next();
  const id = ctx.req?.params?.id;
  next(new ModelNotFoundError((ctx.method.sharedClass as SharedClass).name, id));
}

export function relationMethods(rel: RelationDefinition): Array<[string, RemoteMethodOptions]> {
  const name = rel.name;
  const path = `/${(rel.options.http && rel.options.http.path) || name}`;
  const To = rel.modelTo;
  const toName = To?.modelName ?? 'PersistedModel';
  const dataArg = (model = toName) => ({ arg: 'data', type: 'object', model, http: { source: 'body' } });
  const proto = (options: RemoteMethodOptions): RemoteMethodOptions => ({ ...options, isStatic: false });

  if (rel.type === 'belongsTo') {
    return [
      [
        `__get__${name}`,
        proto({
          http: { verb: 'get', path },
          accepts: [{ arg: 'refresh', type: 'boolean', http: { source: 'query' } }, OPTIONS_ARG],
          accessType: 'READ',
          description: `Fetches belongsTo relation ${name}.`,
          returns: { arg: name, type: toName, root: true },
        }),
      ],
    ];
  }
  if (rel.type === 'hasOne' || rel.type === 'embedsOne') {
    return [
      [
        `__get__${name}`,
        proto({
          http: { verb: 'get', path },
          accepts: [{ arg: 'refresh', type: 'boolean', http: { source: 'query' } }, OPTIONS_ARG],
          description: `Fetches hasOne relation ${name}.`,
          accessType: 'READ',
          returns: { arg: name, type: toName, root: true },
          rest: { after: nullToNotFound(toName) },
        }),
      ],
      [
        `__create__${name}`,
        proto({
          http: { verb: 'post', path },
          accepts: [dataArg(), OPTIONS_ARG],
          description: `Creates a new instance in ${name} of this model.`,
          accessType: 'WRITE',
          returns: { arg: 'data', type: toName, root: true },
        }),
      ],
      [
        `__update__${name}`,
        proto({
          http: [
            { verb: 'put', path },
            { verb: 'patch', path },
          ],
          accepts: [dataArg(), OPTIONS_ARG],
          description: `Update ${name} of this model.`,
          accessType: 'WRITE',
          returns: { arg: 'data', type: toName, root: true },
        }),
      ],
      [
        `__destroy__${name}`,
        proto({
          http: { verb: 'delete', path },
          accepts: [OPTIONS_ARG],
          description: `Deletes ${name} of this model.`,
          accessType: 'WRITE',
        }),
      ],
    ];
  }
  const methods: Array<[string, RemoteMethodOptions]> = [
    [
      `__findById__${name}`,
      proto({
        http: { verb: 'get', path: `${path}/:fk` },
        accepts: [fkArg(name), OPTIONS_ARG],
        description: `Find a related item by id for ${name}.`,
        accessType: 'READ',
        returns: { arg: 'result', type: toName, root: true },
        rest: { after: nullToNotFound(toName) },
      }),
    ],
    [
      `__destroyById__${name}`,
      proto({
        http: { verb: 'delete', path: `${path}/:fk` },
        accepts: [fkArg(name), OPTIONS_ARG],
        description: `Delete a related item by id for ${name}.`,
        accessType: 'WRITE',
        returns: [],
      }),
    ],
    [
      `__updateById__${name}`,
      proto({
        http: { verb: 'put', path: `${path}/:fk` },
        accepts: [fkArg(name), dataArg(), OPTIONS_ARG],
        description: `Update a related item by id for ${name}.`,
        accessType: 'WRITE',
        returns: { arg: 'result', type: toName, root: true },
      }),
    ],
  ];
  if (rel.isThrough || rel.type === 'referencesMany') {
    const throughName = rel.modelThrough?.modelName ?? toName;
    const linkAccepts = rel.isThrough
      ? [fkArg(name), dataArg(throughName), OPTIONS_ARG]
      : [fkArg(name), OPTIONS_ARG];
    methods.push(
      [
        `__link__${name}`,
        proto({
          http: { verb: 'put', path: `${path}/rel/:fk` },
          accepts: linkAccepts,
          description: `Add a related item by id for ${name}.`,
          accessType: 'WRITE',
          returns: { arg: name, type: throughName, root: true },
        }),
      ],
      [
        `__unlink__${name}`,
        proto({
          http: { verb: 'delete', path: `${path}/rel/:fk` },
          accepts: [fkArg(name), OPTIONS_ARG],
          description: `Remove the ${name} relation to an item by id.`,
          accessType: 'WRITE',
          returns: [],
        }),
      ],
      [
        `__exists__${name}`,
        proto({
          http: { verb: 'head', path: `${path}/rel/:fk` },
          accepts: [fkArg(name), OPTIONS_ARG],
          description: `Check the existence of ${name} relation to an item by id.`,
          accessType: 'READ',
          returns: { arg: 'exists', type: 'boolean', root: true },
          rest: { after: linkNotFound },
        }),
      ],
    );
  }
  methods.push(
    [
      `__get__${name}`,
      proto({
        http: { verb: 'get', path },
        accepts: [filterArg(To as ModelClass), OPTIONS_ARG],
        description: `Queries ${name} of ${rel.modelFrom.modelName}.`,
        accessType: 'READ',
        returns: { arg: name, type: [toName], root: true },
      }),
    ],
    [
      `__create__${name}`,
      proto({
        http: { verb: 'post', path },
        accepts: [
          {
            ...dataArg(),
            allowArray: true,
            createOnlyInstance: createOnlyInstance(rel.modelTo as ModelClass | undefined),
            check: (v: unknown) => assertBatchSize(rel.modelTo as ModelClass | undefined, v),
          },
          OPTIONS_ARG,
        ],
        description: `Creates a new instance in ${name} of this model.`,
        accessType: 'WRITE',
        returns: { arg: 'data', type: toName, root: true },
      }),
    ],
    [
      `__delete__${name}`,
      proto({
        http: { verb: 'delete', path },
        accepts: [{ arg: 'where', type: 'object', http: () => undefined }, OPTIONS_ARG],
        description: `Deletes all ${name} of this model.`,
        accessType: 'WRITE',
      }),
    ],
    [
      `__count__${name}`,
      proto({
        http: { verb: 'get', path: `${path}/count` },
        accepts: [whereArg(To as ModelClass), OPTIONS_ARG],
        description: `Counts ${name} of ${rel.modelFrom.modelName}.`,
        accessType: 'READ',
        returns: { arg: 'count', type: 'number' },
      }),
    ],
  );
  return methods;
}

export function defineRelationMethods(sharedClass: SharedClass, rel: RelationDefinition): void {
  sharedClass.declareLater(relationMethods(rel));
}

/** LB3: a relation with `options.nestRemoting: true` gets its model's nested endpoints, as if `nestRemoting(name)` were called. */
export function nestFlaggedRelation(Model: ModelClass, rel: RelationDefinition): void {
  if (rel.options?.nestRemoting !== true || rel.modelFrom !== (Model as unknown)) return;
  nestRemoting(Model, rel.name);
}
