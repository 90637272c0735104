import { describe, expect, it } from 'vitest';
import { SettlementRecord } from '../../gen/flexarena/v1/evaluation.js';
import { settlementJson } from './settlement-json.js';

describe('settlementJson', () => {
  it('is the proto3 JSON of the record, built once per record object', () => {
    const a = SettlementRecord.fromPartial({ seq: 1, agentId: 'a', profitCashUnits: 12 });
    const b = SettlementRecord.fromPartial({ seq: 2, agentId: 'b' });
    expect(settlementJson(a)).toBe(JSON.stringify(SettlementRecord.toJSON(a)));
    expect(JSON.parse(settlementJson(a))).toMatchObject({ seq: 1, agentId: 'a' });
    expect(settlementJson(b)).toBe(JSON.stringify(SettlementRecord.toJSON(b)));
    // The second call returns the same text without encoding again.
    const spy = { calls: 0 };
    const toJSON = SettlementRecord.toJSON;
    SettlementRecord.toJSON = (r) => {
      spy.calls++;
      return toJSON(r);
    };
    try {
      expect(settlementJson(a)).toBe(JSON.stringify(toJSON(a)));
      expect(spy.calls).toBe(0);
    } finally {
      SettlementRecord.toJSON = toJSON;
    }
  });
});
