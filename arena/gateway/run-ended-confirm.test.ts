// GrpcGateway.end: RunEnded counts as delivered (hadRunEnded) only once the agent confirms it by
// closing its side of the stream; the arena then ends the stream with OK. A stream cancelled
// before that leaves the agent owed its final report; one that does neither within the wait
// (runEndedConfirmMs) is ended by the arena, the report delivered.
import { afterEach, describe, expect, it } from 'vitest';
import { Welcome } from '../../gen/flexarena/v1/session.js';
import {
  bearer,
  hello,
  openRawSession,
  type RawBytesSession,
  rawClient,
} from '../../test/helpers/raw-session.js';
import { GrpcGateway } from './grpc-gateway.js';
import { TEST_GATEWAY_LIMITS } from './test-support.js';

let gateway: GrpcGateway | undefined;
const clients: { close(): void }[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await gateway?.close();
  gateway = undefined;
});

const faults: string[] = [];

/** A listening gateway for agent `a` (token `tok`), and its session said hello and welcomed. */
async function connected(confirmMs: number): Promise<{ g: GrpcGateway; s: RawBytesSession }> {
  faults.length = 0;
  const g = new GrpcGateway({
    runId: 'confirm-test',
    tokens: new Map([['tok', 'a']]),
    welcome: () => Welcome.fromPartial({ runId: 'confirm-test', agentId: 'a' }),
    marketSpec: () => ({ runId: 'confirm-test', market: undefined }),
    faults: { fault: (id, kind, detail) => void faults.push(`${id} ${kind}: ${detail}`) },
    lastReportSeq: () => 0,
    answerOutside: () => {
      throw new Error('no batch is sent in this test');
    },
    limits: TEST_GATEWAY_LIMITS,
    runEndedConfirmMs: confirmMs,
  });
  gateway = g;
  const port = await g.listen('127.0.0.1', 0);
  const client = rawClient(`127.0.0.1:${port}`);
  clients.push(client);
  const s = openRawSession(client, bearer('tok'));
  s.sendRequest(hello());
  const w = await s.next(10_000);
  expect(w.type === 'data' && w.message.kind?.$case).toBe('welcome');
  return { g, s };
}

/** Ends the run for `a` and takes its RunEnded. */
async function ended(g: GrpcGateway, s: RawBytesSession): Promise<void> {
  g.end('a', { reason: 'run complete', result: undefined, finalReport: undefined });
  const e = await s.next(10_000);
  expect(e.type === 'data' && e.message.kind?.$case).toBe('runEnded');
}

const finale = () => {
  throw new Error('nobody comes back in this test');
};

describe('GrpcGateway.end: the agent confirms its RunEnded', () => {
  it('by closing its side: delivered, and the stream ends with OK at once', async () => {
    const { g, s } = await connected(60_000);
    await ended(g, s);
    expect(g.hadRunEnded('a')).toBe(false);
    const started = Date.now();
    s.halfClose();
    expect((await s.next(10_000)).type).toBe('end');
    expect(Date.now() - started).toBeLessThan(5_000);
    await expect(g.awaitFinales(finale, 60_000, () => true)).resolves.toEqual([]);
    expect(g.hadRunEnded('a')).toBe(true);
    expect(faults).toEqual([]);
  });

  it('a stream cancelled before that: not delivered, the agent is owed its final report', async () => {
    const { g, s } = await connected(60_000);
    await ended(g, s);
    s.close();
    // Nobody may come back here: the wait ends once the lost confirmation made the agent owed.
    await expect(g.awaitFinales(finale, 60_000, () => false)).resolves.toEqual(['a']);
    expect(g.hadRunEnded('a')).toBe(false);
    expect(faults).toEqual([
      expect.stringMatching(
        /^a disconnected: its stream was cancelled before the agent confirmed its RunEnded/,
      ),
    ]);
  });

  it('neither within the wait: the arena ends the stream with OK, the report delivered', async () => {
    const { g, s } = await connected(300);
    await ended(g, s);
    const finales = g.awaitFinales(finale, 60_000, () => true);
    expect((await s.next(10_000)).type).toBe('end');
    await expect(finales).resolves.toEqual([]);
    expect(g.hadRunEnded('a')).toBe(true);
    expect(faults).toEqual([]);
  });
});
