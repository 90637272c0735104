// What a run's scores were computed from, as one sha256: the manifest, the distinct settlement
// records in seq order and the end message, each in its canonical JSON. The evaluator process (from
// JetStream) and a run folder's files give the same digest for the same messages, so scores.json
// can be checked against the folder it sits in: a rerun with the same run id, or a file copied from
// elsewhere, holds other records and does not match.
import { createHash } from 'node:crypto';
import { RunEnd, RunManifest, SettlementRecord } from '../gen/flexarena/v1/evaluation.js';

/**
 * The version of the scores' definitions (docs/evaluation.md) and of scores.json's shape. Raise it
 * when a figure is computed differently: scores.json of another version are scored again.
 */
export const EVALUATOR_VERSION = 1;

export function scoreInputsSha256(inputs: {
  manifest?: RunManifest | undefined;
  records: readonly SettlementRecord[];
  end?: RunEnd | undefined;
}): string {
  const h = createHash('sha256');
  h.update(`manifest ${inputs.manifest ? JSON.stringify(RunManifest.toJSON(inputs.manifest)) : '-'}\n`);
  for (const r of [...inputs.records].sort((a, b) => a.seq - b.seq))
    h.update(`${JSON.stringify(SettlementRecord.toJSON(r))}\n`);
  h.update(`end ${inputs.end ? JSON.stringify(RunEnd.toJSON(inputs.end)) : '-'}\n`);
  return h.digest('hex');
}
