// Agents leaving while a run stops are the stop, not agent faults. Ctrl-C in a terminal reaches the
// whole process group: the agent processes end from the same SIGINT as the arena, and their
// dropped streams and ended processes may be seen a moment before the arena's own signal handler
// runs. So a disconnect or a process's end is reported a moment late, and not at all once the run
// is stopping; every other fault goes through at once.

/** Kinds of fault that a stopping run causes itself. */
const LEAVING = new Set(['disconnected', 'process-exited', 'exited-before-connecting']);

/** How long a leaving agent's fault waits for the run's own stop (a signal handler's turn). */
export const STOP_GRACE_MS = 250;

export type FaultWriter = (agentId: string, kind: string, detail: string) => void;

export class StoppingFaults {
  private readonly pending = new Set<{ timer: NodeJS.Timeout; write: () => void }>();

  constructor(
    private readonly write: FaultWriter,
    private readonly stopping: () => boolean,
    private readonly graceMs = STOP_GRACE_MS,
  ) {}

  readonly fault: FaultWriter = (agentId, kind, detail) => {
    if (!LEAVING.has(kind)) return this.write(agentId, kind, detail);
    if (this.stopping()) return;
    const entry = {
      write: () => {
        this.pending.delete(entry);
        if (!this.stopping()) this.write(agentId, kind, detail);
      },
      timer: setTimeout(() => entry.write(), this.graceMs),
    };
    entry.timer.unref();
    this.pending.add(entry);
  };

  /** Writes what still waits (unless the run is stopping): call before the fault log closes. */
  flush(): void {
    for (const entry of [...this.pending]) {
      clearTimeout(entry.timer);
      entry.write();
    }
  }
}
