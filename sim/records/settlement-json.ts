// The proto3 JSON text of a settlement record, built once per record however many sinks write it
// (settlements.jsonl and the JetStream outbox each wrote their own: `toJSON` of a record with its
// attribution lists is one of the dearer steps of settling a quarter-hour).
import { SettlementRecord } from '../../gen/flexarena/v1/evaluation.js';

const texts = new WeakMap<SettlementRecord, string>();

/** JSON.stringify(SettlementRecord.toJSON(record)), memoised per record object. */
export function settlementJson(record: SettlementRecord): string {
  let text = texts.get(record);
  if (text === undefined) {
    text = JSON.stringify(SettlementRecord.toJSON(record));
    texts.set(record, text);
  }
  return text;
}
