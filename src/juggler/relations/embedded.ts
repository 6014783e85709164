import { randomUUID } from 'crypto';
import { LooplineError } from '../../errors';
import { isPlainObject } from '../../util/own';
import type { RelationDefinition } from './relation-definition';
import { isValid, validationErrorFor } from '../validations';

/**
 * embedsOne and embedsMany: the related data lives inside the owner, in `rel.embedProperty`, and
 * every change is a save of the owner (so the owner's hooks and validations run, as in LB3).
 */

type Inst = Record<string, any>;

function plain(value: unknown): Inst {
  if (value && typeof value === 'object' && typeof (value as any).toObject === 'function') return (value as any).toObject(false);
  return isPlainObject(value) ? { ...value } : {};
}

function wrap(rel: RelationDefinition, data: unknown): any {
  if (data instanceof (rel.modelTo as any)) return data;
  return new (rel.modelTo as any)(plain(data));
}

/** The stored value, read from the data: a relation named like its property hides the accessor. */
function stored(rel: RelationDefinition, owner: Inst): unknown {
  const data = owner.__data as Inst | undefined;
  return data ? data[rel.embedProperty!] : owner[rel.embedProperty!];
}

// ---- embedsOne -------------------------------------------------------------------------------

export function embeddedValue(rel: RelationDefinition, owner: Inst): any | null {
  const v = stored(rel, owner);
  return v === undefined || v === null ? null : wrap(rel, v);
}

export async function setEmbedded(rel: RelationDefinition, owner: Inst, data: unknown, options: object): Promise<any> {
  const item = wrap(rel, data);
  await validateItem(rel, item, options);
  await owner.updateAttributes({ [rel.embedProperty!]: plain(item) }, options);
  return embeddedValue(rel, owner);
}

export async function updateEmbedded(rel: RelationDefinition, owner: Inst, data: unknown, options: object): Promise<any> {
  const current = embeddedValue(rel, owner);
  if (!current) throw new LooplineError('MODEL_NOT_FOUND', 404, `EmbedsOne relation ${rel.name} is empty`);
  return setEmbedded(rel, owner, { ...plain(current), ...plain(data) }, options);
}

export async function unsetEmbedded(rel: RelationDefinition, owner: Inst, options: object): Promise<void> {
  await owner.updateAttributes({ [rel.embedProperty!]: null }, options);
}

// ---- embedsMany ------------------------------------------------------------------------------

function idName(rel: RelationDefinition): string {
  return rel.modelTo!.definition.idName ?? 'id';
}

export function embeddedList(rel: RelationDefinition, owner: Inst): any[] {
  const v = stored(rel, owner);
  return Array.isArray(v) ? v.map((item) => wrap(rel, item)) : [];
}

function nextId(rel: RelationDefinition, list: Inst[]): unknown {
  const type = rel.modelTo!.definition.properties[idName(rel)]?.type.name;
  if (type === 'String') return randomUUID();
  return list.reduce((max, item) => (typeof item[idName(rel)] === 'number' && item[idName(rel)] > max ? item[idName(rel)] : max), 0) + 1;
}

async function validateItem(_rel: RelationDefinition, item: any, options: object): Promise<void> {
  if (!(await isValid(item, options))) throw validationErrorFor(item);
}

async function saveList(rel: RelationDefinition, owner: Inst, list: any[], options: object): Promise<void> {
  await owner.updateAttributes({ [rel.embedProperty!]: list.map(plain) }, options);
}

export function findEmbeddedById(rel: RelationDefinition, owner: Inst, fk: unknown): any {
  const found = embeddedList(rel, owner).find((item) => String(item[idName(rel)]) === String(fk));
  if (!found) throw new LooplineError('MODEL_NOT_FOUND', 404, `No instance with id ${String(fk)} found for ${rel.modelTo!.modelName}`);
  return found;
}

export async function addEmbedded(rel: RelationDefinition, owner: Inst, data: unknown, options: object): Promise<any> {
  const list = embeddedList(rel, owner);
  const item = wrap(rel, data);
  if (item[idName(rel)] === undefined || item[idName(rel)] === null) item[idName(rel)] = nextId(rel, list);
  if (list.some((x) => String(x[idName(rel)]) === String(item[idName(rel)]))) {
    throw new LooplineError('DUPLICATE_ID', 409, `Duplicate entry for ${rel.modelTo!.modelName}.${idName(rel)}: ${String(item[idName(rel)])}`);
  }
  await validateItem(rel, item, options);
  await saveList(rel, owner, [...list, item], options);
  return item;
}

export async function updateEmbeddedById(rel: RelationDefinition, owner: Inst, fk: unknown, data: unknown, options: object): Promise<any> {
  const list = embeddedList(rel, owner);
  const index = list.findIndex((item) => String(item[idName(rel)]) === String(fk));
  if (index < 0) throw new LooplineError('MODEL_NOT_FOUND', 404, `No instance with id ${String(fk)} found for ${rel.modelTo!.modelName}`);
  const patch = plain(data);
  delete patch[idName(rel)];
  const updated = wrap(rel, { ...plain(list[index]), ...patch });
  await validateItem(rel, updated, options);
  list[index] = updated;
  await saveList(rel, owner, list, options);
  return updated;
}

export async function destroyEmbeddedById(rel: RelationDefinition, owner: Inst, fk: unknown, options: object): Promise<void> {
  const list = embeddedList(rel, owner);
  const kept = list.filter((item) => String(item[idName(rel)]) !== String(fk));
  if (kept.length === list.length) throw new LooplineError('MODEL_NOT_FOUND', 404, `No instance with id ${String(fk)} found for ${rel.modelTo!.modelName}`);
  await saveList(rel, owner, kept, options);
}

export async function clearEmbedded(rel: RelationDefinition, owner: Inst, options: object): Promise<void> {
  await saveList(rel, owner, [], options);
}
