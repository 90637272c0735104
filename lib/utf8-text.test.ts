import { describe, expect, it } from 'vitest';
import { loneSurrogateAt, utf8LengthOver } from './utf8-text.js';

describe('loneSurrogateAt', () => {
  it('finds the first unpaired half, and none in a well-formed string', () => {
    expect(loneSurrogateAt('')).toBe(-1);
    expect(loneSurrogateAt('a𝄞é€')).toBe(-1);
    expect(loneSurrogateAt('\uD800')).toBe(0);
    expect(loneSurrogateAt('ab\uDC00')).toBe(2);
    expect(loneSurrogateAt('𝄞\uD834')).toBe(2); // a pair, then a high half at the end
    expect(loneSurrogateAt('\uD834\uD834\uDD1E')).toBe(0); // a high half, then a pair
    expect(loneSurrogateAt('\uDD1E\uD834')).toBe(0); // the halves in the wrong order
  });
});

describe('utf8LengthOver', () => {
  it('counts UTF-8 bytes exactly around the limit, whatever the mix of 1-4 byte characters', () => {
    for (const max of [0, 1, 2, 3, 4, 5, 63, 64, 65]) {
      for (const s of [
        '',
        'a',
        'é',
        '€',
        '𝄞',
        'a'.repeat(64),
        'é'.repeat(32),
        '€'.repeat(21),
        '€'.repeat(22),
        '𝄞'.repeat(16),
        `${'a'.repeat(60)}𝄞`,
        `${'€'.repeat(20)}éa`,
      ]) {
        expect(utf8LengthOver(s, max), `${JSON.stringify(s)} vs ${max}`).toBe(
          Buffer.byteLength(s, 'utf8') > max,
        );
      }
    }
  });
});
