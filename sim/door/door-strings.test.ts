// String fields at the door, for every driver. Over gRPC a string whose bytes are not UTF-8 is
// refused by the gateway (INVALID_FIELD, UTF8_STRING_LIMIT); an in-process strategy hands the door
// JavaScript strings, and one holding a lone surrogate — which no UTF-8 can carry, so the gRPC path
// could never deliver it — used to be admitted unchanged. And the length limits are counted in UTF-8
// bytes, the wire's unit: the door counted UTF-16 code units, so 64 × '€' (192 bytes) passed a limit
// of 64 while 65 × 'a' did not.
import { describe, expect, it } from 'vitest';
import { BalancingDirection } from '../../gen/flexarena/v1/balancing.js';
import { RejectCode, Side, TimeInForce } from '../../gen/flexarena/v1/market.js';
import { writeJsonBytes } from '../../lib/index.js';
import { parseRunConfig } from '../config/run-config.js';
import { Simulation } from '../core/simulation.js';
import { admitAction, type DoorLimits, UTF8_STRING_LIMIT } from './validate-action.js';

async function door(): Promise<DoorLimits> {
  const cfg = parseRunConfig({
    name: 'door-strings',
    seed: 1,
    day: '2026-11-22',
    nats: { enabled: false },
    agents: [{ id: 'a', strategy: 'idle' }],
  });
  return (await Simulation.create(cfg, { runId: 'door-strings', sinks: [] })).doorLimits;
}

const submit = (productId: string, clientRef = '') => ({
  clientRef,
  kind: {
    $case: 'submit',
    value: {
      productId,
      side: Side.SIDE_BUY,
      priceTicks: 100,
      quantityLots: 1,
      timeInForce: TimeInForce.TIME_IN_FORCE_GTC,
    },
  },
});

/** Every string field the door checks, each set to `s` in an otherwise valid action. */
function everyStringField(s: string): [string, unknown][] {
  const UP = BalancingDirection.BALANCING_DIRECTION_UP;
  return [
    ['client_ref', submit('qh-20261122-1000', s)],
    ['submit.product_id', submit(s)],
    [
      'cancel_auction_bid.auction_id',
      { kind: { $case: 'cancelAuctionBid', value: { auctionId: s, bidId: 'b' } } },
    ],
    [
      'cancel_auction_bid.bid_id',
      { kind: { $case: 'cancelAuctionBid', value: { auctionId: 'a', bidId: s } } },
    ],
    [
      'auction_bid.auction_id',
      {
        kind: {
          $case: 'auctionBid',
          value: { auctionId: s, bidId: 'b', bid: { $case: 'block', value: {} } },
        },
      },
    ],
    [
      'capacity_bid.product_id',
      {
        kind: {
          $case: 'capacityBid',
          value: { productId: s, direction: UP, quantityLots: 1, priceTicks: 1 },
        },
      },
    ],
    [
      'energy_bid.product_id',
      {
        kind: { $case: 'energyBid', value: { productId: s, direction: UP, quantityLots: 1, priceTicks: 1 } },
      },
    ],
  ];
}

describe('the door: strings', () => {
  it('refuses a lone surrogate in any string field, as the gateway refuses bytes that are not UTF-8', async () => {
    const limits = await door();
    for (const lone of ['\uD800', 'qh-\uDFFF', 'x\uD83D', '\uDE00y']) {
      for (const [field, action] of everyStringField(lone)) {
        const a = admitAction(action, limits);
        expect(a.ok, `${field} = ${JSON.stringify(lone)}`).toBe(false);
        if (a.ok) continue;
        expect([a.rejection.code, a.rejection.field, a.rejection.limit]).toEqual([
          RejectCode.REJECT_CODE_INVALID_FIELD,
          field,
          UTF8_STRING_LIMIT,
        ]);
        expect(a.rejection.message).toMatch(
          new RegExp(`^${field.replace(/[.[\]]/g, '\\$&')} \\(string\\) must be valid UTF-8; got `),
        );
        // The message itself stays well-formed (it goes back to the agent as a proto string).
        expect((a.rejection.message as unknown as { isWellFormed(): boolean }).isWellFormed()).toBe(true);
      }
    }
    const a = admitAction(submit('qh-\uD800x'), limits);
    expect(!a.ok && a.rejection.message).toBe(
      'submit.product_id (string) must be valid UTF-8; got "qh-\\ud800x", whose lone surrogate U+D800 (UTF-16 index 3) no UTF-8 can carry',
    );
  });

  it('a refused lone surrogate survives the tape, so a replay refuses it the same way', async () => {
    const limits = await door();
    const action = submit('qh-\uD83D', 'ref-\uDC00');
    // The tape's bytes (lib/json-bytes.ts, as the tape encoder writes them), read back as a replay does.
    const buf = Buffer.alloc(1024);
    const end = writeJsonBytes(action, buf, 0);
    const text = buf.subarray(0, end).toString('utf8');
    expect(text).toContain('"ref-\\udc00"');
    const again = admitAction(JSON.parse(text), limits);
    expect(again).toEqual(admitAction(action, limits));
    expect(!again.ok && again.rejection.field).toBe('client_ref');
  });

  it('admits well-formed strings with surrogate pairs and multi-byte characters', async () => {
    const limits = await door();
    for (const ok of ['𝄞', 'é€𝄞', 'qh-😀']) {
      const a = admitAction(submit('qh-20261122-1000', ok), limits);
      expect(a.ok, ok).toBe(true);
    }
  });

  it('counts the length limits in UTF-8 bytes, at the boundary', async () => {
    const limits = await door();
    const max = limits.maxIdLength;
    expect(limits.maxClientRefLength).toBe(max);
    // Exactly the limit in bytes, made of 1-, 2-, 3- and 4-byte characters.
    const at = [
      'a'.repeat(max),
      'é'.repeat(max / 2),
      `${'€'.repeat(Math.floor(max / 3))}${'a'.repeat(max % 3)}`,
      '𝄞'.repeat(max / 4),
    ];
    const over = at.map((s) => `${s}a`);
    // Under the old count (UTF-16 units) each of these passed: fewer units than the limit.
    over.push('é'.repeat(max / 2 + 1), '€'.repeat(max / 3 + 1), '𝄞'.repeat(max / 4 + 1));
    for (const s of at) {
      expect(Buffer.byteLength(s, 'utf8')).toBe(max);
      // Admitted, or (the block bid without its fields) rejected for another field.
      for (const [field, action] of everyStringField(s)) {
        const a = admitAction(action, limits);
        expect(a.ok || a.rejection.field !== field, `${field}: ${s}`).toBe(true);
      }
    }
    for (const s of over) {
      expect(Buffer.byteLength(s, 'utf8')).toBeGreaterThan(max);
      for (const [field, action] of everyStringField(s)) {
        const a = admitAction(action, limits);
        expect(a.ok, `${field}: ${s.length} units`).toBe(false);
        if (a.ok) continue;
        expect([a.rejection.code, a.rejection.field, a.rejection.limit]).toEqual([
          RejectCode.REJECT_CODE_INVALID_FIELD,
          field,
          `at most ${max} bytes of UTF-8`,
        ]);
        expect(a.rejection.message).toContain(`(${Buffer.byteLength(s, 'utf8')} bytes)`);
      }
    }
  });
});
