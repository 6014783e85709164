import { inspect } from 'util';

/**
 * LB3's `DateString` (juggler's `loopback.DateString`): a date kept as the string it was given
 * (`"2026-12-06"`, `"2026-12-06T10:00:00+01:00"`), for values whose text matters more than the
 * instant, e.g. a date without a time zone. The string must parse as a date; `when` may be set
 * again and is checked the same way. `_when` and `_date` (the parsed instant) are LB3's fields,
 * kept under its names for code that reads them.
 */
export class DateString {
  _when!: string;
  _date!: Date;

  constructor(value: string | DateString) {
    const text = value instanceof DateString ? value.when : value;
    if (typeof text !== 'string') throw new TypeError('Input must be a string');
    this.when = text;
  }

  get when(): string {
    return this._when;
  }

  set when(value: string) {
    const date = new Date(value);
    if (isNaN(date.getTime())) throw new TypeError(`Invalid date: ${JSON.stringify(value)}`);
    this._when = value;
    this._date = date;
  }

  toString(): string {
    return this._when;
  }

  /** LB3's serialised form: a JSON text of `{"when": "<the string>"}`, not the bare string. */
  toJSON(): string {
    return JSON.stringify({ when: this._when });
  }

  [inspect.custom](): string {
    return `DateString ${inspect({ when: this._when, _date: this._date })}`;
  }
}
