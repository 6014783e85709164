import { defineHidden, defineHiddenIfAbsent } from '../../../src/util/own';

const HIDDEN = { writable: true, configurable: true, enumerable: false };

describe('defineHidden', () => {
  it('defines a writable, configurable, non-enumerable own data property', () => {
    const obj: Record<PropertyKey, unknown> = { shown: 1 };
    const key = Symbol('key');
    defineHidden(obj, 'hidden', 'value');
    defineHidden(obj, key, 2);
    expect(Object.getOwnPropertyDescriptor(obj, 'hidden')).toEqual({ value: 'value', ...HIDDEN });
    expect(Object.getOwnPropertyDescriptor(obj, key)).toEqual({ value: 2, ...HIDDEN });
    expect(Object.keys(obj)).toEqual(['shown']);
    expect(JSON.stringify(obj)).toBe('{"shown":1}');
  });

  it('hides an existing enumerable own property, with the new value', () => {
    const obj: Record<string, unknown> = { a: 1 };
    defineHidden(obj, 'a', 2);
    expect(Object.getOwnPropertyDescriptor(obj, 'a')).toEqual({ value: 2, ...HIDDEN });
  });
});

describe('defineHiddenIfAbsent', () => {
  it('defines the property where the object has none', () => {
    const obj = {};
    expect(defineHiddenIfAbsent(obj, 'ctx', 'value')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(obj, 'ctx')).toEqual({ value: 'value', ...HIDDEN });
  });

  it('keeps an own value as it was, enumerable or not', () => {
    const obj: Record<string, unknown> = { ctx: 'mine' };
    expect(defineHiddenIfAbsent(obj, 'ctx', 'other')).toBe(false);
    expect(Object.getOwnPropertyDescriptor(obj, 'ctx')).toEqual({
      value: 'mine',
      writable: true,
      configurable: true,
      enumerable: true,
    });
    const undef: Record<string, unknown> = { ctx: undefined };
    expect(defineHiddenIfAbsent(undef, 'ctx', 'other')).toBe(false);
    expect(undef.ctx).toBeUndefined();
  });

  it('shadows an inherited value with an own hidden one', () => {
    const proto = { ctx: 'inherited' };
    const obj = Object.create(proto) as Record<string, unknown>;
    expect(defineHiddenIfAbsent(obj, 'ctx', 'own')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(obj, 'ctx')).toEqual({ value: 'own', ...HIDDEN });
    expect(proto.ctx).toBe('inherited');
  });

  it('works on a null-prototype object', () => {
    const obj = Object.create(null) as object;
    expect(defineHiddenIfAbsent(obj, 'ctx', 1)).toBe(true);
    expect(defineHiddenIfAbsent(obj, 'ctx', 2)).toBe(false);
    expect(Object.getOwnPropertyDescriptor(obj, 'ctx')).toEqual({ value: 1, ...HIDDEN });
  });
});
