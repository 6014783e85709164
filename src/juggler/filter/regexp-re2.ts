/**
 * JavaScript regular-expression syntax rewritten for RE2 (the re2js engine), which matches in time
 * linear in the text whatever the pattern. The source has already compiled as a JavaScript RegExp
 * with the same flags, so only valid syntax reaches here.
 *
 * RE2 reads much of JavaScript's syntax with another meaning, so every construct is rewritten to
 * say what JavaScript means: `.` stops at \r, \u2028 and \u2029 too; `\s` is JavaScript's Unicode
 * whitespace; `\uHHHH`, `\xHH`, `\cX` and legacy octal escapes name characters; `[^]` is any
 * character and `[]` none; other escaped characters and a `{` that starts no quantifier stand for
 * themselves (RE2 reads `\z`, `\Q`, `\pL`, `[[:alpha:]]`, `a{,2}` otherwise). Groups become
 * non-capturing: a filter only asks whether a value matches.
 *
 * What RE2 cannot do in linear time — back-references and lookaround — is refused, naming it.
 */
export class UnsupportedRegExp extends Error {}

const MAX_CODE_POINT = 0x10ffff;

/** JavaScript's WhiteSpace and LineTerminator characters, as code-point ranges (`\s`). */
const SPACE: ReadonlyArray<readonly [number, number]> = [
  [0x09, 0x0d],
  [0x20, 0x20],
  [0xa0, 0xa0],
  [0x1680, 0x1680],
  [0x2000, 0x200a],
  [0x2028, 0x2029],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
  [0xfeff, 0xfeff],
];
const NOT_SPACE = complement(SPACE);
/** Characters `.` does not match without the `s` flag: JavaScript's line terminators. */
const LINE_END = '\\x{a}\\x{d}\\x{2028}\\x{2029}';
/** Every character, as the body of a class. */
const ANY = '\\x{0}-\\x{10ffff}';

/** Unicode general categories by their long names, as JavaScript's `\p{…}` accepts them. */
const CATEGORIES: Readonly<Record<string, string>> = {
  Letter: 'L',
  Cased_Letter: 'LC',
  Uppercase_Letter: 'Lu',
  Lowercase_Letter: 'Ll',
  Titlecase_Letter: 'Lt',
  Modifier_Letter: 'Lm',
  Other_Letter: 'Lo',
  Mark: 'M',
  Combining_Mark: 'M',
  Nonspacing_Mark: 'Mn',
  Spacing_Mark: 'Mc',
  Enclosing_Mark: 'Me',
  Number: 'N',
  Decimal_Number: 'Nd',
  digit: 'Nd',
  Letter_Number: 'Nl',
  Other_Number: 'No',
  Punctuation: 'P',
  punct: 'P',
  Connector_Punctuation: 'Pc',
  Dash_Punctuation: 'Pd',
  Open_Punctuation: 'Ps',
  Close_Punctuation: 'Pe',
  Initial_Punctuation: 'Pi',
  Final_Punctuation: 'Pf',
  Other_Punctuation: 'Po',
  Symbol: 'S',
  Math_Symbol: 'Sm',
  Currency_Symbol: 'Sc',
  Modifier_Symbol: 'Sk',
  Other_Symbol: 'So',
  Separator: 'Z',
  Space_Separator: 'Zs',
  Line_Separator: 'Zl',
  Paragraph_Separator: 'Zp',
  Other: 'C',
  Control: 'Cc',
  cntrl: 'Cc',
  Format: 'Cf',
  Surrogate: 'Cs',
  Private_Use: 'Co',
  Unassigned: 'Cn',
};

/** A piece of a character class: one character, or text already in RE2's class syntax. */
type ClassItem = { char: number } | { raw: string };

export interface Re2Translation {
  /** The pattern in RE2's syntax. */
  syntax: string;
  /**
   * True when a backtracking engine runs the pattern in O(value × pattern) time too: no quantifier
   * (a fixed count on one character, `\d{3}`, is none) and at most 4 `|` (at most 16 ways through the pattern from each position), or no `|` and a
   * single quantifier on a single-character atom of a pattern anchored with `^` (no `m`), so it is
   * tried at one position only. JavaScript's engine is many times faster than RE2's on such
   * patterns (`^Jo`, `/joh/i`, `@example\.com$`, `^(ann|bob)$`, `\d{3}-\d{4}`).
   */
  backtrackFree: boolean;
}

export function toRe2Syntax(source: string, flags: string): Re2Translation {
  const t = new Translator(source, flags.includes('u'), flags.includes('s'));
  const syntax = t.translate();
  const anchored = source.startsWith('^') && !flags.includes('m');
  const backtrackFree =
    t.quantifiers === 0
      ? t.alternatives <= 4
      : t.alternatives === 0 && t.quantifiers === 1 && !t.quantifiedGroup && anchored;
  return { syntax, backtrackFree };
}

