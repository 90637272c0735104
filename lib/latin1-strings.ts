// V8 stores a string with one byte per character when it can, but a slice of a text that holds
// any character beyond Latin-1 stays two bytes per character, whatever it contains. A YAML
// configuration with an em dash in a comment therefore gives two-byte agent ids, and every tape
// record that names an agent became a two-byte JSON line: JSON.stringify and the UTF-8 encoding of
// the tape (~37 MB in a pace run) were several times slower for it. The content never changes:
// this only makes V8 hold such strings compactly.

/** Any character beyond Latin-1 (such a string has to stay two-byte). */
const WIDE = /[\u0100-\uffff]/;

/** The same text, held one byte per character where every character fits (else `s` itself). */
export function compactString(s: string): string {
  return !WIDE.test(s) ? Buffer.from(s, 'latin1').toString('latin1') : s;
}

/**
 * Replaces, in place, every string value in the plain objects and arrays reachable from `value`
 * by its compact copy (keys need nothing: V8 internalises them compactly). Returns `value`.
 */
export function compactStrings<T>(value: T): T {
  compactIn(value, new Set());
  return value;
}

function compactIn(value: unknown, seen: Set<object>): void {
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (typeof v === 'string') value[i] = compactString(v);
      else compactIn(v, seen);
    }
    return;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return; // not plain data: leave it alone
  if (Object.isFrozen(value)) return;
  const rec = value as Record<string, unknown>;
  for (const k of Object.keys(rec)) {
    const v = rec[k];
    if (typeof v === 'string') rec[k] = compactString(v);
    else compactIn(v, seen);
  }
}
