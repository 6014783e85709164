import { RE2JS } from 're2js';
import { toRe2Syntax } from '../../../src/juggler/filter/regexp-re2';
import { regexpTest, toSafeRegExp } from '../../../src/juggler/filter/regexp';

/**
 * The JavaScript → RE2 rewrite keeps JavaScript's meaning: every pattern below, run on RE2 after
 * the rewrite, answers as JavaScript's own engine on every value (the patterns are harmless, so
 * JavaScript can be asked). The fast path that hands backtrack-free patterns to JavaScript is
 * bypassed here: RE2 is always asked.
 */

const VALUES = [
  '',
  'abc',
  'ABC',
  'a.b',
  'x\ny',
  'x\ry',
  'x\u2028y',
  'tab\there',
  'nbsp\u00a0x',
  'ideo\u3000x',
  'é',
  'É',
  'a{,2}',
  'z',
  'Q',
  'aaa',
  'a-b',
  '[a]',
  'a]',
  'A1_',
  'Zoë',
  'αβγ',
  'hello world',
  'line1\nline2',
  '\u0007',
  'a\\c',
  'ab',
  'k',
  'ø',
  'Ø',
  '\u0000',
  '\b',
  '$5.00',
  '(x)',
  'a/b',
  'fooBAR',
  '2026-12-06',
  'x'.repeat(40) + 'y',
];

const PATTERNS = [
  '/abc/i',
  '/[a-c]+/i',
  '\\x41',
  '/\\x41/i',
  '\\u00e9',
  '/\\u00c9/i',
  '^.$',
  '/^.$/s',
  'x.y',
  '/x.y/s',
  '\\s',
  '\\S+$',
  '[\\s]',
  '[\\S]',
  '[^\\s]',
  '[^]',
  '[]',
  '^[^]$',
  'a{,2}',
  '\\z',
  '\\Q',
  '[a-]',
  '[\\]]',
  'a]',
  '\\w+',
  '\\W',
  '\\bworld',
  '\\Borld',
  '/^line2$/m',
  '/^line2$/',
  '/1$/m',
  '\\d|_',
  '[\\d-z]',
  '[\\w.]+',
  '/\\p{L}+$/u',
  '/\\p{Script=Greek}/u',
  '/\\P{L}/u',
  '/[\\p{Lu}]/u',
  '/\\p{Letter}/u',
  '\\cG',
  '\\c',
  '\\uD83D\\uDE00',
  'a{2}',
  'a{2,}',
  'a{1,2}b',
  '/^a/y',
  '/b/y',
  '\\0',
  '[\\b]',
  '(?<n>ab)',
  '(?:a|b)c',
  '^(ab|a)+$',
  '\\.',
  '/K/i',
  '/ø/i',
  '/[^a-z]/i',
  '(a|b){2}',
  '/^\\w+$/',
  '\\$\\d+\\.\\d{2}',
  '\\(x\\)',
  'a\\/b',
  '/bar$/i',
  '^\\d{4}-\\d{2}-\\d{2}$',
  'x*?y',
  '(x+)+y',
  '[\\x41-\\x43]',
  '[\\u00e0-\\u00ff]',
  '[\\101]',
  '[\\-a]',
  '\\t',
  '[\\n\\r]',
  '(?:)',
  'a|',
  '|b',
  '^$',
  '[.]',
  '[$^]',
  '\\{',
  '\\}',
];

function re2Test(re: RegExp): (s: string) => boolean {
  const { syntax } = toRe2Syntax(re.source, re.flags);
  const compiled = RE2JS.compile(
    re.sticky ? `\\A(?:${syntax})` : syntax,
    (re.ignoreCase ? RE2JS.CASE_INSENSITIVE : 0) | (re.multiline ? RE2JS.MULTILINE : 0),
  );
  return (s) => compiled.test(s);
}

