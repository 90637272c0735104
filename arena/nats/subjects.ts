// Where a run's records go on NATS: the subjects of its public feed and settlement stream, and
// the Nats-Msg-Ids that make each settlement message exactly-once in JetStream.

export const SETTLEMENT_STREAM = 'FLEXARENA_SETTLEMENT';
export const SETTLEMENT_SUBJECTS = 'flexarena.*.settlement.>';

export function subjects(runId: string) {
  const base = `flexarena.${runId}`;
  return {
    base,
    tail: (t: string) => `${base}.${t}`,
    settlement: (agentId: string) => `${base}.settlement.${agentId}`,
    /** Every settlement-stream subject of the run: its records, manifest and end message. */
    allSettlement: `${base}.settlement.>`,
    /** Agent ids start with a letter, so these never clash with an agent's subject. */
    manifest: `${base}.settlement._manifest`,
    runEnd: `${base}.settlement._end`,
  };
}

/** Nats-Msg-Ids of a run's manifest and end message. */
export const manifestMsgId = (runId: string) => `${runId}:manifest`;
export const runEndMsgId = (runId: string) => `${runId}:end`;

/** Nats-Msg-Id of a settlement record: unique per run and record. */
export function settlementMsgId(runId: string, seq: number): string {
  return `${runId}:${seq}`;
}
