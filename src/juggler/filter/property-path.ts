import { InvalidFilterError } from '../../errors';
import { FORBIDDEN_KEYS } from '../../util/own';
import type { ModelDefinition, PropertyDefinition } from '../model-definition';
import type { ResolvedLimits } from './limits';

/**
 * How where, order and fields resolve a property name or dotted path (`address.city`) against the
 * model. Server code may name properties the model does not define (LB3 simply matches nothing,
 * and strict:false models store them); REST filters set `rejectUnknown`/`rejectHidden` so a
 * client can neither probe hidden data nor get a silent empty answer for a typo.
 */
export interface ResolvedPath {
  /** The top-level property, when the model defines it. */
  readonly property: PropertyDefinition | undefined;
  /** True for a dotted path: its values are compared as given, without coercion. */
  readonly nested: boolean;
}

export function resolvePath(
  key: string,
  model: ModelDefinition,
  limits: ResolvedLimits,
  path: string,
): ResolvedPath {
  const segments = key.split('.');
  for (const s of segments) {
    if (s === '' || FORBIDDEN_KEYS.has(s))
      throw new InvalidFilterError(`${path} may not use the key "${key}"`);
  }
  const top = segments[0];
  const property = Object.prototype.hasOwnProperty.call(model.properties, top)
    ? model.properties[top]
    : undefined;
  if (limits.rejectHidden && (model.hidden.has(top) || property?.hidden)) {
    throw new InvalidFilterError(
      `${path}: the property "${top}" of ${model.name} is hidden and cannot be used in a filter`,
    );
  }
  if (limits.rejectUnknown) {
    if (!property) throw new InvalidFilterError(`${path}: ${model.name} has no property "${top}"`);
    if (segments.length > 1 && !isStructured(property)) {
      throw new InvalidFilterError(
        `${path}: "${top}" is a ${property.kind.name}, so "${key}" cannot reach into it`,
      );
    }
  }
  return { property, nested: segments.length > 1 };
}

/** Properties whose values are objects: dotted paths may reach into them. */
export function isStructured(property: PropertyDefinition): boolean {
  const t = property.kind;
  return (
    t.name === 'Object' ||
    t.name === 'Any' ||
    t.name === 'GeoPoint' ||
    t.name === 'Array' ||
    t.model !== undefined
  );
}
