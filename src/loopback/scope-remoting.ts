import type { SharedClass } from '../remoting/shared-class';
import { scopeMethods } from './model-remoting';
import type { ModelClass } from './registry';

/** The REST face of a named scope (`GET /Customers/youngFolks`, `/count`, `POST`, `DELETE`), as LB3's. */
export function defineScopeMethods(Model: ModelClass, sharedClass: SharedClass, scopeName: string): void {
  const scope = Model[scopeName];
  Model[`__get__${scopeName}`] = (filter: unknown, options: unknown) => scope(filter, options);
  Model[`__create__${scopeName}`] = (data: unknown, options: unknown) => scope.create(data, options);
  Model[`__delete__${scopeName}`] = async (where: unknown, options: unknown) => {
    await scope.destroyAll(where, options);
  };
  Model[`__count__${scopeName}`] = (where: unknown, options: unknown) => scope.count(where, options);
  for (const [name, options] of scopeMethods(Model, scopeName)) sharedClass.defineMethod(name, options);
}
