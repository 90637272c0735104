// A protocol string as the wire sees it. A proto3 `string` travels as UTF-8, so (1) a JavaScript
// string holding a lone surrogate ('\uD800', half of a pair cut by slicing) cannot be sent at all —
// UTF-8 has no encoding for it — and (2) its length on the wire is its UTF-8 bytes, not its UTF-16
// code units ('€' is one unit and three bytes, '𝄞' two units and four bytes). The core's door and
// the TypeScript SDK share these so that an in-process strategy meets the same rule as a gRPC agent.

/**
 * What a string field must be for the wire to carry it, in the words every part uses: the gateway
 * for bytes that are not UTF-8, the core's door for a lone surrogate from an in-process strategy,
 * both SDKs for one a strategy built.
 */
export const UTF8_STRING_LIMIT = 'valid UTF-8, the encoding of a proto3 string';

/** ES2024's String.prototype.isWellFormed (Node 20), not in the project's ES2023 typings. */
export function isWellFormed(s: string): boolean {
  return (s as unknown as { isWellFormed(): boolean }).isWellFormed();
}

/** The UTF-16 index of the first lone surrogate in `s`, or -1 when it is well-formed. */
export function loneSurrogateAt(s: string): number {
  if (isWellFormed(s)) return -1;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    const next = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
    if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      i++;
      continue;
    }
    return i;
  }
  return -1;
}

/**
 * The number of UTF-8 bytes of a well-formed string. Every UTF-16 unit takes 1-3 bytes (a pair of
 * them 4), so a string of n units takes between n and 3n bytes: only when that range straddles
 * `max` are the bytes counted (ids the arena hands out are short ASCII and never are).
 */
export function utf8LengthOver(s: string, max: number): boolean {
  if (s.length > max) return true;
  if (s.length * 3 <= max) return false;
  return Buffer.byteLength(s, 'utf8') > max;
}
