import { randomUUID } from 'crypto';
import { DefaultFn } from './model-definition';

// uuid and nanoid load with the first value they generate, not by `require('loopline')`.
let uuid: typeof import('uuid') | undefined;
let nano: typeof import('nanoid') | undefined;
let shortidFn: (() => string) | undefined;
const uuidv1 = (): string => (uuid ??= require('uuid') as typeof import('uuid')).v1();
const nanoid = (): typeof import('nanoid') => (nano ??= require('nanoid') as typeof import('nanoid'));
/** shortid's alphabet and typical length; the `shortid` package itself is deprecated. */
const shortid = (): string =>
  (shortidFn ??= nanoid().customAlphabet(
    '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-',
    10,
  ))();

/** The value generators behind `defaultFn`, as LB3 names them (`guid`/`uuid` are time-based v1). */
export const DEFAULT_FN_GENERATORS: Readonly<Record<DefaultFn, () => unknown>> = {
  now: () => new Date(),
  guid: () => uuidv1(),
  uuid: () => uuidv1(),
  uuidv4: () => randomUUID(),
  shortid: () => shortid(),
  nanoid: () => nanoid().nanoid(),
};
