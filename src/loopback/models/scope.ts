import { ModelNotFoundError } from '../../errors';
import { withCallback } from '../../util/callback';
import { SCOPE } from '../security/acl-resolver';
import type { AccessRequest } from '../security/access-context';

type AnyModel = any;
type Callback<T> = (err: Error | null, result?: T) => void;

/** Scope: `Scope.checkPermission(scopeName, model, property, accessType, cb)` asks the ACL model about the scope named. */
export function setupScope(Scope: AnyModel): void {
  Scope.checkPermission = function (
    this: AnyModel,
    scope: string,
    model: string,
    property: string,
    accessType: string,
    cb?: Callback<AccessRequest>,
  ) {
    const run = async (): Promise<AccessRequest> => {
      const ACL = this.app?.models?.ACL ?? this.modelBuilder?.getModel?.('ACL');
      const found = await this.findOne({ where: { name: scope } });
      // LB3 failed with a TypeError on an unknown scope name; a clear 404 says which one.
      if (!found)
        throw new ModelNotFoundError(
          this.modelName,
          scope,
          `Unknown "${this.modelName}" name "${String(scope)}".`,
        );
      return ACL.checkPermission(SCOPE, found.id, model, property, accessType);
    };
    return withCallback(run(), cb);
  };
}
