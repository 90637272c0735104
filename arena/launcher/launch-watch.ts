// What the arena says when a process it launched for an agent ends while the agent should be
// playing: before its hello (a crash at start, a command that does not exist) the agent is not
// waited for until connectTimeoutMs — up to ten minutes in a configuration for a busy machine — and
// the fault says how the process ended, in its own last words; during the run the same is said
// beside the disconnect the gateway reports, and its decisions are no longer waited for (they
// count as missed at once, as they would after each deadline). After the run, processes end as
// they should.
//
// With a restart policy (limits.agentRestarts) a process that ends during the run is started again
// with the same token and command, up to that many times per agent: it resumes from its state file
// and, in lock-step, is waited for as any dropped stream (up to its deadline), so a restart within
// the deadline leaves the tape as it was. Past the limit the agent stays down as without a policy.
//
// The run's end does not cut a restart short: from finishing() on (the last decision point is
// over) the run waits for the final reports of agents whose stream was down at its end, and a
// process ending meanwhile, before it had its RunEnded, is started again as during the run, as is
// one whose restart was due (a process that died a moment before the end: the restart waits
// STOP_GRACE_MS). mayReturn() tells that wait whether an agent may still come back. Processes that
// end after their RunEnded — confirmed by the agent, see GrpcGateway.end — end as they should; one
// that ends before it confirmed did not get it (it died as it arrived, or before the arena saw its
// stream close), and is started again too. Only over() (the wait is over, or the run was
// stopped) abandons a restart still due, and says so in a `restart-abandoned` fault: a
// `process-exited` line's "starting it again" is followed by its `process-restarted` line or by
// that fault, and restarts() counts only processes actually started again.
//
// A restart racing with the run's end leaves no process behind: a process is only started while
// the watch is not over() and the run not stopping, checked in the same synchronous turn as the
// spawn, which also hands the process to the run's list of launched processes. The run calls over()
// before it stops its processes (runArena's finally), so every process started is in the list
// stopAgents stops, and none is started after it was read.

import { STOP_GRACE_MS } from '../run/stopping-faults.js';
import { type LaunchedAgent, logFlushed } from './agent-launcher.js';

/** Lines of an agent's last output quoted when its process ends. */
const QUOTED_LINES = 8;

/** Where the watched agents' endings go (the run's fault log) and how connecting is tracked. */
export interface LaunchWatchTarget {
  hasConnected(agentId: string): boolean;
  stopWaitingFor(agentId: string): void;
  /** The agent's process ended during the run: its dropped stream is not waited for. */
  processGone(agentId: string): void;
  fault(agentId: string, kind: string, detail: string): void;
  /**
   * A process of the agent ended after it had connected (any end, also one started again after it):
   * its stream is gone with it, even one the arena has not seen close (GrpcGateway.processEnded).
   */
  processEnded?(agentId: string): void;
  /** The run is being stopped (Ctrl-C, SIGTERM): processes end because it is; none is restarted. */
  stopping?(): boolean;
  /**
   * After finishing(): whether the agent had its RunEnded written to its stream (its process then
   * ends as it should). Without it every process ending after finishing() ends as it should.
   */
  hadRunEnded?(agentId: string): boolean;
}

/** Starting agents' processes again (limits.agentRestarts). */
export interface RestartPolicy {
  /** Restarts allowed per agent and run (0: none, the process stays down). */
  limit: number;
  /**
   * Starts the agent's process again with `logLine` appended to its log; the process is in the
   * run's list of launched processes when this returns.
   */
  relaunch(agentId: string, logLine: string): LaunchedAgent;
  /** How long after a process ended the next one starts (default: STOP_GRACE_MS, see `restart`). */
  delayMs?: number;
}

export class LaunchWatch {
  private phase: 'connecting' | 'running' | 'finishing' | 'over' = 'connecting';
  /** Agents whose process ended before their hello. */
  readonly endedEarly = new Set<string>();
  /** Restarts per agent so far (processes started again, not counting the first). */
  private readonly restarted = new Map<string, number>();
  /** Restarts due (the process ended, the next one not yet started): agent → its attempt number. */
  private readonly due = new Map<string, number>();
  /** Agents whose last process ended and is not being started again. */
  private readonly down = new Set<string>();

  constructor(
    launched: readonly LaunchedAgent[],
    private readonly target: LaunchWatchTarget,
    private readonly policy: RestartPolicy = { limit: 0, relaunch: () => unreachable() },
  ) {
    for (const agent of launched) this.watch(agent);
  }

  /** How many times each launched agent's process was started again (agents never restarted: 0). */
  restarts(agentIds: readonly string[]): Record<string, number> {
    return Object.fromEntries(agentIds.map((id) => [id, this.restarted.get(id) ?? 0]));
  }

  private watch(agent: LaunchedAgent): void {
    agent.child.once('close', (code: number | null, signal: NodeJS.Signals | null) =>
      this.ended(agent, code, signal),
    );
  }

  /** The first decision point comes: a process ending from now on ends a playing agent. */
  running(): void {
    this.phase = 'running';
  }

  /**
   * The last decision point is over; the run tells the agents and waits for the final reports of
   * those whose stream was down. A process ending before its RunEnded is still started again.
   */
  finishing(): void {
    if (this.phase !== 'over') this.phase = 'finishing';
  }

