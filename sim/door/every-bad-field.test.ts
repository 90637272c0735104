// An action with several bad fields: the rejection's code, field and limit are the first's, as
// before, and its message names every other bad field after it ("…; also: …"), so an agent fixes
// them in one round instead of one per wake-up. The door used to stop at the first.
import { describe, expect, it } from 'vitest';
import { RejectCode, Side } from '../../gen/flexarena/v1/market.js';
import { parseRunConfig } from '../config/run-config.js';
import { Simulation } from '../core/simulation.js';
import { admitAction, type DoorLimits, type DoorRejection } from './validate-action.js';

async function door(): Promise<DoorLimits> {
  const cfg = parseRunConfig({
    name: 'every-bad-field',
    seed: 1,
    day: '2026-11-22',
    nats: { enabled: false },
    agents: [{ id: 'a', strategy: 'idle' }],
  });
  return (await Simulation.create(cfg, { runId: 'every-bad-field', sinks: [] })).doorLimits;
}

function rejected(raw: unknown, l: DoorLimits): DoorRejection {
  const a = admitAction(raw, l);
  if (a.ok) throw new Error('admitted');
  return a.rejection;
}

describe('the door names every bad field of an action', () => {
  it('keeps the first as code, field and limit and lists the others in order', async () => {
    const l = await door();
    const r = rejected(
      {
        clientRef: 'r'.repeat(65),
        kind: {
          $case: 'submit',
          value: { productId: '', side: 7, priceTicks: 1.5, quantityLots: 0, peakLots: -1 },
        },
      },
      l,
    );
    expect([r.code, r.field, r.limit]).toEqual([
      RejectCode.REJECT_CODE_INVALID_FIELD,
      'client_ref',
      'at most 64 bytes of UTF-8',
    ]);
    expect(r.also?.map((x) => [RejectCode[x.code], x.field])).toEqual([
      ['REJECT_CODE_INVALID_FIELD', 'submit.product_id'],
      ['REJECT_CODE_INVALID_SIDE', 'submit.side'],
      ['REJECT_CODE_PRICE_OUT_OF_RANGE', 'submit.price_ticks'],
      ['REJECT_CODE_QUANTITY_INVALID', 'submit.quantity_lots'],
      ['REJECT_CODE_PEAK_INVALID', 'submit.peak_lots'],
    ]);
    const parts = r.message.split('; also: ');
    expect(parts).toHaveLength(2);
    expect(parts[0]).toMatch(/^client_ref must be at most 64 bytes of UTF-8; got "r+…" \(65 bytes\)$/);
    for (const x of r.also!) expect(parts[1]).toContain(x.message);
    expect(parts[1]).toContain('submit.side must be one of SIDE_BUY (1), SIDE_SELL (2); got 7');
  });

  it('walks every point of a curve, and lists at most 8 others by name', async () => {
    const l = await door();
    const points = Array.from({ length: 12 }, (_, i) => ({
      priceTicks: i,
      quantityLots: l.maxAuctionLots + 1,
    }));
    const r = rejected(
      {
        kind: {
          $case: 'auctionBid',
          value: {
            auctionId: 'da-20261122',
            bidId: 'b 1',
            bid: { $case: 'curve', value: { period: 96, points } },
          },
        },
      },
      l,
    );
    expect(r.field).toBe('auction_bid.bid_id');
    expect(r.also?.map((x) => x.field)).toEqual([
      'auction_bid.curve.period',
      ...points.map((_, i) => `auction_bid.curve.points[${i}].quantity_lots`),
    ]);
    expect(r.message).toMatch(/; 5 more$/);
  });

  it('one bad field: the rejection as before, with no also', async () => {
    const l = await door();
    const r = rejected(
      {
        kind: {
          $case: 'submit',
          value: { productId: 'qh-20261122-1000', side: Side.SIDE_BUY, priceTicks: 100, quantityLots: 0 },
        },
      },
      l,
    );
    expect(r.also).toBeUndefined();
    expect([r.field, r.message]).toEqual([
      'submit.quantity_lots',
      `submit.quantity_lots must be an integer within [1, ${l.maxQuantityLots}] lots of 0.1 MW; got 0`,
    ]);
  });
});
