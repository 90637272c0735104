// Stray batches while the arena waits (limits.rate.refusedWhileWaited, default 3), against a real
// arena process: a session's messages arrive in order, so once an agent has sent that many batches
// the core refuses (here: a wrong wake id) while its answer is awaited, the answer would come behind
// them — the arena stops waiting for it at that decision point instead of holding every agent up
// until the deadline. Fewer stray batches change nothing: the answer behind them is processed.
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionResponse } from '../../gen/flexarena/v1/arena_service.js';
import { BatchStatus } from '../../gen/flexarena/v1/session.js';
import {
  demoWithHandAgent,
  STARTUP_MS,
  startArena,
  stopAll,
  tempDir,
  writeConfig,
} from '../helpers/arena-process.js';
import {
  bearer,
  hello,
  nextMatching,
  openRawSession,
  type RawBytesSession,
  rawClient,
  type SessionEvent,
} from '../helpers/raw-session.js';

afterEach(stopAll);

const TOKEN = 'hand-token-stray-01';
/** Far beyond the test's own waits: had the arena waited for the deadline, the test would fail. */
const DEADLINE_MS = 600_000;
const WAIT_MS = 120_000;

/** A batch with one action (a cancel of an order it does not have): an empty one gets no ack. */
function batch(wakeId: number) {
  const cancel = { clientRef: 'probe', kind: { $case: 'cancel' as const, value: { orderId: 999_999_999 } } };
  return { kind: { $case: 'actionBatch' as const, value: { wakeId, actions: [cancel] } } };
}

function message(e: SessionEvent): SessionResponse['kind'] {
  return e.type === 'data' ? e.message.kind : undefined;
}

async function nextWakeId(s: RawBytesSession): Promise<number> {
  const e = await nextMatching(s, (x) => message(x)?.$case === 'wakeUp', WAIT_MS);
  const k = message(e);
  if (k?.$case !== 'wakeUp') throw new Error('unreachable');
  return k.value.wakeId;
}

async function ackFor(s: RawBytesSession, wakeId: number, status: BatchStatus): Promise<void> {
  const e = await nextMatching(
    s,
    (x) => {
      const k = message(x);
      return k?.$case === 'actionAck' && k.value.wakeId === wakeId && k.value.batchStatus === status;
    },
    WAIT_MS,
  );
  expect(e.type).toBe('data');
}

describe('stray batches while the arena waits for an answer', () => {
  it('two are refused and the answer behind them counts; three end the wait at once', {
    timeout: 600_000,
  }, async () => {
    const dir = tempDir();
    const cfg = demoWithHandAgent(
      { id: 'manual', strategy: 'idle', token: TOKEN },
      { deadlineMs: DEADLINE_MS },
    );
    const arena = await startArena(writeConfig(dir, cfg), ['--out', dir, '--in-process'], STARTUP_MS);
    const client = rawClient(arena.address);
    const s = openRawSession(client, bearer(TOKEN));
    s.sendRequest(hello());

    // Two stray batches, then the answer: each stray one refused, the answer processed.
    const first = await nextWakeId(s);
    s.sendRequest(batch(first + 1_000));
    s.sendRequest(batch(first + 1_001));
    s.sendRequest(batch(first));
    await ackFor(s, first + 1_000, BatchStatus.BATCH_STATUS_STALE_WAKE);
    await ackFor(s, first + 1_001, BatchStatus.BATCH_STATUS_STALE_WAKE);
    // The ack of an answer comes with the next decision point, before its wake-up.
    await ackFor(s, first, BatchStatus.BATCH_STATUS_PROCESSED);
    const second = await nextWakeId(s);

    // Three stray batches and no answer: the next decision point comes without the deadline.
    for (let i = 0; i < 3; i++) s.sendRequest(batch(second + 1_000 + i));
    const third = await nextWakeId(s);
    expect(third).toBeGreaterThan(second);
    // The answer to the wake-up that was not waited for is late (and not counted as stray).
    s.sendRequest(batch(second));
    await ackFor(s, second, BatchStatus.BATCH_STATUS_LATE);
    s.sendRequest(batch(third));
    await ackFor(s, third, BatchStatus.BATCH_STATUS_PROCESSED);
    const fourth = await nextWakeId(s);
    expect(fourth).toBeGreaterThan(third);
    s.close();
    client.close();
  });
});
