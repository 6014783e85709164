import type { SharedClass } from '../../remoting/shared-class';
import { namedScope } from '../../juggler';
import { scopeMethods } from './model-remoting';
import type { ModelClass } from './registry';

/** The REST face of a named scope (`GET /Customers/youngFolks`, `/count`, `POST`, `DELETE`), as LB3's. */
export function defineScopeMethods(Model: ModelClass, sharedClass: SharedClass, scopeName: string): void {
  const scope = namedScope(Model, scopeName);
  // The remote methods' implementations, statics named after the scope as LB3 names them.
  const statics = Model as unknown as Record<string, unknown>;
  statics[`__get__${scopeName}`] = (filter: unknown, options: unknown) => scope(filter, options);
  statics[`__create__${scopeName}`] = (data: unknown, options: unknown) => scope.create(data, options);
  statics[`__delete__${scopeName}`] = async (where: unknown, options: unknown) => {
    await scope.destroyAll(where, options);
  };
  statics[`__count__${scopeName}`] = (where: unknown, options: unknown) => scope.count(where, options);
  sharedClass.declareLater(scopeMethods(Model, scopeName));
}
