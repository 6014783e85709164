/**
 * SQL LIKE for the memory store: `%` matches any run, `_` one character, `\` escapes the next
 * character, and the whole value must match, as in PostgreSQL and MySQL.
 *
 * LB3's memory connector instead ran the pattern as an unanchored regular expression (observed:
 * `like: 'Jo'` matched "xJoy" and `like: 'J.'` matched "Jo"), so one filter answered differently
 * per store; loopline answers as SQL does on every store.
 *
 * Matching is a two-pointer wildcard walk, not a RegExp: `%a%a%a…b` would make a backtracking
 * regex engine take polynomial time in the pattern's length, this takes O(value × pattern).
 */
export type LikeTest = (value: string) => boolean;

const ANY = -1;
const ONE = -2;

export function compileLike(pattern: string, caseInsensitive: boolean): LikeTest {
  const text = caseInsensitive ? pattern.toLowerCase() : pattern;
  const tokens = tokenize(codePoints(text));
  const fold = caseInsensitive ? (v: string) => v.toLowerCase() : (v: string) => v;
  if (tokens.includes(ONE)) return (value) => matchTokens(tokens, codePoints(fold(value)));
  // Without `_` nothing counts characters, so the walk can compare UTF-16 code units in place
  // instead of copying each value into an array of code points.
  const units = tokenize(codeUnits(text));
  return (value) => matchUnits(units, fold(value));
}

function tokenize(chars: number[]): number[] {
  const tokens: number[] = [];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c === 0x5c /* \ */ && i + 1 < chars.length) tokens.push(chars[++i]);
    else if (c === 0x25 /* % */) {
      if (tokens[tokens.length - 1] !== ANY) tokens.push(ANY);
    } else if (c === 0x5f /* _ */) tokens.push(ONE);
    else tokens.push(c);
  }
  return tokens;
}

function matchTokens(tokens: number[], s: number[]): boolean {
  let p = 0;
  let i = 0;
  let starP = -1;
  let starI = 0;
  while (i < s.length) {
    const t = tokens[p];
    if (p < tokens.length && (t === ONE || t === s[i])) {
      p++;
      i++;
    } else if (p < tokens.length && t === ANY) {
      starP = p++;
      starI = i;
    } else if (starP >= 0) {
      // Let the last % swallow one more character and retry from there.
      p = starP + 1;
      i = ++starI;
    } else {
      return false;
    }
  }
  while (p < tokens.length && tokens[p] === ANY) p++;
  return p === tokens.length;
}

/** matchTokens over a string's code units, for patterns without `_`. */
function matchUnits(tokens: number[], s: string): boolean {
  let p = 0;
  let i = 0;
  let starP = -1;
  let starI = 0;
  while (i < s.length) {
    const t = tokens[p];
    if (p < tokens.length && t === s.charCodeAt(i)) {
      p++;
      i++;
    } else if (p < tokens.length && t === ANY) {
      starP = p++;
      starI = i;
    } else if (starP >= 0) {
      p = starP + 1;
      i = ++starI;
    } else {
      return false;
    }
  }
  while (p < tokens.length && tokens[p] === ANY) p++;
  return p === tokens.length;
}

function codeUnits(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) out.push(s.charCodeAt(i));
  return out;
}

/** `_` is one character, so astral characters (emoji) must count once, not as two code units. */
function codePoints(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) out.push(ch.codePointAt(0)!);
  return out;
}
