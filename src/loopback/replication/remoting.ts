import type { RemoteMethodOptions } from '../../remoting/shared-method';
import type { RemotingContext } from '../../remoting/context';
import { assertClientFilter } from '../../juggler';
import type { ModelClass } from '../model-api/registry';

/**
 * The REST face of replication, for models with `trackChanges` or `enableRemoteReplication`, with
 * LB3's paths and access types: reading changes, diffs and the current checkpoint is READ; making a
 * checkpoint is REPLICATE (a puller needs it without being allowed to write); applying updates and
 * editing change records is WRITE. Each goes through the model's ACLs like any other method.
 */

/** `createUpdates` over REST answers with the instances' data minus their hidden properties. */
function dropHiddenFromUpdates(Model: ModelClass) {
  return (ctx: RemotingContext, next: (err?: unknown) => void): void => {
    const hidden = Model.definition.hidden as Set<string>;
    if (hidden.size && Array.isArray(ctx.result)) {
      ctx.result = (ctx.result as Array<{ data?: Record<string, unknown> }>).map((u) => {
        if (!u || !u.data) return u;
        const data = { ...u.data };
        for (const name of hidden) delete data[name];
        return { ...u, data };
      });
    }
    next();
  };
}

export function replicationMethods(Model: ModelClass): Array<[string, RemoteMethodOptions]> {
  const settings = Model.settings as Record<string, unknown>;
  if (!settings.trackChanges && !settings.enableRemoteReplication) return [];
  const changeType = `${Model.modelName}-change`;
  return [
    [
      'diff',
      {
        description: 'Get a set of deltas and conflicts since the given checkpoint.',
        accessType: 'READ',
        accepts: [
          { arg: 'since', type: 'number', description: 'Find deltas since this checkpoint' },
          {
            arg: 'remoteChanges',
            type: 'array',
            description: 'an array of change objects',
            http: { source: 'body' },
          },
        ],
        returns: { arg: 'result', type: 'object', root: true },
        http: { verb: 'post', path: '/diff' },
      },
    ],
    [
      'changes',
      {
        description:
          'Get the changes to a model since a given checkpoint.Provide a filter object to reduce the number of results returned.',
        accessType: 'READ',
        accepts: [
          { arg: 'since', type: 'number', description: 'Only return changes since this checkpoint' },
          {
            arg: 'filter',
            type: 'object',
            description: 'Only include changes that match this filter',
            check: (v: unknown) => assertClientFilter(Model, v, 'filter'),
          },
        ],
        returns: { arg: 'changes', type: 'array', root: true },
        http: { verb: 'get', path: '/changes' },
      },
    ],
    [
      'checkpoint',
      {
        description: 'Create a checkpoint.',
        accessType: 'REPLICATE',
        returns: { arg: 'checkpoint', type: 'object', root: true },
        http: { verb: 'post', path: '/checkpoint' },
      },
    ],
    [
      'currentCheckpoint',
      {
        description: 'Get the current checkpoint.',
        accessType: 'READ',
        returns: { arg: 'checkpoint', type: 'object', root: true },
        http: { verb: 'get', path: '/checkpoint' },
      },
    ],
    [
      'createUpdates',
      {
        description: 'Create an update list from a delta list.',
        accessType: 'READ',
        accepts: { arg: 'deltas', type: 'array', http: { source: 'body' } },
        returns: { arg: 'updates', type: 'array', root: true },
        http: { verb: 'post', path: '/create-updates' },
        rest: { after: dropHiddenFromUpdates(Model) },
      },
    ],
    [
      'bulkUpdate',
      {
        description: 'Run multiple updates at once. Note: this is not atomic.',
        accessType: 'WRITE',
        accepts: { arg: 'updates', type: 'array' },
        http: { verb: 'post', path: '/bulk-update' },
      },
    ],
    [
      'findLastChange',
      {
        description: 'Get the most recent change record for this instance.',
        accessType: 'READ',
        accepts: {
          arg: 'id',
          type: 'any',
          required: true,
          http: { source: 'path' },
          description: 'Model id',
        },
        returns: { arg: 'result', type: changeType, root: true },
        http: { verb: 'get', path: '/:id/changes/last' },
      },
    ],
    [
      'updateLastChange',
      {
        description: 'Update the properties of the most recent change record kept for this instance.',
        accessType: 'WRITE',
        accepts: [
          { arg: 'id', type: 'any', required: true, http: { source: 'path' }, description: 'Model id' },
          {
            arg: 'data',
            type: 'object',
            http: { source: 'body' },
            description: 'An object of Change property name/value pairs',
          },
        ],
        returns: { arg: 'result', type: changeType, root: true },
        http: { verb: 'put', path: '/:id/changes/last' },
      },
    ],
  ] as Array<[string, RemoteMethodOptions]>;
}
