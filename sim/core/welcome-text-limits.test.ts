// The Welcome's MarketSpec states the door's limits of ids, client_ref and curve points
// (max_id_bytes, max_client_ref_bytes, max_curve_points), so the SDKs check the limit this arena applies, not a copy of the default
// that a run with other door limits would contradict.
import { describe, expect, it } from 'vitest';
import { MAX_ID_BYTES } from '../../lib/index.js';
import { parseRunConfig } from '../config/run-config.js';
import { Simulation } from './simulation.js';

const cfg = () =>
  parseRunConfig({
    name: 'welcome-text-limits',
    seed: 1,
    day: '2026-11-22',
    nats: { enabled: false },
    agents: [{ id: 'a', strategy: 'idle' }],
  });

describe('the Welcome states the door limits of ids and client_ref', () => {
  it('the default ones', async () => {
    const sim = await Simulation.create(cfg(), { runId: 'w1', sinks: [] });
    const market = sim.welcome('a').market!;
    expect([market.maxIdBytes, market.maxClientRefBytes]).toEqual([MAX_ID_BYTES, MAX_ID_BYTES]);
    expect(market.maxCurvePoints).toBe(200);
    expect(sim.marketSpec()).toBe(market);
  });

  it("a run's own, the ones its door applies", async () => {
    const sim = await Simulation.create(cfg(), {
      runId: 'w2',
      sinks: [],
      door: { maxIdLength: 20, maxClientRefLength: 12, maxCurvePoints: 7 },
    });
    expect(sim.welcome('a').market).toMatchObject({
      maxIdBytes: 20,
      maxClientRefBytes: 12,
      maxCurvePoints: 7,
    });
    expect(sim.doorLimits.maxCurvePoints).toBe(7);
    expect([sim.doorLimits.maxIdLength, sim.doorLimits.maxClientRefLength]).toEqual([20, 12]);
  });
});
