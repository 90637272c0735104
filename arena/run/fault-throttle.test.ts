// The fault log's budget on a hand-driven clock: full lines up to the per-kind budget, then
// periodic summaries, a final flush, and counts that always add up to every fault offered.
import { describe, expect, it } from 'vitest';
import { FaultThrottle } from './fault-throttle.js';

describe('FaultThrottle', () => {
  it('writes the first lines per agent and kind, then summaries; the counts add up to every fault', () => {
    let t = 0;
    const th = new FaultThrottle({ linesPerKind: 3, summaryEveryMs: 1_000 }, () => t);
    let written = 0;
    let summarised = 0;
    let summaries = 0;
    for (let i = 0; i < 2_500; i++) {
      t += 1; // 2.5 s of faults, one per millisecond
      const d = th.offer('flooder', 'refused-batch');
      if (d.write) written++;
      else if (d.summary) {
        summarised += d.summary.suppressed;
        summaries++;
        expect(d.summary).toMatchObject({ agentId: 'flooder', kind: 'refused-batch', total: i + 1 });
      }
    }
    // Another agent and another kind have budgets of their own.
    expect(th.offer('bystander', 'refused-batch')).toEqual({ write: true });
    expect(th.offer('flooder', 'disconnected')).toEqual({ write: true });
    expect(written).toBe(3);
    const rest = th.flush();
    expect(rest).toEqual([
      { agentId: 'flooder', kind: 'refused-batch', suppressed: expect.any(Number), total: 2_500 },
    ]);
    expect(written + summarised + rest[0]!.suppressed).toBe(2_500);
    // Two periodic summaries came in 2.5 s (at 1 s and 2 s), not one per fault.
    expect(summaries).toBe(2);
    expect(th.flush()).toEqual([]);
  });
});
