/**
 * How the key-value stores keep a value: as text, so what `get` returns is a copy of what `set`
 * was given, with the same types on every store. JSON for plain values; Buffers and Dates carry a
 * prefix (a JSON text never starts with a letter, so the prefixes cannot be mistaken for one).
 */
export function encodeValue(value: unknown): string {
  if (Buffer.isBuffer(value)) return 'buffer:' + value.toString('base64');
  if (value instanceof Date) return 'date:' + value.toISOString();
  return JSON.stringify(value);
}

export function decodeValue(text: string | null | undefined): unknown {
  if (text === null || text === undefined) return null;
  if (text.startsWith('buffer:')) return Buffer.from(text.slice(7), 'base64');
  if (text.startsWith('date:')) return new Date(text.slice(5));
  return JSON.parse(text);
}

/**
 * A glob as Redis reads one (`*` any run, `?` one character, `[abc]`, `[a-z]`, `[^a]`, `\` escapes
 * the next character), matched without backtracking blow-up: the classic two-pointer walk that
 * remembers only the last `*`, so a hostile pattern costs at most key length × pattern length.
 */
export function globMatcher(pattern: string | undefined): (key: string) => boolean {
  if (pattern === undefined || pattern === '*') return () => true;
  const tokens = tokenize(pattern);
  return (key) => matchTokens(tokens, key);
}

type Token = { star: true } | { star: false; test: (ch: string) => boolean };

function tokenize(pattern: string): Token[] {
  const out: Token[] = [];
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c === '*') {
      if (!(out.length && out[out.length - 1].star)) out.push({ star: true });
    } else if (c === '?') out.push({ star: false, test: () => true });
    else if (c === '\\' && i + 1 < chars.length) {
      const lit = chars[++i];
      out.push({ star: false, test: (ch) => ch === lit });
    } else if (c === '[' && chars.indexOf(']', i + 2) !== -1) {
      const end = chars.indexOf(']', i + 2);
      out.push({ star: false, test: classTest(chars.slice(i + 1, end)) });
      i = end;
    } else out.push({ star: false, test: (ch) => ch === c });
  }
  return out;
}

function classTest(body: string[]): (ch: string) => boolean {
  const negate = body[0] === '^';
  const items = negate ? body.slice(1) : body;
  const singles = new Set<string>();
  const ranges: Array<[string, string]> = [];
  for (let i = 0; i < items.length; i++) {
    if (items[i] === '\\' && i + 1 < items.length) singles.add(items[++i]);
    else if (items[i + 1] === '-' && i + 2 < items.length) {
      const [a, b] = [items[i], items[i + 2]];
      ranges.push(a <= b ? [a, b] : [b, a]);
      i += 2;
    } else singles.add(items[i]);
  }
  return (ch) => (singles.has(ch) || ranges.some(([a, b]) => ch >= a && ch <= b)) !== negate;
}

function matchTokens(tokens: Token[], key: string): boolean {
  const chars = Array.from(key);
  let t = 0;
  let k = 0;
  let starAt = -1;
  let resumeAt = 0;
  while (k < chars.length) {
    const tok = tokens[t];
    if (tok && !tok.star && tok.test(chars[k])) {
      t++;
      k++;
    } else if (tok && tok.star) {
      starAt = t++;
      resumeAt = k;
    } else if (starAt !== -1) {
      t = starAt + 1;
      k = ++resumeAt;
    } else return false;
  }
  while (t < tokens.length && tokens[t].star) t++;
  return t === tokens.length;
}
