import { describe, expect, it } from 'vitest';
import { ALSO_SHOWN, firstWithOthers, ownMessage, withAlso } from './also-message.js';

describe('withAlso', () => {
  it('is the first message alone when nothing else broke', () => {
    expect(withAlso('a must be 1', [])).toBe('a must be 1');
  });

  it('lists the others after the first, in order', () => {
    expect(withAlso('a', ['b', 'c'])).toBe('a; also: b; c');
  });

  it('spells out at most ALSO_SHOWN others and counts the rest', () => {
    const others = Array.from({ length: ALSO_SHOWN + 3 }, (_, i) => `x${i}`);
    const text = withAlso('first', others);
    expect(text).toBe(`first; also: ${others.slice(0, ALSO_SHOWN).join('; ')}; 3 more`);
  });
});

describe('firstWithOthers', () => {
  const r = (field: string) => ({ field, message: `${field} is bad` });

  it('is undefined for nothing and the rejection itself for one', () => {
    expect(firstWithOthers([])).toBeUndefined();
    const one = r('a');
    expect(firstWithOthers([one])).toBe(one);
  });

  it('keeps the fields of the first, lists the others in `also` and after its message', () => {
    expect(firstWithOthers([r('a'), r('b'), r('c')])).toEqual({
      field: 'a',
      message: 'a is bad; also: b is bad; c is bad',
      also: [r('b'), r('c')],
    });
  });
});

describe('ownMessage', () => {
  const r = (field: string) => ({ field, message: `${field} is bad; got x` });

  it("is the first rule's own words, without the others, however many were spelled out", () => {
    expect(ownMessage(r('a'))).toBe('a is bad; got x');
    expect(ownMessage(firstWithOthers([r('a'), r('b')])!)).toBe('a is bad; got x');
    const many = firstWithOthers(Array.from({ length: ALSO_SHOWN + 3 }, (_, i) => r(`f${i}`)))!;
    expect(many.message).toMatch(/; 2 more$/);
    expect(ownMessage(many)).toBe('f0 is bad; got x');
  });
});
