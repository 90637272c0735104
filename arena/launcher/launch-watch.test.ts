import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { LaunchedAgent } from './agent-launcher.js';
import { LaunchWatch, type LaunchWatchTarget } from './launch-watch.js';

/** A launched agent whose process the test ends ('close', as Node reports it). */
function fakeAgent(agentId: string, pid: number): LaunchedAgent & { end(signal?: string): void } {
  const child = Object.assign(new EventEmitter(), { pid, exitCode: null, signalCode: null });
  return {
    agentId,
    child: child as unknown as ChildProcess,
    outputTail: () => 'last words\n',
    logWritten: Promise.resolve(),
    end: (signal = 'SIGKILL') => child.emit('close', null, signal),
  };
}

function target(stopping = () => false) {
  const faults: { kind: string; detail: string }[] = [];
  const gone: string[] = [];
  const t: LaunchWatchTarget = {
    hasConnected: () => true,
    stopWaitingFor: () => {},
    processGone: (id) => gone.push(id),
    fault: (_id, kind, detail) => faults.push({ kind, detail }),
    stopping,
  };
  return { t, faults, gone };
}

const tick = (ms = 20) => new Promise((r) => setTimeout(r, ms));

describe('LaunchWatch restarts', () => {
  it('without a policy leaves an ended process down, as before', () => {
    const first = fakeAgent('a', 1);
    const { t, faults, gone } = target();
    const watch = new LaunchWatch([first], t);
    watch.running();
    first.end();
    expect(faults).toHaveLength(1);
    expect(faults[0]!.kind).toBe('process-exited');
    expect(faults[0]!.detail).toMatch(
      /exited \(signal SIGKILL\) during the run; see agents\/a\.log; its last output:\nlast words$/,
    );
    expect(gone).toEqual(['a']);
    expect(watch.restarts(['a'])).toEqual({ a: 0 });
  });

  it('starts a process again up to the limit, then leaves the agent down saying the limit was reached', async () => {
    const processes = [fakeAgent('a', 1), fakeAgent('a', 2), fakeAgent('a', 3)];
    const lines: string[] = [];
    let next = 1;
    const { t, faults, gone } = target();
    const watch = new LaunchWatch([processes[0]!], t, {
      limit: 2,
      delayMs: 0,
      relaunch: (_id, line) => {
        lines.push(line);
        return processes[next++]!;
      },
    });
    watch.running();
    processes[0]!.end();
    // Its stream is down, not gone: the open decision waits for the new process.
    expect(gone).toEqual([]);
    await tick();
    processes[1]!.end('SIGTERM');
    await tick();
    processes[2]!.end();
    await tick();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /its process exited \(signal SIGKILL\) during the run; restarted .*\(restart 1 of 2\) ---$/,
    );
    expect(lines[1]).toMatch(/exited \(signal SIGTERM\).*\(restart 2 of 2\)/);
    expect(faults.map((f) => f.kind)).toEqual([
      'process-exited',
      'process-restarted',
      'process-exited',
      'process-restarted',
      'process-exited',
    ]);
    expect(faults[0]!.detail).toMatch(/; starting it again \(restart 1 of 2\)$/);
    expect(faults[1]!.detail).toMatch(
      /^started again with the same token and command \(restart 1 of 2, pid 2\)/,
    );
    expect(faults[4]!.detail).toMatch(
      /; not started again: limits\.agentRestarts \(2\) reached, it was restarted 2 time\(s\)$/,
    );
    expect(gone).toEqual(['a']);
    expect(watch.restarts(['a', 'b'])).toEqual({ a: 2, b: 0 });
  });

  it('starts nothing once the run is over, also for a process that ended just before', async () => {
    const first = fakeAgent('a', 1);
    let relaunched = 0;
    const { t } = target();
    const watch = new LaunchWatch([first], t, {
      limit: 3,
      delayMs: 10,
      relaunch: () => {
        relaunched++;
        return fakeAgent('a', 2);
      },
    });
    watch.running();
    first.end();
    // The run ends while the restart waits for the log and the stop's grace: nothing is started,
    // so nothing can outlive the stopAgents that follows over().
    watch.over();
    await tick(40);
    expect(relaunched).toBe(0);
    expect(watch.restarts(['a'])).toEqual({ a: 0 });
  });

  it('says so when over() abandons a restart that was due, and counts it as none', async () => {
    const first = fakeAgent('a', 1);
    const { t, faults } = target();
    const watch = new LaunchWatch([first], t, {
      limit: 2,
      delayMs: 10,
      relaunch: () => fakeAgent('a', 2),
    });
    watch.running();
    first.end();
    expect(watch.mayReturn('a')).toBe(true);
    watch.over();
    await tick(40);
    expect(faults.map((f) => f.kind)).toEqual(['process-exited', 'restart-abandoned']);
    expect(faults[0]!.detail).toMatch(/; starting it again \(restart 1 of 2\)$/);
    expect(faults[1]!.detail).toBe(
      'its process was not started again after all (restart 1 of 2 was due): the run was over first',
    );
    expect(watch.mayReturn('a')).toBe(false);
    expect(watch.restarts(['a'])).toEqual({ a: 0 });
  });

  it('while the run waits for final reports: a restart that was due happens, and a process ending before its RunEnded is started again', async () => {
    const processes = [fakeAgent('a', 1), fakeAgent('a', 2), fakeAgent('a', 3)];
    let next = 1;
    const told = new Set<string>();
    const { t, faults } = target();
    t.hadRunEnded = (id) => told.has(id);
    const watch = new LaunchWatch([processes[0]!], t, {
      limit: 2,
      delayMs: 10,
      relaunch: () => processes[next++]!,
    });
    watch.running();
    processes[0]!.end();
    // The last decision point is over a moment later, before the restart's delay has passed.
    watch.finishing();
    await tick(40);
    expect(next).toBe(2);
    expect(watch.mayReturn('a')).toBe(true);
    // The new process dies before its final report reached it: started again.
    processes[1]!.end();
    await tick(40);
    expect(next).toBe(3);
    // Its successor had its RunEnded and ends: as it should, no fault.
    told.add('a');
    processes[2]!.end('SIGTERM');
    watch.over();
    expect(faults.map((f) => f.kind)).toEqual([
      'process-exited',
      'process-restarted',
      'process-exited',
      'process-restarted',
    ]);
    expect(faults[2]!.detail).toMatch(
      /exited \(signal SIGKILL\) after the last decision point, before its final report; .*starting it again \(restart 2 of 2\)$/s,
    );
    expect(watch.restarts(['a'])).toEqual({ a: 2 });
  });

  it('tells whether an agent may still come back: not once its process is down for good', () => {
    const first = fakeAgent('a', 1);
    const { t } = target();
    const watch = new LaunchWatch([first], t);
    watch.running();
    expect(watch.mayReturn('a')).toBe(true);
    first.end();
    expect(watch.mayReturn('a')).toBe(false);
    // An agent started by hand (not watched) may always come back.
    expect(watch.mayReturn('b')).toBe(true);
  });

  it('starts nothing while the run is being stopped (Ctrl-C ends the agents too)', async () => {
    const first = fakeAgent('a', 1);
    let stopping = false;
    let relaunched = 0;
    const { t } = target(() => stopping);
    const watch = new LaunchWatch([first], t, {
      limit: 3,
      delayMs: 10,
      relaunch: () => {
        relaunched++;
        return fakeAgent('a', 2);
      },
    });
    watch.running();
    first.end('SIGINT');
    stopping = true; // the arena's own signal handler runs a moment after the agent ended
    await tick(40);
    expect(relaunched).toBe(0);
  });

  it('says so when the process cannot be started again, and leaves the agent down', async () => {
    const first = fakeAgent('a', 1);
    const { t, faults, gone } = target();
    const watch = new LaunchWatch([first], t, {
      limit: 1,
      delayMs: 0,
      relaunch: () => {
        throw new Error('agents/a.log: cannot write agent a’s log: ENOSPC');
      },
    });
    watch.running();
    first.end();
    await tick();
    expect(faults.map((f) => f.kind)).toEqual(['process-exited', 'restart-failed']);
    expect(faults[1]!.detail).toMatch(/could not be started again: .*ENOSPC/);
    expect(gone).toEqual(['a']);
  });
});
