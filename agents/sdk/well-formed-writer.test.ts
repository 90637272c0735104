// A string with a lone surrogate used to go on the wire as U+FFFD (the library's encoder replaces
// it without a word), so the arena acted on a client_ref or product id the strategy never sent.
import { describe, expect, it } from 'vitest';
import { SessionRequest } from '../../gen/flexarena/v1/arena_service.js';
import { type Action, Action as ActionCodec } from '../../gen/flexarena/v1/session.js';
import { requestSerializer } from './agent-client.js';
import { ActionBuildError } from './errors.js';
import { unencodableAction } from './unencodable-action.js';

const submit = (clientRef: string, productId: string): Action =>
  ActionCodec.fromPartial({
    clientRef,
    kind: {
      $case: 'submit',
      value: { productId, side: 1, priceTicks: 100, quantityLots: 1, timeInForce: 1 },
    },
  });
const batch = (actions: Action[]): SessionRequest =>
  SessionRequest.fromPartial({ kind: { $case: 'actionBatch', value: { wakeId: 3, actions } } });

describe('the SDK request serializer: strings', () => {
  it('writes well-formed strings byte for byte as the generated encoder does', () => {
    const req = batch([submit('ref-é€𝄞', 'qh-20261122-0000'), submit('', '')]);
    expect(requestSerializer()(req)).toEqual(Buffer.from(SessionRequest.encode(req).finish()));
  });

  it('refuses a lone surrogate instead of sending U+FFFD; the next request goes out whole', () => {
    const serialize = requestSerializer();
    expect(
      Buffer.from(ActionCodec.encode(submit('a\uD800', 'p')).finish()).includes(Buffer.from('\uFFFD')),
    ).toBe(true);
    expect(() => serialize(batch([submit('a\uD800', 'p')]))).toThrow(/lone surrogate/);
    expect(() => serialize(batch([submit('a', '\uDC00p')]))).toThrow(/lone surrogate/);
    const ok = batch([submit('b', 'p')]);
    expect(serialize(ok)).toEqual(Buffer.from(SessionRequest.encode(ok).finish()));
  });

  it('names the field as an ActionBuildError', () => {
    const actions = [submit('ok', 'p'), submit('ok', 'p\uD83D'), submit('\uDE00', 'p')];
    let cause: unknown;
    try {
      requestSerializer()(batch(actions));
    } catch (err) {
      cause = err;
    }
    const e = unencodableAction(actions, cause);
    expect(e).toBeInstanceOf(ActionBuildError);
    expect([e.field, e.actionIndex]).toEqual(['submit.product_id', 1]);
    expect(e.message).toMatch(/^actions\[1\]: submit\.product_id: "p\\ud83d" cannot be sent/);
    expect(unencodableAction([actions[2]!], cause).field).toBe('client_ref');
  });
});
