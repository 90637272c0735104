// GrpcGateway.awaitFinales after the run: it resolves with every agent still owed its final report,
// and stops waiting as soon as none of them may come back — asked again when a launched process is
// found gone (processGone), not only at the end of the grace.
import { afterEach, describe, expect, it } from 'vitest';
import { GrpcGateway } from './grpc-gateway.js';
import { TEST_GATEWAY_LIMITS } from './test-support.js';

let gateway: GrpcGateway | undefined;

afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

/** A gateway (not listening) that owes `owed` their final report, as after a run whose streams were down. */
function owing(...owed: string[]): GrpcGateway {
  gateway = new GrpcGateway({
    runId: 'finales-test',
    tokens: new Map(),
    welcome: () => {
      throw new Error('no session is opened in this test');
    },
    marketSpec: () => ({ runId: 'finales-test', market: undefined }),
    faults: { fault: () => undefined },
    lastReportSeq: () => 0,
    answerOutside: () => {
      throw new Error('no batch is sent in this test');
    },
    limits: TEST_GATEWAY_LIMITS,
  });
  // What end() records for an agent that had connected and whose stream is down at the run's end.
  for (const id of owed) (gateway as unknown as { owedFinale: Set<string> }).owedFinale.add(id);
  return gateway;
}

const finale = () => {
  throw new Error('nobody comes back in this test');
};

describe('GrpcGateway.awaitFinales', () => {
  it('resolves at once with the agents owed a report when none of them may come back', async () => {
    const g = owing('a', 'b');
    await expect(g.awaitFinales(finale, 60_000, () => false)).resolves.toEqual(['a', 'b']);
  });

  it('stops waiting when the last agent that might come back is found gone', async () => {
    const g = owing('a');
    let restartDue = true;
    const started = Date.now();
    const missing = g.awaitFinales(finale, 60_000, () => restartDue);
    // Its restart is abandoned (or its new process died past the limit): the watch says processGone.
    setTimeout(() => {
      restartDue = false;
      g.processGone('a');
    }, 50);
    await expect(missing).resolves.toEqual(['a']);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('waits out the grace for an agent that may come back and does not', async () => {
    const g = owing('a');
    await expect(g.awaitFinales(finale, 100, () => true)).resolves.toEqual(['a']);
  });
});
