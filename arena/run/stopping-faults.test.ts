import { describe, expect, it } from 'vitest';
import { StoppingFaults } from './stopping-faults.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function setup() {
  const written: string[] = [];
  let stopping = false;
  const faults = new StoppingFaults(
    (a, kind) => written.push(`${a} ${kind}`),
    () => stopping,
    20,
  );
  return { written, faults, stop: () => (stopping = true) };
}

describe('StoppingFaults', () => {
  it('writes other faults at once, and a leaving agent a moment later while the run goes on', async () => {
    const { written, faults } = setup();
    faults.fault('a', 'missed-deadline', 'x');
    faults.fault('b', 'disconnected', 'stream ended by agent');
    expect(written).toEqual(['a missed-deadline']);
    await sleep(60);
    expect(written).toEqual(['a missed-deadline', 'b disconnected']);
  });

  it('drops a leaving agent when the run stops within the grace (Ctrl-C reached the agent first)', async () => {
    const { written, faults, stop } = setup();
    faults.fault('a', 'process-exited', 'its process exited (signal SIGINT)');
    stop();
    faults.fault('b', 'disconnected', 'call cancelled');
    faults.fault('c', 'strategy-error', 'boom');
    await sleep(60);
    expect(written).toEqual(['c strategy-error']);
  });

  it('flush writes what waits, unless the run is stopping', () => {
    const first = setup();
    first.faults.fault('a', 'exited-before-connecting', 'code 1');
    first.faults.flush();
    expect(first.written).toEqual(['a exited-before-connecting']);
    const second = setup();
    second.faults.fault('a', 'exited-before-connecting', 'code 1');
    second.stop();
    second.faults.flush();
    expect(second.written).toEqual([]);
  });
});
