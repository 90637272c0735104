// The fault log's budget per agent and kind of fault: the first `linesPerKind` faults are written
// in full; after that they are counted, and a summary ("suppressed N similar faults") is written
// at most every `summaryEveryMs` while they keep coming, and once more at the end for whatever is
// still unsummarised. A flooding agent therefore costs the log a few lines, not hundreds of
// thousands a minute, and no fault is lost: every one is either a line or in a summary's count.

export interface FaultLogLimits {
  linesPerKind: number;
  summaryEveryMs: number;
}

export interface SuppressedSummary {
  agentId: string;
  kind: string;
  /** Faults of this kind suppressed since the previous summary. */
  suppressed: number;
  /** Faults of this kind so far, written or not. */
  total: number;
}

interface KindState {
  agentId: string;
  kind: string;
  total: number;
  suppressed: number;
  lastSummaryMs: number;
}

export type FaultDecision = { write: true } | { write: false; summary?: SuppressedSummary };

export class FaultThrottle {
  private readonly kinds = new Map<string, KindState>();

  constructor(
    private readonly limits: FaultLogLimits,
    private readonly now: () => number,
  ) {}

  /** Whether this fault is written in full, and a summary that is due now (if any). */
  offer(agentId: string, kind: string): FaultDecision {
    const key = `${agentId}\u0000${kind}`;
    let st = this.kinds.get(key);
    if (!st) {
      st = { agentId, kind, total: 0, suppressed: 0, lastSummaryMs: this.now() };
      this.kinds.set(key, st);
    }
    st.total++;
    if (st.total <= this.limits.linesPerKind) return { write: true };
    st.suppressed++;
    const t = this.now();
    if (t - st.lastSummaryMs < this.limits.summaryEveryMs) return { write: false };
    return { write: false, summary: this.summarise(st, t) };
  }

  /** Summaries of everything suppressed and not yet summarised (at the end of a run). */
  flush(): SuppressedSummary[] {
    const t = this.now();
    return [...this.kinds.values()].filter((st) => st.suppressed > 0).map((st) => this.summarise(st, t));
  }

  /** Faults seen per agent and kind, written or suppressed. */
  totals(): { agentId: string; kind: string; total: number }[] {
    return [...this.kinds.values()].map(({ agentId, kind, total }) => ({ agentId, kind, total }));
  }

  private summarise(st: KindState, t: number): SuppressedSummary {
    const s = { agentId: st.agentId, kind: st.kind, suppressed: st.suppressed, total: st.total };
    st.suppressed = 0;
    st.lastSummaryMs = t;
    return s;
  }
}
