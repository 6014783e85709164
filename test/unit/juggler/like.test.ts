import { compileLike } from '../../../src/juggler/filter/like';

/**
 * The memory store's LIKE against its definition (anchored; `%` any run, `_` one character — an
 * emoji is one —, `\` escapes the next), written as a JavaScript RegExp for these harmless cases;
 * and its time on the wildcard-heavy patterns that are polynomial for a backtracking engine.
 */

function reference(pattern: string, insensitive: boolean): RegExp {
  let src = '';
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c === '\\' && i + 1 < chars.length) src += escape(chars[++i]);
    else if (c === '%') src += '.*';
    else if (c === '_') src += '.';
    else src += escape(c);
  }
  return new RegExp(`^${src}$`, insensitive ? 'isu' : 'su');
}

function escape(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

const VALUES = [
  '',
  'a',
  'abc',
  'ABC',
  'aXc',
  'a%c',
  'a_c',
  'a\\c',
  '🎉',
  'x🎉y',
  'x🎉🎉y',
  'Ünïcödé',
  'line\nbreak',
  '100%',
  'aaaab',
  'abab',
];
const PATTERNS = [
  'a%',
  '%c',
  'a_c',
  '_',
  '__',
  '%',
  '',
  'a\\%c',
  'a\\_c',
  'a\\\\c',
  'x_y',
  'x__y',
  'x%y',
  '%🎉%',
  '🎉',
  'ünï%',
  '%\\%',
  'line%break',
  '%a%a%a%b',
  '%b%',
  'a%b%',
  'ABC',
  'a\\',
];

describe('LIKE on the memory store', () => {
  it.each(PATTERNS)('%s answers as its definition, case-sensitive and not', (pattern) => {
    for (const insensitive of [false, true]) {
      const test = compileLike(pattern, insensitive);
      const ref = reference(pattern, insensitive);
      const differ = VALUES.filter((v) => test(v) !== ref.test(v));
      expect([insensitive, differ]).toEqual([insensitive, []]);
    }
  });

  it('walks wildcard-heavy patterns in linear time: well under 50 ms on 300 characters', () => {
    const value = 'a'.repeat(300) + '!';
    for (const pattern of [
      '%a%a%a%a%a%b',
      '%a'.repeat(40) + '%zzz',
      '%a_'.repeat(30) + '%b',
      '%' + 'a%'.repeat(400) + 'b',
    ]) {
      const test = compileLike(pattern, false);
      test('warm up');
      const started = process.hrtime.bigint();
      expect(test(value)).toBe(false);
      expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(50);
    }
  });
});
