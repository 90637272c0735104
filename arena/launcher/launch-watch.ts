// What the arena says when a process it launched for an agent ends while the agent should be
// playing: before its hello (a crash at start, a command that does not exist) the agent is not
// waited for until connectTimeoutMs — up to ten minutes in a configuration for a busy machine — and
// the fault says how the process ended, in its own last words; during the run the same is said
// beside the disconnect the gateway reports, and its decisions are no longer waited for (they
// count as missed at once, as they would after each deadline). After the run, processes end as
// they should.
import type { LaunchedAgent } from './agent-launcher.js';

/** Lines of an agent's last output quoted when its process ends. */
const QUOTED_LINES = 8;

/** Where the watched agents' endings go (the run's fault log) and how connecting is tracked. */
export interface LaunchWatchTarget {
  hasConnected(agentId: string): boolean;
  stopWaitingFor(agentId: string): void;
  /** The agent's process ended during the run: its dropped stream is not waited for. */
  processGone(agentId: string): void;
  fault(agentId: string, kind: string, detail: string): void;
}

export class LaunchWatch {
  private phase: 'connecting' | 'running' | 'over' = 'connecting';
  /** Agents whose process ended before their hello. */
  readonly endedEarly = new Set<string>();

  constructor(
    launched: readonly LaunchedAgent[],
    private readonly target: LaunchWatchTarget,
  ) {
    for (const agent of launched)
      agent.child.once('close', (code: number | null, signal: NodeJS.Signals | null) =>
        this.ended(agent, code, signal),
      );
  }

  /** The first decision point comes: a process ending from now on ends a playing agent. */
  running(): void {
    this.phase = 'running';
  }

  /** The run is over: processes end because it is. */
  over(): void {
    this.phase = 'over';
  }

  private ended(agent: LaunchedAgent, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.phase === 'over') return;
    const id = agent.agentId;
    if (!this.target.hasConnected(id)) {
      if (this.phase !== 'connecting') return; // already recorded as never-connected
      this.endedEarly.add(id);
      this.target.fault(id, 'exited-before-connecting', exitDetail(agent, code, signal, 'before connecting'));
      this.target.stopWaitingFor(id);
      return;
    }
    this.target.fault(id, 'process-exited', exitDetail(agent, code, signal, 'during the run'));
    this.target.processGone(id);
  }
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
