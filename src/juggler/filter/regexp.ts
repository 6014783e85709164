import { InvalidFilterError } from '../../errors';

const FLAGS = /^[gimsuy]*$/;

/**
 * A RegExp from `/pattern/flags`, a bare pattern string, or a RegExp; refuses patterns that are too
 * long, do not compile, or could backtrack catastrophically. `extraFlags` are LB3's
 * `{regexp: 'x', options: 'i'}` flags.
 *
 * `g` is dropped: it only makes `test()` remember a position between rows, which a filter never
 * wants. (`y` is kept; the matcher resets `lastIndex` before each test.)
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
  if (!FLAGS.test(all)) throw new InvalidFilterError(`${path} has invalid regular expression flags "${all}" (allowed: g, i, m, s, u, y)`);
  flags = Array.from(new Set(all.replace(/g/g, ''))).join('');
  if (source.length > maxLength) throw new InvalidFilterError(`${path} is longer than ${maxLength} characters`);
  const unsafe = backtrackingRisk(source);
  if (unsafe) throw new InvalidFilterError(`${path} could backtrack catastrophically (${unsafe}); simplify the pattern`);
  try {
    return new RegExp(source, flags);
  } catch (err) {
    throw new InvalidFilterError(`${path} is not a valid regular expression: ${(err as Error).message}`);
  }
}

interface Group {
  quantified: boolean;
  alternatives: string[];
  start: number;
}

/**
 * A conservative scan for the shapes behind catastrophic backtracking: a repeated group that
 * itself repeats (`(a+)+`, `((a*))*`, `(a?){2,}`), a repeated alternation whose branches can
 * match the same text (`(a|a)*`, `(.|x)+`), and back-references. Returns the reason, or undefined.
 * It refuses some harmless patterns; a filter can always be written without them.
 */
export function backtrackingRisk(source: string): string | undefined {
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
      if (group.alternatives.length) group.alternatives.push(source.slice(lastAlternativeStart(source, group), i));
      const q = quantifierAt(source, i + 1);
      if (q.repeats) {
        if (group.quantified) return 'a repeated group contains a quantifier';
        if (overlappingAlternatives(group.alternatives)) return 'a repeated alternation has overlapping branches';
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

/** Branches that may match the same text: duplicates, prefixes, or a wildcard class in a branch. */
function overlappingAlternatives(alternatives: string[]): boolean {
  if (alternatives.length < 2) return false;
  for (let a = 0; a < alternatives.length; a++) {
    const x = alternatives[a];
    if (x === '' || /(^|[^\\])\.|\\[wWdDsS]|\[/.test(x)) return true;
    for (let b = a + 1; b < alternatives.length; b++) {
      const y = alternatives[b];
      if (x.startsWith(y) || y.startsWith(x)) return true;
    }
  }
  return false;
}
