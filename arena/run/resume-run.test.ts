import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunManifest, SettlementRecord } from '../../gen/flexarena/v1/evaluation.js';
import type { RecordSink } from '../../sim/index.js';
import { manifestMsgId, settlementMsgId } from '../nats/subjects.js';
import { type ResumePlan, ResumeSwitch } from './resume-run.js';

const dir = mkdtempSync(join(tmpdir(), 'flexarena-resume-gate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A resume of run "r1" whose recorded tape has `lines` lines (none: live from the start). */
const resumeOf = (lines: string[]) =>
  new ResumeSwitch(
    {
      runDir: dir,
      runId: 'r1',
      tapePath: join(dir, 'tape.jsonl.gz'),
      tape: { answers: new Map(), absentAt: new Map(), lines },
    } as unknown as ResumePlan,
    [],
    () => {},
  );

/** What the gate lets through to the NATS sink: manifest and settlement seqs. */
function gated(r: ResumeSwitch, stored: string[]) {
  const sent: (string | number)[] = [];
  const sink: RecordSink = {
    manifest: () => sent.push('manifest'),
    settlement: (s: SettlementRecord) => sent.push(s.seq),
  };
  const gate = r.natsGate(sink, 'r1', new Set(stored));
  return {
    sent,
    manifest: () => gate.manifest?.({} as RunManifest),
    settlement: (seq: number) => gate.settlement?.({ seq } as SettlementRecord),
  };
}

describe('ResumeSwitch.natsGate', () => {
  const stored = [manifestMsgId('r1'), settlementMsgId('r1', 1), settlementMsgId('r1', 2)];

  it('while catching up, sends only what the stream does not hold, and notes it as sent again', () => {
    const r = resumeOf(['{"seq":0}']);
    expect(r.live).toBe(false);
    const g = gated(r, stored);
    g.manifest();
    for (const seq of [1, 2, 3]) g.settlement(seq);
    expect(g.sent).toEqual([3]);
    expect([...r.resentFromTape]).toEqual([settlementMsgId('r1', 3)]);
  });

  // The stopped run could publish records its files never reached (settled after the last decision
  // point its tape was flushed at, then killed); the resumed run makes them again once live. Sent
  // again, the stream dropped them as repeats and results.json counted them as another run's
  // (heldByEarlierRun 3 in a run-resume test on a shared server).
  it('once live, still holds back what the stream already has', () => {
    const r = resumeOf([]);
    expect(r.live).toBe(true);
    const g = gated(r, stored);
    g.manifest();
    for (const seq of [1, 2, 3]) g.settlement(seq);
    expect(g.sent).toEqual([3]);
    expect(r.resentFromTape.size).toBe(0);
  });
});