class Translator {
  quantifiers = 0;
  alternatives = 0;
  quantifiedGroup = false;
  private i = 0;
  /** The last thing read closed a group (read at the top level of the loop, so never an escaped paren). */
  private groupClosed = false;
  private readonly namedGroups: boolean;

  constructor(
    private readonly src: string,
    private readonly unicode: boolean,
    private readonly dotAll: boolean,
  ) {
    this.namedGroups = /\(\?<[^=!]/.test(src);
  }

  translate(): string {
    let out = '';
    const src = this.src;
    while (this.i < src.length) {
      const ch = src[this.i];
      const count = ch === '{' ? /^\{(\d+)(,(\d*))?\}/.exec(src.slice(this.i)) : null;
      const afterGroup = this.groupClosed;
      this.groupClosed = ch === ')';
      // A fixed count on one character (`\d{3}`) is no choice for a backtracking engine.
      const fixed = count !== null && (count[2] === undefined || count[3] === count[1]) && !afterGroup;
      if ((count && !fixed) || ch === '*' || ch === '+' || ch === '?') {
        this.quantifiers++;
        if (afterGroup) this.quantifiedGroup = true;
      }
      if (ch === '|') this.alternatives++;
      switch (ch) {
        case '\\':
          this.i++;
          out += this.escape();
          break;
        case '[':
          this.i++;
          out += this.characterClass();
          break;
        case '(':
          this.i++;
          out += this.group();
          break;
        case '.':
          this.i++;
          out += this.dotAll ? `[${ANY}]` : `[^${LINE_END}]`;
          break;
        case '{': {
          const q = /^\{\d+(,\d*)?\}/.exec(src.slice(this.i));
          this.i += q ? q[0].length : 1;
          out += q ? q[0] : '\\{';
          break;
        }
        case '}':
        case ']':
          this.i++;
          out += '\\' + ch;
          break;
        case '^':
        case '$':
        case '|':
        case ')':
        case '*':
        case '+':
        case '?':
          this.i++;
          out += ch;
          break;
        default:
          out += literal(this.codePoint());
      }
    }
    return out;
  }

  /** The code point at the cursor (a surrogate pair read as one character), advancing past it. */
  private codePoint(): number {
    const cp = this.src.codePointAt(this.i)!;
    this.i += cp > 0xffff ? 2 : 1;
    return cp;
  }

  private group(): string {
    const src = this.src;
    if (src[this.i] !== '?') return '(?:';
    const next = src[this.i + 1];
    if (next === ':') {
      this.i += 2;
      return '(?:';
    }
    if (next === '=' || next === '!')
      throw new UnsupportedRegExp('lookahead assertions ((?=…), (?!…)) are not supported');
    if (next === '<' && (src[this.i + 2] === '=' || src[this.i + 2] === '!')) {
      throw new UnsupportedRegExp('lookbehind assertions ((?<=…), (?<!…)) are not supported');
    }
    if (next === '<') {
      this.i = src.indexOf('>', this.i) + 1;
      return '(?:';
    }
    throw new UnsupportedRegExp(
      'inline flag groups ((?i:…)) are not supported; use the flags after the pattern',
    );
  }

  /** An escape outside a class; the cursor is past the backslash. */
  private escape(): string {
    const c = this.src[this.i];
    if ('dDwWbB'.includes(c)) {
      this.i++;
      return '\\' + c;
    }
    if (c === 's' || c === 'S') {
      this.i++;
      return `[${ranges(c === 's' ? SPACE : NOT_SPACE)}]`;
    }
    if (c >= '1' && c <= '9') throw new UnsupportedRegExp('back-references (\\1 …) are not supported');
    if (c === 'k' && (this.unicode || this.namedGroups))
      throw new UnsupportedRegExp('back-references (\\k<name>) are not supported');
    if ((c === 'p' || c === 'P') && this.unicode) {
      const body = this.property();
      return body ? `[${body}]` : `[^${ANY}]`;
    }
    const item = this.escapedChar();
    return 'char' in item ? literal(item.char) : item.raw;
  }

  /**
   * `\p{…}`/`\P{…}` under the `u` flag as the body of an RE2 class (empty when it matches
   * nothing); the cursor is on the `p`.
   */
  private property(): string {
    const negate = this.src[this.i] === 'P';
    const end = this.src.indexOf('}', this.i);
    const body = this.src.slice(this.i + 2, end);
    this.i = end + 1;
    const [key, value] = body.includes('=') ? body.split('=') : ['', body];
    if (key === '' && value === 'Any') return negate ? '' : ranges([[0, MAX_CODE_POINT]]);
    if (key === '' && value === 'ASCII') return ranges(negate ? [[0x80, MAX_CODE_POINT]] : [[0, 0x7f]]);
    let name: string | undefined;
    if (key === 'Script' || key === 'sc') name = value;
    else if (key === '' || key === 'General_Category' || key === 'gc')
      name = CATEGORIES[value] ?? (/^[A-Z][a-z]?$/.test(value) ? value : undefined);
    if (!name || !/^[A-Za-z_]+$/.test(name))
      throw new UnsupportedRegExp(
        `the Unicode property \\p{${body}} is not supported (general categories and Script= are)`,
      );
    return `\\${negate ? 'P' : 'p'}{${name}}`;
  }

  /**
   * A character escape (also valid inside a class): control and hexadecimal escapes, legacy octal,
   * and any other character standing for itself. The cursor is past the backslash.
   */
  private escapedChar(): ClassItem {
    const src = this.src;
    const c = src[this.i];
    const simple: Record<string, number> = { t: 9, n: 10, v: 11, f: 12, r: 13 };
    if (c in simple) {
      this.i++;
      return { char: simple[c] };
    }
    if (c === '0' || (c >= '1' && c <= '7')) {
      // \0 alone is NUL; without `u`, \0 to \377 is a legacy octal escape.
      const octal = /^[0-3][0-7]{0,2}|^[4-7][0-7]?/.exec(src.slice(this.i))![0];
      const digits = this.unicode ? '0' : octal;
      this.i += digits.length;
      return { char: parseInt(digits, 8) };
    }
    if (c === 'x') {
      const hex = /^x([0-9a-fA-F]{2})/.exec(src.slice(this.i));
      if (hex) {
        this.i += 3;
        return { char: parseInt(hex[1], 16) };
      }
    }
    if (c === 'u') {
      const rest = src.slice(this.i);
      const braced = this.unicode ? /^u\{([0-9a-fA-F]+)\}/.exec(rest) : null;
      const pair = /^u(d[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2})/i.exec(rest);
      const single = /^u([0-9a-fA-F]{4})/.exec(rest);
      if (braced) {
        this.i += braced[0].length;
        return { char: parseInt(braced[1], 16) };
      }
      if (pair) {
        this.i += pair[0].length;
        return { char: String.fromCharCode(parseInt(pair[1], 16), parseInt(pair[2], 16)).codePointAt(0)! };
      }
      if (single) {
        this.i += 5;
        return { char: parseInt(single[1], 16) };
      }
    }
    if (c === 'c') {
      const letter = src[this.i + 1] ?? '';
      if (/[A-Za-z]/.test(letter)) {
        this.i += 2;
        return { char: letter.charCodeAt(0) % 32 };
      }
      // Without a letter, JavaScript reads "\c" as the two characters.
      return { char: 0x5c };
    }
    return { char: this.codePoint() };
  }

  /** A character class; the cursor is past the `[`. */
  private characterClass(): string {
    const src = this.src;
    const negate = src[this.i] === '^';
    if (negate) this.i++;
    const items: ClassItem[] = [];
    while (src[this.i] !== ']') {
      if (src[this.i] === '\\') {
        this.i++;
        const c = src[this.i];
        if ('dDwW'.includes(c)) {
          this.i++;
          items.push({ raw: '\\' + c });
        } else if (c === 's' || c === 'S') {
          this.i++;
          items.push({ raw: ranges(c === 's' ? SPACE : NOT_SPACE) });
        } else if (c === 'b') {
          this.i++;
          items.push({ char: 8 });
        } else if (c === '-') {
          this.i++;
          items.push({ char: 0x2d });
        } else if ((c === 'p' || c === 'P') && this.unicode) {
          items.push({ raw: this.property() });
        } else {
          items.push(this.escapedChar());
        }
      } else {
        items.push({ char: this.codePoint() });
      }
    }
    this.i++;
    let body = '';
    for (let k = 0; k < items.length; k++) {
      const item = items[k];
      const dash = items[k + 1];
      const hi = items[k + 2];
      if ('char' in item && dash && 'char' in dash && dash.char === 0x2d && hi && 'char' in hi) {
        body += `${hex(item.char)}-${hex(hi.char)}`;
        k += 2;
      } else {
        body += 'char' in item ? hex(item.char) : item.raw;
      }
    }
    if (!body) return negate ? `[${ANY}]` : `[^${ANY}]`;
    return `[${negate ? '^' : ''}${body}]`;
  }
}

function hex(cp: number): string {
  return `\\x{${cp.toString(16)}}`;
}

/** A character as RE2 reads it literally: letters and digits as they are, the rest by code. */
function literal(cp: number): string {
  return (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a)
    ? String.fromCharCode(cp)
    : hex(cp);
}

function ranges(list: ReadonlyArray<readonly [number, number]>): string {
  return list.map(([lo, hi]) => (lo === hi ? hex(lo) : `${hex(lo)}-${hex(hi)}`)).join('');
}

function complement(list: ReadonlyArray<readonly [number, number]>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let next = 0;
  for (const [lo, hi] of list) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= MAX_CODE_POINT) out.push([next, MAX_CODE_POINT]);
  return out;
}
