/**
 * A connector's own data-access object (`connector.DataAccessObject`, LB3's way for a connector
 * such as loopback-component-storage's or loopback-connector-rest's to give models methods of its
 * own): its static functions become the model's, its prototype functions the instances', the
 * same function objects so their remoting metadata (`shared`, `accepts`, `returns`, `http`) comes
 * along. As in LB3, they win over a method of the same name.
 */
export function mixinConnectorDao(Model: object, dao: unknown): void {
  if (typeof dao !== 'function' && (typeof dao !== 'object' || dao === null)) return;
  const source = dao as Record<string, unknown> & { prototype?: Record<string, unknown> };
  const target = Model as Record<string, unknown> & { prototype: Record<string, unknown> };
  for (const name of Object.keys(source)) {
    if (typeof source[name] === 'function') target[name] = source[name];
  }
  const proto = source.prototype;
  if (proto && typeof proto === 'object') {
    for (const name of Object.keys(proto)) {
      if (typeof proto[name] === 'function') target.prototype[name] = proto[name];
    }
  }
}
