// The SDK's writer for requests: a string holding a lone surrogate ('\uD800', half of a pair cut by
// slicing) cannot be UTF-8, and the library's encoder writes U+FFFD in its place without a word —
// the arena then acts on a client_ref or id the strategy never sent (and the ack's client_ref no
// longer matches). This one throws instead, so the batch becomes an ActionBuildError naming the
// field (unencodable-action.ts). One native check per string; nothing else changes on the wire.
import { FastBinaryWriter, isWellFormed } from '../../lib/index.js';

// The same check as the core's door applies to in-process strategies' strings (lib/utf8-text.ts).
export { isWellFormed };

export class WellFormedStringWriter extends FastBinaryWriter {
  override string(value: string): this {
    // A strategy that builds actions by hand may put a number where a string belongs.
    if (typeof value !== 'string')
      throw new TypeError(`${String(value)} (a ${typeof value}) is not a string`);
    if (!isWellFormed(value))
      throw new Error(`${JSON.stringify(value)} holds a lone surrogate, which UTF-8 cannot carry`);
    return super.string(value);
  }
}
