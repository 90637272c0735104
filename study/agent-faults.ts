// The agents that had faults in a study's runs (in a study every agent is a built-in strategy in
// process, so a fault is a strategy that threw): such an agent is scored as one that did nothing
// from the fault on, which the study's figures alone do not tell from a choice. The run folders are
// removed after each run, so the study's own output is the only place that can say so.
import type { StudyRun } from './run-variant.js';

export interface StudyAgentFaults {
  agentId: string;
  /** Keys (`<seed index>:<variant>`) of the runs in which it had a fault, in run order. */
  runs: string[];
  /** Faults by kind over all those runs. */
  kinds: Record<string, number>;
}

/** Per agent with any fault, in the order the agents first have one. */
export function studyAgentFaults(runs: readonly StudyRun[]): StudyAgentFaults[] {
  const by = new Map<string, StudyAgentFaults>();
  for (const r of runs)
    for (const [agentId, kinds] of Object.entries(r.faults ?? {})) {
      let e = by.get(agentId);
      if (!e) {
        e = { agentId, runs: [], kinds: {} };
        by.set(agentId, e);
      }
      e.runs.push(r.key);
      for (const [kind, n] of Object.entries(kinds)) e.kinds[kind] = (e.kinds[kind] ?? 0) + n;
    }
  return [...by.values()];
}

/** One line per agent with faults, for the end of a study. */
export function studyFaultLines(runs: readonly StudyRun[]): string[] {
  return studyAgentFaults(runs).map((e) => {
    const shown = e.runs.slice(0, 5).join(', ');
    const more = e.runs.length > 5 ? ` and ${e.runs.length - 5} more` : '';
    const kinds = Object.entries(e.kinds)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
    return (
      `agent faults: ${e.agentId} in ${e.runs.length} of ${runs.length} run(s) (${kinds}; runs ${shown}${more}); ` +
      'those runs count, with what the agent did before its fault; runs.jsonl has them per run'
    );
  });
}
