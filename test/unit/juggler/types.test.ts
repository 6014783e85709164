import {
  INVALID,
  NumberType,
  BooleanType,
  BufferType,
  DateType,
  StringType,
  arrayOf,
  GeoPointType,
} from '../../../src/juggler/types';

describe('type coercion', () => {
  it('reads numeric strings as numbers and refuses the rest', () => {
    expect(NumberType.coerce('42')).toBe(42);
    expect(NumberType.coerce(' 1.5e2 ')).toBe(150);
    expect(NumberType.coerce('abc')).toBe(INVALID);
    expect(NumberType.coerce('')).toBe(INVALID);
    expect(NumberType.coerce(NaN)).toBe(INVALID);
    expect(NumberType.coerce({})).toBe(INVALID);
    // Past the largest double: JSON's 1e309 parses as Infinity, which JSON writes back as null.
    expect(NumberType.coerce(Infinity)).toBe(INVALID);
    expect(NumberType.coerce('-1e999')).toBe(INVALID);
    expect(NumberType.coerce(-0)).toBe(-0);
  });
  it('reads buffers from bytes only, in the array and the JSON form', () => {
    expect(BufferType.coerce({ type: 'Buffer', data: [104, 105] })).toEqual(Buffer.from('hi'));
    expect(BufferType.coerce({ type: 'Buffer', data: [1, 256] })).toBe(INVALID);
    expect(BufferType.coerce({ type: 'Buffer', data: [-1] })).toBe(INVALID);
    expect(BufferType.coerce([1.5])).toBe(INVALID);
  });
  it('reads booleans from their string and numeric forms only', () => {
    expect(BooleanType.coerce('true')).toBe(true);
    expect(BooleanType.coerce('0')).toBe(false);
    expect(BooleanType.coerce('yes')).toBe(INVALID);
  });
  it('reads dates and refuses invalid ones', () => {
    expect((DateType.coerce('2000-01-01') as Date).toISOString()).toBe('2000-01-01T00:00:00.000Z');
    expect(DateType.coerce('not a date')).toBe(INVALID);
  });
  it('converts scalars to strings but not objects', () => {
    expect(StringType.coerce(1)).toBe('1');
    expect(StringType.coerce({})).toBe(INVALID);
  });
  it('coerces each array item', () => {
    expect(arrayOf(StringType).coerce([1, 'a'])).toEqual(['1', 'a']);
    expect(arrayOf(NumberType).coerce(['1', 'x'])).toBe(INVALID);
    expect(arrayOf(NumberType).coerce('1')).toBe(INVALID);
  });
  it('parses GeoPoints in their three forms', () => {
    expect(JSON.stringify(GeoPointType.coerce('1,2'))).toBe('{"lat":1,"lng":2}');
    expect(JSON.stringify(GeoPointType.coerce([1, 2]))).toBe('{"lat":1,"lng":2}');
    expect(GeoPointType.coerce({ lat: 100, lng: 0 })).toBe(INVALID);
  });
});
