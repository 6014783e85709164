import { READ } from './acl-resolver';

/**
 * What a relation method (`__get__orders`) reaches on its target model: the target's method it
 * is checked as, with that method's access type, as LB3 checks it.
 */

export const RELATION_METHOD = /^__([a-zA-Z]+)__(.+)$/;
export const TARGET_PROPERTY: Record<string, [string, string]> = {
  get: ['find', READ],
  findById: ['findById', READ],
  count: ['count', READ],
  exists: ['exists', READ],
  create: ['create', 'WRITE'],
  update: ['patchAttributes', 'WRITE'],
  updateById: ['patchAttributes', 'WRITE'],
  destroy: ['deleteById', 'WRITE'],
  destroyById: ['deleteById', 'WRITE'],
  delete: ['deleteById', 'WRITE'],
  link: ['create', 'WRITE'],
  unlink: ['deleteById', 'WRITE'],
};

export const TARGET_ALIASES: Record<string, string[]> = {
  patchAttributes: ['updateAttributes'],
  deleteById: ['destroyById', 'removeById'],
};
