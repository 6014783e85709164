import { camelizeName, classifyName } from '../../util/lb3-names';

/** The names LB3 lists a model or connector under: its own, classified and camelized. */
export function modelAliases(name: string): string[] {
  return Array.from(new Set([name, classifyName(name), camelizeName(name)]));
}

/** A data source's names: LB3's, and the lower- and upper-first forms loopline always gave. */
export function dataSourceAliases(name: string): string[] {
  const more = [name.charAt(0).toLowerCase() + name.slice(1), name.charAt(0).toUpperCase() + name.slice(1)];
  return Array.from(new Set([...modelAliases(name), ...more]));
}