  /**
   * Whether the agent may still (re)connect: false once its last process ended and is not being
   * started again (an agent started by hand, or not launched at all: true).
   */
  mayReturn(agentId: string): boolean {
    return !this.down.has(agentId);
  }

  /**
   * The run is over: processes end because it is. A restart still due is abandoned, and a
   * `restart-abandoned` fault says so (not when the run is being stopped: its processes' ends are
   * not faults then either).
   */
  over(): void {
    if (this.phase === 'over') return;
    this.phase = 'over';
    for (const [id, attempt] of this.due) {
      this.down.add(id);
      if (!this.target.stopping?.())
        this.target.fault(
          id,
          'restart-abandoned',
          `its process was not started again after all (restart ${attempt} of ${this.policy.limit} was due): the run was over first`,
        );
    }
    this.due.clear();
  }

  private ended(agent: LaunchedAgent, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.phase === 'over') return;
    const id = agent.agentId;
    if (!this.target.hasConnected(id)) {
      this.down.add(id);
      if (this.phase !== 'connecting') return; // already recorded as never-connected
      this.endedEarly.add(id);
      this.target.fault(id, 'exited-before-connecting', exitDetail(agent, code, signal, 'before connecting'));
      this.target.stopWaitingFor(id);
      return;
    }
    // Its stream went with it: one still looking open is closed, a RunEnded not yet confirmed on it
    // did not reach the agent (so hadRunEnded below says no, and the process is started again).
    this.target.processEnded?.(id);
    // After the last decision point a process that had its RunEnded (confirmed) ends as it should.
    if (this.phase === 'finishing' && (this.target.hadRunEnded?.(id) ?? true)) return;
    const when =
      this.phase === 'finishing'
        ? 'after the last decision point, before its final report'
        : 'during the run';
    const detail = exitDetail(agent, code, signal, when);
    const { limit } = this.policy;
    const done = this.restarted.get(id) ?? 0;
    if (done >= limit) {
      // Without a policy the line is what it always was; past the limit it says why it stays down.
      const why =
        limit === 0
          ? ''
          : `; not started again: limits.agentRestarts (${limit}) reached, it was restarted ${done} time(s)`;
      this.target.fault(id, 'process-exited', `${detail}${why}`);
      this.down.add(id);
      this.target.processGone(id);
      return;
    }
    this.target.fault(id, 'process-exited', `${detail}; starting it again (restart ${done + 1} of ${limit})`);
    this.due.set(id, done + 1);
    // Its stream is down: the open decision waits for the new process as for any dropped stream.
    void this.restart(agent, done + 1, code, signal);
  }

  /**
   * Starts the agent's process again once the one before has its last output in the log and the
   * run had the time to see its own stop: Ctrl-C reaches the agents' process group too, and their
   * ends may come a moment before the arena's signal handler (as in StoppingFaults).
   */
  private async restart(
    agent: LaunchedAgent,
    attempt: number,
    code: number | null,
    signal: string | null,
  ): Promise<void> {
    const id = agent.agentId;
    const { limit } = this.policy;
    await Promise.all([
      logFlushed(agent),
      new Promise((resolve) => setTimeout(resolve, this.policy.delayMs ?? STOP_GRACE_MS)),
    ]);
    // Checked in the same turn as the spawn below (see the file's head comment). Abandoned by
    // over(), which said so, or by the run's stop.
    if (this.phase === 'over' || this.due.get(id) !== attempt) return;
    if (this.target.stopping?.()) {
      this.due.delete(id);
      this.down.add(id);
      return;
    }
    const how = code !== null ? `code ${code}` : `signal ${signal}`;
    let next: LaunchedAgent;
    try {
      next = this.policy.relaunch(
        id,
        `--- ${new Date().toISOString()}: its process exited (${how}) during the run; restarted with the same token and command (restart ${attempt} of ${limit}) ---`,
      );
    } catch (err) {
      this.due.delete(id);
      this.down.add(id);
      this.target.fault(
        id,
        'restart-failed',
        `its process could not be started again: ${(err as Error).message}`,
      );
      this.target.processGone(id);
      return;
    }
    this.due.delete(id);
    this.restarted.set(id, attempt);
    this.watch(next);
    this.target.fault(
      id,
      'process-restarted',
      `started again with the same token and command (restart ${attempt} of ${limit}, pid ${next.child.pid ?? 'none'}); ` +
        `its resume point is kept in agents/${id}.state (a command's {state}); see agents/${id}.log`,
    );
  }
}

function unreachable(): never {
  throw new Error('no restart policy: no process is started again');
}

/**
 * How a launched agent's process ended (`code`, `signal` as in its 'close' event; a negative code:
 * it could not be started) and the last lines it wrote (its whole output is in its log).
 */
export function exitDetail(
  agent: LaunchedAgent,
  code: number | null,
  signal: string | null,
  when: string,
): string {
  const how =
    code !== null && code < 0
      ? 'could not be started'
      : `exited (${code !== null ? `code ${code}` : `signal ${signal}`}) ${when}`;
  const lines = agent
    .outputTail()
    .split('\n')
    .map((l) => l.trimEnd())
    // A JavaScript stack's frames are in the log; the quote keeps what the process said.
    .filter((l) => l.length > 0 && !/^\s+at /.test(l))
    .slice(-QUOTED_LINES);
  return (
    `its process ${how}; see agents/${agent.agentId}.log` +
    (lines.length > 0 ? `; its last output:\n${lines.join('\n')}` : '; it wrote nothing')
  );
}
