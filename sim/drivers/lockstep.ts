// The lock-step loop over any mix of agent ports: at each decision point every agent is asked at
// once (a simultaneous move), the clock waits for all of them (each within its deadline), then it
// moves on. The core commits answers in configuration order, so the order in which ports answer
// never shows on the tape.
import type { RunEnded } from '../../gen/flexarena/v1/session.js';
import type { DecisionPoint, RunSummary, Simulation } from '../core/simulation.js';
import type { AgentPort, DecisionRequest } from './agent-port.js';

export interface LockstepOptions {
  /**
   * Called when a decision point opens, before its agents are asked: what the run has written so
   * far is complete up to this decision point (the run's files are made durable here).
   */
  onOpen?(point: DecisionPoint): void;
  /** Called after each decision point's answers are in (progress, pacing, observers). */
  onDecision?(point: DecisionPoint): void | Promise<void>;
  /** Aborted: the loop throws the signal's reason before the next decision point. */
  signal?: AbortSignal;
}

export function decisionRequest(sim: Simulation, agentId: string, point: DecisionPoint): DecisionRequest {
  return {
    agentId,
    wakeId: point.wakeId,
    timeMs: point.timeMs,
    deadlineMs: sim.cfg.deadlineMs,
    takeMessages: () => sim.takeMessages(agentId),
    wakeUp: () => sim.wakeUp(agentId),
    resume: (seq) => void sim.resume(agentId, seq),
    submit: (batch) => sim.answer(agentId, { kind: 'batch', batch }),
  };
}

/** Runs the clock to its end; returns the summary after sim.finish(). */
export async function runLockstep(
  sim: Simulation,
  ports: ReadonlyMap<string, AgentPort>,
  opts: LockstepOptions = {},
): Promise<RunSummary> {
  for (const id of sim.agentIds) await ports.get(id)?.start?.(sim.welcome(id));
  opts.signal?.throwIfAborted();
  for (let point = await sim.advance(); point; point = await sim.advance()) {
    const p = point;
    opts.onOpen?.(p);
    await Promise.all(
      sim.agentIds.map(async (id) => {
        const port = ports.get(id);
        const outcome = port ? await port.decide(decisionRequest(sim, id, p)) : 'absent';
        if (outcome !== 'answered') sim.answer(id, { kind: outcome });
      }),
    );
    await opts.onDecision?.(p);
    opts.signal?.throwIfAborted();
  }
  return sim.finish();
}

/**
 * Tells every port the run is over, with its result — after the acks of its last batch, and with
 * the reports produced since its last wake-up as the final report (see Simulation.finalMessages).
 */
export async function endPorts(
  sim: Simulation,
  ports: ReadonlyMap<string, AgentPort>,
  ended: (agentId: string) => Omit<RunEnded, 'finalReport'>,
): Promise<void> {
  await Promise.all(
    [...ports.values()].map((p) => {
      const last = sim.finalMessages(p.agentId);
      return p.end({ ...ended(p.agentId), finalReport: last.finalReport }, last.acks);
    }),
  );
}

/** RunEnded.reason of a run that reached its end; an interrupted one says `runInterruptedReason`. */
export const RUN_COMPLETE_REASON = 'run complete';

/** RunEnded.reason of a run stopped by a signal: "run interrupted (SIGINT)", "… (SIGTERM)". */
export function runInterruptedReason(signal: string): string {
  return `run interrupted (${signal})`;
}

/**
 * RunEnded.reason of a run that failed with an error (a bug, a file that could not be written): "run
 * failed: <its message>" — the run has no result, and the agents get it instead of a stream that
 * just ends (which an SDK would take for a network cut and try to resume).
 */
export function runFailedReason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return `run failed: ${message.split('\n')[0]}`;
}

/**
 * The run failed: tells every port so, without a result and without a final report (the state
 * at a failure is not one to report from). One port failing does not keep the others from being
 * told; its error goes to `onError`.
 */
export async function endPortsFailed(
  ports: ReadonlyMap<string, AgentPort>,
  err: unknown,
  onError: (agentId: string, err: unknown) => void,
): Promise<void> {
  await endPortsEarly(ports, runFailedReason(err), undefined, onError);
}

/**
 * The run was stopped (Ctrl-C, SIGTERM): tells every port so, as at a normal end but with the
 * reason saying it was interrupted and without a result (the run did not finish). When the run had
 * started (sim.interrupt() returned true) the final report says where it stopped (see
 * Simulation.finalMessages); before its first decision point there is none. One port failing
 * (an in-process strategy's onEnd throwing) does not keep the others from being told; its error
 * goes to `onError`.
 */
export async function endPortsInterrupted(
  sim: Simulation,
  started: boolean,
  ports: ReadonlyMap<string, AgentPort>,
  signal: string,
  onError: (agentId: string, err: unknown) => void,
): Promise<void> {
  const last = started ? (agentId: string) => sim.finalMessages(agentId) : undefined;
  await endPortsEarly(ports, runInterruptedReason(signal), last, onError);
}

/** RunEnded without a result to every port; with `last`, each port's pending acks and final report. */
async function endPortsEarly(
  ports: ReadonlyMap<string, AgentPort>,
  reason: string,
  last: ((agentId: string) => ReturnType<Simulation['finalMessages']>) | undefined,
  onError: (agentId: string, err: unknown) => void,
): Promise<void> {
  await Promise.all(
    [...ports.values()].map(async (p) => {
      try {
        const m = last?.(p.agentId);
        await p.end({ reason, result: undefined, finalReport: m?.finalReport }, m?.acks ?? []);
      } catch (err) {
        onError(p.agentId, err);
      }
    }),
  );
}
