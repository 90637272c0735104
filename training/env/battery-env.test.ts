import { describe, expect, it } from 'vitest';
import { NamedRng } from '../../lib/index.js';
import { consecutiveDays, createWorld } from '../../sim/index.js';
import { BatteryEnv } from './battery-env.js';
import { EnvironmentUsageError, StepType, type TimeStep } from './time-step.js';

const days = { start: '2024-05-01', count: 3 };

function rollout(env: BatteryEnv, policy: (t: number) => number | number[]): TimeStep[] {
  const out = [env.reset()];
  for (let t = 0; out[out.length - 1]!.stepType !== StepType.LAST; t++) out.push(env.step(policy(t)));
  return out;
}

describe('BatteryEnv', () => {
  it('runs one day per episode: FIRST, 95 MID, LAST with discount 0, observations of the spec', () => {
    const env = new BatteryEnv({ days, difficulty: 'clean' });
    const steps = rollout(env, () => 0);
    expect(steps).toHaveLength(97);
    expect(steps[0]!.stepType).toBe(StepType.FIRST);
    expect(steps.slice(1, -1).every((s) => s.stepType === StepType.MID && s.discount === 1)).toBe(true);
    expect(steps[96]!.stepType).toBe(StepType.LAST);
    expect(steps[96]!.discount).toBe(0);
    expect(env.observationSpec().shape).toEqual([20]);
    for (const s of steps) expect(s.observation).toHaveLength(20);
    // Observations stay valid after later steps (views of slabs that are never overwritten).
    const first = Array.from(steps[0]!.observation);
    rollout(env, () => 0.5);
    expect(Array.from(steps[0]!.observation)).toEqual(first);
  });

  it('is seeded: the same config gives the same trajectory, another seed other days', () => {
    const run = (seed: number) => {
      const env = new BatteryEnv({ days: { start: '2024-05-01', count: 20 }, seed });
      return [0, 1, 2].map(() => rollout(env, (t) => Math.sin(t) * 0.8).map((s) => s.reward));
    };
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
  });

  it('pays the world price for the metered export (revenue reward), the same price path a run uses', () => {
    const env = new BatteryEnv({
      days,
      reward: 'revenue',
      difficulty: 'spikes',
      episodeOrder: 'sequential',
      worldSeed: 5,
    });
    const world = createWorld(
      { difficulty: 'spikes' },
      new NamedRng(5),
      consecutiveDays(days.start, days.count),
    );
    env.reset();
    for (let t = 0; t < 96; t++) {
      const ts = env.step(t % 2 ? 0.4 : -0.4);
      const price = world.realised(t).priceTicks / 100;
      expect(env.info.priceEur).toBe(price);
      expect(ts.reward).toBeCloseTo((price * env.info.exportKwh) / 1000, 9);
    }
  });

  it('turns malformed actions into typed rejections, idles the battery and goes on', () => {
    const env = new BatteryEnv({ days, difficulty: 'clean' });
    env.reset();
    const soc = () => env.info.socMwh;
    env.step(0);
    const before = soc();
    for (const [action, code, field] of [
      [Number.NaN, 'non-finite', 'action'],
      [2, 'out-of-bounds', 'action'],
      [[0.1, 0.2], 'shape', 'action'],
      [[Number.POSITIVE_INFINITY], 'non-finite', 'action'],
    ] as const) {
      const ts = env.step(action as number);
      expect(ts.stepType).toBe(StepType.MID);
      expect(ts.rejections[0]).toMatchObject({ code, field });
      expect(ts.rejections[0]!.limit).not.toBe('');
      expect(soc()).toBe(before);
      expect(ts.reward).toBeLessThan(env.info.revenueEur / (10 * 0.25 * 100) + 1e-9 - 0.5);
    }
  });

  it('seed 002 illegal actions: terminate ends a training episode, ignore disconnects, clip does what it can', () => {
    const full = { days, allowImport: true, battery: { socInitial: 1 }, generation: { peakMw: 0 } };
    const term = new BatteryEnv({ ...full, illegal: 'terminate' });
    term.reset();
    const ts = term.step(1);
    expect(ts.stepType).toBe(StepType.LAST);
    expect(ts.discount).toBe(0);
    expect(ts.rejections[0]!.code).toBe('charge-limit');
    expect(() => term.step(0)).toThrow(EnvironmentUsageError);
    const ign = new BatteryEnv({ ...full, illegal: 'ignore', battery: { socInitial: 0.9 } });
    ign.reset();
    const r = ign.step(1);
    expect(r.stepType).toBe(StepType.MID);
    expect(r.rejections[0]!.code).toBe('charge-limit');
    expect(ign.info.batteryKwh).toBe(0);
    const clip = new BatteryEnv({ ...full, illegal: 'clip', battery: { socInitial: 0.9 } });
    clip.reset();
    clip.step(1);
    expect(clip.info.batteryKwh).toBeGreaterThan(0);
    expect(clip.info.socMwh).toBeCloseTo(20, 2); // whole-kWh metering
  });

  it('discrete seed 003 actions: a violating action is replaced and penalised', () => {
    const env = new BatteryEnv({
      days,
      action: 'discrete',
      observation: 'seed003',
      reward: 'revenue-penalty',
      penaltyEur: 500,
      allowImport: true,
      battery: { socInitial: 1 },
    });
    expect(env.actionSpec()).toMatchObject({ kind: 'discrete', n: 5, values: [-1, -0.5, 0, 0.5, 1] });
    env.reset();
    const ts = env.step(4); // charge fully at a full battery
    expect(ts.rejections[0]!.code).toBe('soc-violation');
    expect(env.info.executed).not.toBe(1);
    expect(ts.reward).toBeCloseTo(env.info.revenueEur - 500, 9);
    expect(env.step(2.5).rejections[0]!.code).toBe('not-an-index');
  });

  it('offers the observation and reward variants of seed 002 §3.2', () => {
    const sizes = { mini: 4, standard: 20, noisy: 20, seed003: 7 } as const;
    for (const [observation, n] of Object.entries(sizes)) {
      const env = new BatteryEnv({ days, observation: observation as keyof typeof sizes });
      expect(env.reset().observation).toHaveLength(n);
    }
    const std = new BatteryEnv({ days, observation: 'standard', difficulty: 'clean' });
    const noisy = new BatteryEnv({ days, observation: 'noisy', difficulty: 'clean' });
    const a = Array.from(std.reset().observation);
    const b = Array.from(noisy.reset().observation);
    const changed = a.map((x, i) => (Math.abs(x - b[i]!) > 1e-6 ? i : -1)).filter((i) => i >= 0);
    // Only forecast entries (price[+1..4] = 5..8, generation[+1..4] = 14..17) carry the extra noise.
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.every((i) => (i >= 5 && i <= 8) || (i >= 14 && i <= 17))).toBe(true);
    const survival = new BatteryEnv({ days, reward: 'survival', illegal: 'ignore' });
    survival.reset();
    expect(survival.step(0).reward).toBe(1);
    expect(survival.step(Number.NaN).reward).toBe(-1);
    const scaled = new BatteryEnv({ days, reward: 'scaled', rewardScaleEur: 50 });
    scaled.reset();
    const r = scaled.step(-0.2);
    expect(scaled.info.revenueEur).not.toBe(0);
    expect(r.reward).toBeCloseTo(scaled.info.revenueEur / 50, 12);
  });

  it('curriculum: setDifficulty moves the next episode to the world of that level', () => {
    const env = new BatteryEnv({
      days,
      difficulty: 'clean',
      reward: 'revenue',
      generation: { peakMw: 0 },
      allowImport: true,
    });
    const prices = () => {
      env.reset(0);
      const p: number[] = [];
      for (let t = 0; t < 96; t++) {
        env.step(0);
        p.push(env.info.priceEur);
      }
      return p;
    };
    const clean = prices();
    env.setDifficulty('spikes');
    expect(env.difficulty).toBe('spikes');
    expect(prices()).not.toEqual(clean);
  });

  // A level outside the list failed at the next reset as "world.difficulty" and stayed set; a seed
  // outside [0, 2^31 − 1] or not an integer drew what another seed draws (NaN as 0, 1.5 as 1).
  it('refuses an unknown difficulty level and a seed that is not one, naming them', () => {
    const env = new BatteryEnv({ days });
    expect(() => env.setDifficulty('bogus' as never)).toThrow(
      'difficulty must be one of clean, noise, spikes, forecast-errors, got "bogus"',
    );
    expect(env.difficulty).toBe('noise');
    for (const s of [Number.NaN, 1.5, -1, 2 ** 31])
      expect(() => env.reseed(s)).toThrow(`seed must be an integer in [0, 2147483647], got ${s}`);
    env.reseed(7);
    expect(env.reset().stepType).toBe(StepType.FIRST);
  });

  it('names env.days.count when the day list runs past the last day there is (it failed at reset)', () => {
    expect(() => new BatteryEnv({ days: { start: '9999-12-31', count: 5 } })).toThrow(
      /env\.days\.count: at most 1 from 9999-12-31/,
    );
  });

  // The twin clips a legal action within 1 kWh of the headroom (whole-kWh metering) by design; the
  // step said nothing of it (no rejection, and the info had no field for it).
  it('reports in its info an action the battery clipped, legal or not', () => {
    const full = { days, allowImport: true, battery: { socInitial: 1 }, generation: { peakMw: 0 } };
    const env = new BatteryEnv({ ...full, illegal: 'clip' });
    env.reset();
    const ts = env.step(0.0004); // 1 kWh of charge into a full battery: within the tolerance
    expect(ts.rejections).toEqual([]);
    expect(env.info).toMatchObject({ illegal: false, clipped: true, batteryKwh: 0 });
    env.step(0);
    expect(env.info.clipped).toBe(false);
    env.step(1); // beyond it: illegal, clipped to nothing, and rejected
    expect(env.info).toMatchObject({ illegal: true, clipped: true });
  });
});
