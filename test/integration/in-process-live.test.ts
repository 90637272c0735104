// An in-process run never waits on the network, so nothing forces its event loop to turn: before
// the driver yielded once per decision point, its public NATS messages (and its tape's gzip work)
// waited in memory until the run was over — a live subscriber saw nothing while the run ran. Here a
// subscriber in the same process must have received public messages by the time the run-end record
// passes through the output seam (a subscriber's callbacks need the same event loop turns).
// How many have arrived by then depends on the machine's load: the NATS thread runs at the lowest
// priority, so under a busy test suite it can trail the simulation by half the run (74 of 150 were
// seen once). Without the turns the count is zero, whatever the load.
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStrategy } from '../../agents/strategies/index.js';
import { runArena } from '../../arena/index.js';
import { type NatsServerHandle, startNatsServer } from '../../arena/nats/nats-server-launcher.js';
import { type LocalAgent, parseRunConfig, type RecordSink } from '../../sim/index.js';
import { demoConfig, tempDir } from '../helpers/arena-process.js';

let nats: NatsServerHandle;
beforeAll(async () => {
  nats = await startNatsServer();
});
afterAll(() => nats.stop());

describe('an in-process run', () => {
  it('publishes its public data while it runs, not after', async () => {
    const nc = await connect({ servers: nats.url });
    let received = 0;
    const sub = nc.subscribe('flexarena.*.clock', {
      callback: () => {
        received++;
      },
    });
    await nc.flush();

    const cfg = parseRunConfig(demoConfig({ nats: { url: nats.url }, outDir: tempDir() }));
    const local = new Map<string, LocalAgent>(
      cfg.agents.map((a) => [a.id, createStrategy(a.strategy, a.params)]),
    );
    const atRunEnd: number[] = [];
    const probe: RecordSink = {
      tape(r) {
        if (r.type === 'run-end') atRunEnd.push(received);
      },
    };
    const { results } = await runArena(cfg, { sinks: [probe], local, log: () => {} });
    await nc.flush();
    sub.unsubscribe();
    await nc.close();

    // One clock tick per decision point of the day (and the hours before it).
    expect(received).toBeGreaterThan(100);
    expect(results.stats.wakeUps).toBeGreaterThan(0);
    expect(atRunEnd).toHaveLength(1);
    // Some had arrived while the run was still going.
    expect(atRunEnd[0]).toBeGreaterThan(0);
  });
});
