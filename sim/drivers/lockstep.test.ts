// The lock-step loop stops between decision points when its signal is aborted (Ctrl-C on a run):
// the decision point in progress is finished, no further one starts, and the run does not end.
import { describe, expect, it } from 'vitest';
import type { WakeUp } from '../../gen/flexarena/v1/session.js';
import { parseRunConfig } from '../config/run-config.js';
import { Simulation } from '../core/simulation.js';
import { RecordingSink } from '../core/test-support.js';
import { LocalAgentPort } from './local-port.js';
import { runLockstep } from './lockstep.js';

/** A day with one agent "a" (its strategy is the test's port). */
function oneAgentRun(sinks: RecordingSink[]): Promise<Simulation> {
  const cfg = parseRunConfig({
    name: 'lockstep-stop',
    seed: 5,
    day: '2026-11-22',
    nats: { enabled: false },
    agents: [{ id: 'a', strategy: 'idle' }],
  });
  return Simulation.create(cfg, { runId: 'lockstep-stop', sinks });
}

describe('runLockstep', () => {
  it('stops after the decision point in progress when its signal is aborted', async () => {
    const tape = new RecordingSink();
    const sim = await oneAgentRun([tape]);
    const stop = new AbortController();
    const wakes: WakeUp[] = [];
    const agent = {
      name: 'stopper',
      decide(w: WakeUp) {
        wakes.push(w);
        if (wakes.length === 5) stop.abort('SIGTERM');
        return [];
      },
    };
    const run = runLockstep(sim, new Map([['a', new LocalAgentPort('a', agent)]]), { signal: stop.signal });
    await expect(run).rejects.toBe('SIGTERM');
    expect(wakes).toHaveLength(5);
    // The clock stayed at the fifth decision point: no further one was started.
    expect(sim.timeMs).toBe(wakes[4]!.timeMs);
    expect(tape.records.some((r) => r.type === 'run-end')).toBe(false);
  });

  it('does not start when its signal is aborted already', async () => {
    const sim = await oneAgentRun([]);
    await expect(runLockstep(sim, new Map(), { signal: AbortSignal.abort('SIGINT') })).rejects.toBe('SIGINT');
    expect(sim.timeMs).toBe(0);
  });
});
