// RecordAttribution: the cash of hours and capacity blocks split over their quarter-hours' records,
// and the frozen shares forgotten once every quarter-hour of the product had its record.
import { describe, expect, it } from 'vitest';
import { AgentLedger } from '../core/agent-ledger.js';
import { cashTotal, RecordAttribution } from './settlement-record.js';

const QH = 900_000;
const frozenIds = (a: RecordAttribution) => [
  ...(a as unknown as { frozen: Map<string, unknown> }).frozen.keys(),
];

describe('RecordAttribution.forgetDeliveredBefore', () => {
  it('forgets the frozen cash of delivered hours and blocks, and the records still add up to the ledger', () => {
    const ledger = new AgentLedger('a', 'battery');
    const day0 = Date.UTC(2026, 10, 22);
    ledger.addTrade('h-20261122-0000', 3, -1_001, 'auction');
    ledger.addCash('capacity', 1_603, 'afrr-20261122-0');
    const a = new RecordAttribution('a');
    let sum = 0;
    const ids = ['0000', '0015', '0030', '0045', '0100', '0115'].map((t) => `qh-20261122-${t}`);
    for (const [i, id] of ids.entries()) {
      sum += cashTotal(a.cashFor(ledger, id, day0 + i * QH));
      // An hour is done after its fourth quarter-hour; the block (4 hours) not yet.
      if (i === 3) a.forgetDeliveredBefore(day0 + 4 * QH);
    }
    expect(frozenIds(a)).toEqual(['afrr-20261122-0']);
    for (let i = 6; i < 16; i++)
      sum += cashTotal(
        a.cashFor(
          ledger,
          `qh-20261122-${String(Math.floor(i / 4)).padStart(2, '0')}${String((i % 4) * 15).padStart(2, '0')}`,
          day0 + i * QH,
        ),
      );
    a.forgetDeliveredBefore(day0 + 86_400_000);
    expect(frozenIds(a)).toEqual([]);
    // The hour's cash over its four records (the second hour has none) and the block's over sixteen.
    expect(sum).toBe(ledger.totalCashUnits);
  });
});
