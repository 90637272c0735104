import { describe, expect, it } from 'vitest';
import type { OutboxReport } from '../nats/jetstream-outbox.js';
import type { NatsThreadReport } from '../nats/nats-thread-protocol.js';
import { natsDelivery } from './nats-delivery.js';

// A report as the outbox closes it: 10 messages delivered, 3 of them answered "duplicate" on
// their first attempt (the stream held their ids before this outbox sent them).
function closedWith(heldBeforeIds: string[]): NatsThreadReport {
  const outbox = {
    complete: true,
    enqueued: 10,
    delivered: 10,
    duplicates: heldBeforeIds.length,
    heldBefore: heldBeforeIds.length,
    heldBeforeIds,
    recoveredByLookup: 0,
    undeliveredCount: 0,
    undelivered: [],
    undeliveredListTruncated: false,
    rejected: [],
    spooledToDisk: 0,
    maxBacklog: 4,
    outages: [],
    duplicateWindowMs: 120_000,
  } as unknown as OutboxReport;
  return { outbox, publicPublished: 5, publicDropped: 0 };
}

describe('natsDelivery', () => {
  it('counts every message held before its first attempt as an earlier run’s in a fresh run', () => {
    const d = natsDelivery('nats://h:1', closedWith(['r:1', 'r:2', 'r:9']));
    expect(d).toMatchObject({
      messages: 10,
      delivered: 10,
      duplicates: 3,
      heldByEarlierRun: 3,
      undelivered: 0,
    });
    expect(d).not.toHaveProperty('storedByStoppedRun');
  });

  it('counts those the resume sent again from the recorded tape as the stopped run’s own', () => {
    // r:1 and r:2 were re-simulated from the tape (the stopped run had made them); r:9 was not.
    const d = natsDelivery('nats://h:1', closedWith(['r:1', 'r:2', 'r:9']), new Set(['r:1', 'r:2', 'r:3']));
    expect(d).toMatchObject({ duplicates: 3, heldByEarlierRun: 1, storedByStoppedRun: 2 });
  });

  it('says 0 stored by the stopped run for a resumed run whose stream held nothing unexpected', () => {
    const d = natsDelivery('nats://h:1', closedWith([]), new Set(['r:1']));
    expect(d).toMatchObject({ heldByEarlierRun: 0, storedByStoppedRun: 0 });
  });
});