describe('JavaScript regexp syntax on RE2', () => {
  it.each(PATTERNS)('%s answers as JavaScript on every value', (pattern) => {
    const re = toSafeRegExp(pattern, 'where.x.regexp', 1000);
    const test = re2Test(re);
    const native = new RegExp(re.source, re.flags);
    const differ = VALUES.filter((v) => {
      native.lastIndex = 0;
      return native.test(v) !== test(v);
    });
    expect(differ).toEqual([]);
  });

  it('the matcher a filter gets answers as JavaScript too (fast path or RE2)', () => {
    for (const pattern of PATTERNS) {
      const re = toSafeRegExp(pattern, 'where.x.regexp', 1000);
      const test = regexpTest(re);
      const native = new RegExp(re.source, re.flags);
      for (const v of VALUES) {
        native.lastIndex = 0;
        expect([pattern, v, test(v)]).toEqual([pattern, v, native.test(v)]);
      }
    }
  });

  it('hands JavaScript only patterns it runs in linear time', () => {
    const fast = (p: string, flags = '') => toRe2Syntax(p, flags).backtrackFree;
    expect(
      [
        '^Jo',
        'son$',
        '@example\\.com$',
        '^(ann|bob|eve)$',
        '^[A-Z][a-z]+$',
        'a|b|c|d|e',
        '\\d{3}-\\d{4}$',
        '^x{2,2}\\w+',
      ].map((p) => fast(p)),
    ).toEqual([true, true, true, true, true, true, true, true]);
    expect(
      [
        '(a|\\x61)+$',
        '.*.*b',
        'a+b',
        '^a+b+',
        '^(ab)+',
        'a|b|c|d|e|f',
        '(a|a)(a|a)(a|a)(a|a)(a|a)x',
        '(a|b){30}x',
        '\\d{1,3}x',
        '^\\d{2,}x+',
        '(a|[a]|\\\\){40}b',
      ].map((p) => fast(p)),
    ).toEqual([false, false, false, false, false, false, false, false, false, false, false]);
    expect(fast('^a+$', 'm')).toBe(false);
  });

  it('matches the catastrophic shapes in well under 50 ms on 300 characters', () => {
    const value = 'a'.repeat(300) + '!';
    for (const pattern of [
      '(a|\\x61)+$',
      '/(a|A)+$/i',
      '(a|(?:a))+$',
      '.*.*.*.*b',
      '(x+x+)+y',
      '(a*)*b',
      '^(a|aa)+$',
      '(a+)+$',
      '(\\w+\\s?)+$',
    ]) {
      const test = regexpTest(toSafeRegExp(pattern, 'where.x.regexp', 1000));
      test('warm up ' + value.slice(0, 20));
      const started = process.hrtime.bigint();
      expect(test(value)).toBe(false);
      expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(50);
    }
  });

  it('refuses what RE2 cannot match in linear time, saying what', () => {
    const refusal = (p: string) => {
      try {
        toSafeRegExp(p, 'where.x.regexp', 1000);
        return 'accepted';
      } catch (err) {
        return `${(err as { code: string }).code}: ${(err as Error).message}`;
      }
    };
    expect(refusal('(a)\\1')).toBe(
      'INVALID_FILTER: where.x.regexp: back-references (\\1 …) are not supported; write the pattern without them',
    );
    expect(refusal('/(?<n>a)\\k<n>/')).toBe(
      'INVALID_FILTER: where.x.regexp: back-references (\\k<name>) are not supported; write the pattern without them',
    );
    expect(refusal('a(?=b)')).toBe(
      'INVALID_FILTER: where.x.regexp: lookahead assertions ((?=…), (?!…)) are not supported; write the pattern without them',
    );
    expect(refusal('(?<!a)b')).toBe(
      'INVALID_FILTER: where.x.regexp: lookbehind assertions ((?<=…), (?<!…)) are not supported; write the pattern without them',
    );
    expect(refusal('/\\p{Emoji}/u')).toMatch(
      /^INVALID_FILTER: where\.x\.regexp: the Unicode property \\p\{Emoji\} is not supported/,
    );
    expect(refusal('a+x{2000}')).toMatch(
      /^INVALID_FILTER: where\.x\.regexp cannot be matched in linear time: invalid repeat count/,
    );
    expect(refusal('(?:a?){300}a{300}')).toMatch(
      /^INVALID_FILTER: where\.x\.regexp is too large to match quickly \(it compiles to \d+ steps, at most 500\)/,
    );
  });
});
