import { randomUUID } from 'crypto';
import { v1 as uuidv1 } from 'uuid';
import { customAlphabet, nanoid } from 'nanoid';
import { DefaultFn } from './model-definition';

/** shortid's alphabet and typical length; the `shortid` package itself is deprecated. */
const shortid = customAlphabet('0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-', 10);

/** The value generators behind `defaultFn`, as LB3 names them (`guid`/`uuid` are time-based v1). */
export const DEFAULT_FN_GENERATORS: Readonly<Record<DefaultFn, () => unknown>> = {
  now: () => new Date(),
  guid: () => uuidv1(),
  uuid: () => uuidv1(),
  uuidv4: () => randomUUID(),
  shortid: () => shortid(),
  nanoid: () => nanoid(),
};
