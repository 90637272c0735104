// Agent faults (missed deadlines, disconnects, protocol violations) with wall-clock times, in a
// log of their own so they never leak into the deterministic tape.
import { appendFileSync } from 'node:fs';
import type { FaultLog } from '../../sim/core/agent-channel.js';

export class FileFaultLog implements FaultLog {
  count = 0;

  constructor(
    private readonly path: string,
    private readonly echo: (line: string) => void = () => {},
  ) {}

  fault(agentId: string, kind: string, detail: string): void {
    this.count++;
    const entry = { wallTime: new Date().toISOString(), agent: agentId, kind, detail };
    appendFileSync(this.path, `${JSON.stringify(entry)}\n`);
    this.echo(`agent fault: ${agentId} ${kind}: ${detail}`);
  }
}
