import type { RE2JS } from 're2js';
import { InvalidFilterError } from '../../errors';
import { Re2Translation, toRe2Syntax, UnsupportedRegExp } from './regexp-re2';

const FLAGS = /^[gimsuy]*$/;

export type StringTest = (value: string) => boolean;

/** The linear-time test of each RegExp a filter was normalised to, compiled once with it. */
const MATCHERS = new WeakMap<RegExp, StringTest>();

const MAX_PROGRAM_SIZE = 500;

/**
 * A RegExp from `/pattern/flags`, a bare pattern string, or a RegExp; refuses patterns that are too
 * long, do not compile, or use what no linear-time engine can match (back-references, lookaround).
 * `extraFlags` are LB3's `{regexp: 'x', options: 'i'}` flags.
 *
 * The RegExp is what hooks and the SQL stores read; the memory store never runs it (JavaScript's
 * engine backtracks: `(a|\x61)+$` took over a second on 30 characters) but the RE2 matcher compiled
 * here, found again with `regexpTest`.
 *
 * `g` is dropped: it only makes `test()` remember a position between rows, which a filter never
 * wants. `y` anchors the match at the start of the value, as a fresh sticky RegExp's test does.
 */
export function toSafeRegExp(value: unknown, path: string, maxLength: number, extraFlags = ''): RegExp {
  let source: string;
  let flags: string;
  if (value instanceof RegExp) {
    source = value.source;
    flags = value.flags;
  } else if (typeof value === 'string') {
    const m = /^\/(.*)\/([a-z]*)$/s.exec(value);
    source = m ? m[1] : value;
    flags = m ? m[2] : '';
  } else {
    throw new InvalidFilterError(`${path} must be a regular expression or a string`);
  }
  const all = flags + extraFlags;
  if (!FLAGS.test(all))
    throw new InvalidFilterError(
      `${path} has invalid regular expression flags "${all}" (allowed: g, i, m, s, u, y)`,
    );
  flags = Array.from(new Set(all.replace(/g/g, ''))).join('');
  if (source.length > maxLength)
    throw new InvalidFilterError(`${path} is longer than ${maxLength} characters`);
  let re: RegExp;
  try {
    re = new RegExp(source, flags);
  } catch (err) {
    throw new InvalidFilterError(`${path} is not a valid regular expression: ${(err as Error).message}`);
  }
  MATCHERS.set(re, linearTest(re, path));
  return re;
}

/**
 * The test a filter's RegExp stands for, in time linear in the value whatever the pattern. A
 * RegExp that did not come through `toSafeRegExp` is compiled now (and refused as it would be).
 */
export function regexpTest(re: RegExp, path = 'regexp'): StringTest {
  let test = MATCHERS.get(re);
  if (!test) {
    test = linearTest(re, path);
    MATCHERS.set(re, test);
  }
  return test;
}

let re2jsModule: typeof import('re2js') | undefined;
/** re2js (~260 KB of source) loads with the first pattern that needs it, not with every app. */
const re2js = (): typeof import('re2js') => (re2jsModule ??= require('re2js') as typeof import('re2js'));

function linearTest(re: RegExp, path: string): StringTest {
  let translation: Re2Translation;
  try {
    translation = toRe2Syntax(re.source, re.flags);
  } catch (err) {
    if (err instanceof UnsupportedRegExp)
      throw new InvalidFilterError(`${path}: ${err.message}; write the pattern without them`);
    throw err;
  }
  if (translation.backtrackFree) return nativeTest(re);
  const syntax = re.sticky ? `\\A(?:${translation.syntax})` : translation.syntax;
  let compiled: RE2JS;
  const Re2 = re2js().RE2JS;
  try {
    compiled = Re2.compile(
      syntax,
      (re.ignoreCase ? Re2.CASE_INSENSITIVE : 0) | (re.multiline ? Re2.MULTILINE : 0),
    );
  } catch (err) {
    throw new InvalidFilterError(
      `${path} cannot be matched in linear time: ${(err as Error).message.replace(/^error parsing regexp: /, '')}`,
    );
  }
  // Linear in the value, but the first pass over a value builds automaton states of up to the
  // program's size: `(?:a?){300}a{300}` (902) took 150-280 ms on 301 characters, 452 ~50 ms.
  if (compiled.programSize() > MAX_PROGRAM_SIZE) {
    throw new InvalidFilterError(
      `${path} is too large to match quickly (it compiles to ${compiled.programSize()} steps, at most ${MAX_PROGRAM_SIZE}); use smaller counts in {n,m} repetitions`,
    );
  }
  return (value) => compiled.test(value);
}

/** JavaScript's own test, for patterns it runs in linear time; a sticky one starts each value afresh. */
function nativeTest(re: RegExp): StringTest {
  const own = new RegExp(re.source, re.flags);
  if (!own.sticky) return (value) => own.test(value);
  return (value) => {
    own.lastIndex = 0;
    return own.test(value);
  };
}

