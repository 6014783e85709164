/**
 * The name forms under which LB3 also lists a model or data source in `app.models` /
 * `app.dataSources` (underscore.string's rules): `camelize` turns `-`, `_` and white space runs into
 * an upper-cased next letter (`my-model` → `myModel`, `Foo` stays `Foo`); `classify` first turns
 * every other non-word character into a space, then camelizes and capitalises (`team` → `Team`,
 * `coffee shop` → `CoffeeShop`).
 */
export function camelizeName(name: string): string {
  return name.trim().replace(/[-_\s]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''));
}

export function classifyName(name: string): string {
  const camel = camelizeName(name.replace(/[\W_]/g, ' ')).replace(/\s/g, '');
  return camel.charAt(0).toUpperCase() + camel.slice(1);
}
