// Encodes the arena's session messages. At a decision point every agent's wake-up carries the same
// public part — the depth of every open book and the latest forecasts, by far the largest part of
// the message — so it is encoded once per decision point and its bytes are reused for every agent:
// protobuf lets a message's fields come in any order and in pieces, so a wake-up on the wire is the
// agent's own fields followed by the shared bytes, and decodes to exactly the message the plain
// encoding gives. 64-bit integers go through FastBinaryWriter (the same bytes, without BigInt).
import { SessionResponse } from '../../gen/flexarena/v1/arena_service.js';
import { WakeUp } from '../../gen/flexarena/v1/session.js';
import { FastBinaryWriter } from '../../lib/index.js';

type SharedFields = Pick<WakeUp, 'books' | 'priceForecasts' | 'fundamentalsForecasts'>;

const EMPTY_WAKE = WakeUp.fromPartial({});
/** The tag of SessionResponse.wake_up as the generated encoder writes it (its bytes before the length). */
const WAKE_UP_TAG = (() => {
  const bytes = SessionResponse.encode({ kind: { $case: 'wakeUp', value: EMPTY_WAKE } }).finish();
  return bytes.slice(0, bytes.length - 1);
})();

export class SessionEncoder {
  private shared: (SharedFields & { bytes: Uint8Array }) | undefined;
  /** Wake-ups encoded with shared bytes that were already encoded (for tests and benchmarks). */
  reused = 0;

  encode(msg: SessionResponse): Buffer {
    if (msg.kind?.$case !== 'wakeUp')
      return Buffer.from(SessionResponse.encode(msg, new FastBinaryWriter()).finish());
    const wake = msg.kind.value;
    const shared = this.sharedBytes(wake);
    const own = WakeUp.encode(
      { ...wake, books: [], priceForecasts: [], fundamentalsForecasts: [] },
      new FastBinaryWriter(),
    ).finish();
    const length = new FastBinaryWriter().uint32(own.length + shared.length).finish();
    return Buffer.concat([WAKE_UP_TAG, length, own, shared]);
  }

  /** The shared fields' bytes; the same arrays (one decision point) are encoded once. */
  private sharedBytes(wake: WakeUp): Uint8Array {
    const s = this.shared;
    if (
      s &&
      s.books === wake.books &&
      s.priceForecasts === wake.priceForecasts &&
      s.fundamentalsForecasts === wake.fundamentalsForecasts
    ) {
      this.reused++;
      return s.bytes;
    }
    const fields: SharedFields = {
      books: wake.books,
      priceForecasts: wake.priceForecasts,
      fundamentalsForecasts: wake.fundamentalsForecasts,
    };
    const bytes = WakeUp.encode({ ...EMPTY_WAKE, ...fields }, new FastBinaryWriter()).finish();
    this.shared = { ...fields, bytes };
    return bytes;
  }
}