interface Group {
  quantified: boolean;
  alternatives: string[];
  start: number;
}

/**
 * A conservative scan for the shapes behind catastrophic backtracking, for the stores whose engine
 * backtracks (MariaDB's PCRE2; the memory store runs RE2 and needs none): a repeated group that
 * itself repeats (`(a+)+`, `((a*))*`, `(a?){2,}`), a repeated alternation whose branches may match
 * the same text (`(a|a)*`, `(.|x)+`, `(a|\x61)+`, `(a|(?:a))+`, `(a|A)+` when case-insensitive),
 * and back-references. Returns the reason, or undefined. It refuses some harmless patterns; a
 * filter can always be written without them.
 */
export function backtrackingRisk(source: string, caseInsensitive = false): string | undefined {
  const stack: Group[] = [{ quantified: false, alternatives: [], start: 0 }];
  let i = 0;
  while (i < source.length) {
    const ch = source[i];
    const top = stack[stack.length - 1];
    if (ch === '\\') {
      const next = source[i + 1] ?? '';
      if (/[1-9]/.test(next) || next === 'k') return 'back-references are not allowed';
      i += 2;
      continue;
    }
    if (ch === '[') {
      i = skipClass(source, i);
      continue;
    }
    if (ch === '(') {
      let j = i + 1;
      if (source[j] === '?') {
        j++;
        if (source[j] === '<' && source[j + 1] !== '=' && source[j + 1] !== '!') {
          while (j < source.length && source[j] !== '>') j++;
          j++;
        } else if (source[j] === '<') j += 2;
        else j++;
      }
      stack.push({ quantified: false, alternatives: [], start: j });
      i = j;
      continue;
    }
    if (ch === '|') {
      top.alternatives.push(source.slice(lastAlternativeStart(source, top), i));
      i++;
      continue;
    }
    if (ch === ')' && stack.length > 1) {
      const group = stack.pop()!;
      if (group.alternatives.length)
        group.alternatives.push(source.slice(lastAlternativeStart(source, group), i));
      const q = quantifierAt(source, i + 1);
      if (q.repeats) {
        if (group.quantified) return 'a repeated group contains a quantifier';
        if (overlappingAlternatives(group.alternatives, caseInsensitive))
          return 'a repeated alternation has overlapping branches';
      }
      const parent = stack[stack.length - 1];
      parent.quantified = parent.quantified || group.quantified || q.length > 0;
      i += 1 + q.length;
      continue;
    }
    const q = quantifierAt(source, i);
    if (q.length) {
      top.quantified = true;
      i += q.length;
      continue;
    }
    i++;
  }
  return undefined;
}

/** Where the current alternative of a group began: after its last `|`, or at the group start. */
function lastAlternativeStart(source: string, group: Group): number {
  let start = group.start;
  for (const alt of group.alternatives) start += alt.length + 1;
  return start;
}

function skipClass(source: string, i: number): number {
  i++;
  if (source[i] === '^') i++;
  if (source[i] === ']') i++;
  while (i < source.length && source[i] !== ']') i += source[i] === '\\' ? 2 : 1;
  return i + 1;
}

/** The quantifier starting at `i` (with its lazy `?`), and whether it can repeat more than once. */
function quantifierAt(source: string, i: number): { length: number; repeats: boolean } {
  const ch = source[i];
  let length = 0;
  let repeats = false;
  if (ch === '*' || ch === '+') {
    length = 1;
    repeats = true;
  } else if (ch === '?') {
    length = 1;
  } else if (ch === '{') {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i));
    if (!m) return { length: 0, repeats: false };
    length = m[0].length;
    repeats = m[2] !== undefined ? m[3] === '' || Number(m[3]) > 1 : Number(m[1]) > 1;
  }
  if (length && source[i + length] === '?') length++;
  return { length, repeats };
}

/**
 * Branches that may match the same text: duplicates or prefixes (ignoring case when the match
 * does), or a branch whose text is not plain characters (a wildcard, a class, any escape — `\x61`
 * is `a` —, a group), which this scan does not compare.
 */
function overlappingAlternatives(alternatives: string[], caseInsensitive: boolean): boolean {
  if (alternatives.length < 2) return false;
  const texts = caseInsensitive ? alternatives.map((x) => x.toLowerCase()) : alternatives;
  for (let a = 0; a < texts.length; a++) {
    const x = texts[a];
    if (x === '' || /[\\.[(]/.test(x)) return true;
    for (let b = a + 1; b < texts.length; b++) {
      const y = texts[b];
      if (x.startsWith(y) || y.startsWith(x)) return true;
    }
  }
  return false;
}
