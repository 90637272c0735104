import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fnv1a64 } from './state-hash.js';

/** The textbook definition, slow but unmistakable. */
function fnv1a64BigInt(text: string): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= BigInt(byte);
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash.toString(16).padStart(16, '0');
}

// Any code points, lone surrogates included (built directly: fast-check's 'binary' unit is slow to set up).
const anyText = fc
  .array(fc.integer({ min: 0, max: 0x10ffff }), { maxLength: 40 })
  .map((codePoints) => String.fromCodePoint(...codePoints));

describe('fnv1a64', () => {
  it('matches the published test vectors', () => {
    expect(fnv1a64('')).toBe('cbf29ce484222325');
    expect(fnv1a64('a')).toBe('af63dc4c8601ec8c');
    expect(fnv1a64('foobar')).toBe('85944171f73967e8');
  });

  it('matches a BigInt implementation on arbitrary text', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        expect(fnv1a64(text)).toBe(fnv1a64BigInt(text));
      }),
      { numRuns: 300 },
    );
  });
});
