// Reads back what the JetStream settlement stream holds for one run: every message on
// `flexarena.<run>.settlement.>`, with its Nats-Msg-Id, read with an ordered consumer.
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { SETTLEMENT_STREAM } from '../../arena/index.js';

export interface StoredSettlement {
  subject: string;
  msgId: string;
  /** The record's run-wide sequence number, from its payload. */
  seq: number;
}

export async function readRunSettlements(url: string, runId: string): Promise<StoredSettlement[]> {
  const nc = await connect({ servers: url });
  try {
    const filter = `flexarena.${runId}.settlement.>`;
    const jsm = await jetstreamManager(nc);
    const info = await jsm.streams.info(SETTLEMENT_STREAM, { subjects_filter: filter });
    const expected = Object.values(info.state.subjects ?? {}).reduce((s, n) => s + n, 0);
    const total = info.state.messages;
    const out: StoredSettlement[] = [];
    if (expected === 0) return out;
    // The whole stream, filtered here: a consumer filter on a wildcard needs nats-server 2.10.
    const consumer = await jetstream(nc).consumers.get(SETTLEMENT_STREAM);
    const iter = await consumer.consume({ max_messages: 1_000 });
    const guard = setTimeout(() => iter.stop(), 30_000);
    let read = 0;
    for await (const m of iter) {
      read++;
      // The records only: the run's manifest and end message (`settlement._manifest`, `._end`) are not.
      if (m.subject.startsWith(`flexarena.${runId}.settlement.`) && !/\.settlement\._/.test(m.subject))
        out.push({
          subject: m.subject,
          msgId: m.headers?.get('Nats-Msg-Id') ?? '',
          seq: Number((m.json() as { seq: number | string }).seq),
        });
      if (read >= total) break;
    }
    clearTimeout(guard);
    await iter.close();
    return out;
  } finally {
    await nc.close();
  }
}

/** The `nats` block of a run's results.json, as far as these checks read it. */
export interface NatsDeliveryFacts {
  duplicates: number;
  heldByEarlierRun: number;
  /** A resumed run: held before the first attempt because the stopped run had stored them. */
  storedByStoppedRun?: number;
  outages: unknown[];
}

/**
 * The run's own messages went in once each. A "duplicate" ack is not a second copy: it is the
 * stream's answer to a retry of a publish whose first ack timed out (a loaded machine), and such
 * a retry only follows a failed attempt, which the run records as an outage; or, in a resumed run,
 * to a message the stopped run had stored itself after the resume read the stream. Other
 * duplicates, or any held by an earlier run, would mean messages that are not this run's.
 */
export function duplicatesOnlyFromRetries(nats: NatsDeliveryFacts): string | undefined {
  if (nats.heldByEarlierRun !== 0) return `heldByEarlierRun = ${nats.heldByEarlierRun}`;
  const retried = nats.duplicates - (nats.storedByStoppedRun ?? 0);
  if (retried > 0 && nats.outages.length === 0)
    return `${retried} duplicate acks on retries with no failed attempt (no outage) recorded`;
  return undefined;
}
