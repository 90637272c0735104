import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ParamError } from '../sdk/errors.js';
import { Mlp } from './mlp.js';
import { PolicyStrategy } from './policy.js';
import { POLICY_FORMAT } from './policy-file.js';
import { createStrategy } from './registry.js';
import { LoadStateError } from './strategy-state.js';
import { HOUR_MS, QH_MS } from './strategy-utils.js';
import { batteryAsset, DAY, forecasts, makeWakeUp, makeWelcome } from './test-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'policy-test-'));

/** A one-layer policy: tanh(w · price now − w · price next) — sells before a fall, buys before a rise. */
function writePolicy(overrides: Record<string, unknown> = {}, name = 'p.json'): string {
  const weights = new Array(20).fill(0);
  weights[4] = -5;
  weights[5] = 5;
  const doc = {
    format: POLICY_FORMAT,
    version: 1,
    method: 'test',
    observation: 'standard',
    priceScaleEur: 100,
    action: { kind: 'continuous' },
    network: { layers: [{ inputs: 20, outputs: 1, activation: 'tanh', weights, bias: [0] }] },
    ...overrides,
  };
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(doc));
  return path;
}

describe('policy strategy', () => {
  it('is registered and loads a policy file', () => {
    const s = createStrategy('policy', { checkpoint: writePolicy() }) as PolicyStrategy;
    expect(s.name).toBe('policy');
    const obs = new Array(20).fill(0.5);
    obs[5] = 0.9; // next quarter-hour dearer: charge
    expect(s.act(obs)).toBeGreaterThan(0.9);
    obs[5] = 0.1;
    expect(s.act(obs)).toBeLessThan(-0.9);
  });

  it('rejects bad files with a ParamError naming the field', () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ format: 'x' }, /format/],
      [{ observation: 'mini' }, /observation/],
      [
        { network: { layers: [{ inputs: 20, outputs: 1, activation: 'relu', weights: [1], bias: [0] }] } },
        /weights/,
      ],
      [{ action: { kind: 'discrete', values: [1, 2] } }, /action.values/],
      [
        { action: { kind: 'discrete', values: [2] } },
        /action.values must be battery shares within \[-1, 1\]/,
      ],
      [
        {
          network: {
            layers: [
              { inputs: 20, outputs: 2, activation: 'tanh', weights: new Array(40).fill(0), bias: [0, 0] },
            ],
          },
        },
        /network has 2 outputs; a continuous policy has 1 \(the battery share\)/,
      ],
      [
        {
          network: {
            layers: [
              { inputs: 20, outputs: 1, activation: 'softmax', weights: new Array(20).fill(0), bias: [0] },
            ],
          },
        },
        /activation/,
      ],
    ];
    bad.forEach(([o, re], i) => {
      const path = writePolicy(o, `bad${i}.json`);
      expect(() => new PolicyStrategy({ checkpoint: path })).toThrow(ParamError);
      expect(() => new PolicyStrategy({ checkpoint: path })).toThrow(re);
    });
    expect(() => new PolicyStrategy({ checkpoint: join(dir, 'missing.json') })).toThrow(/cannot read/);
    // Named as missing and required, not as zod's "expected string, received undefined".
    expect(() => new PolicyStrategy({})).toThrow(
      'strategy policy: params.checkpoint: missing: a required field (a string)',
    );
  });

  // The observation's history is the last forecast seen for each of the four quarter-hours before
  // the traded one: once they have left the forecasts, only the strategy knows them. A second
  // welcome (a reconnect in the same process) and a restart from the saved state keep them.
  it('keeps the forecasts it saw over a second welcome and through saveState/loadState', () => {
    const weights = new Array(20).fill(0);
    weights[0] = 5; // the price an hour before the traded quarter-hour
    weights[4] = -5;
    const checkpoint = writePolicy(
      { network: { layers: [{ inputs: 20, outputs: 1, activation: 'tanh', weights, bias: [0] }] } },
      'history.json',
    );
    const welcome = makeWelcome({ assets: [batteryAsset()] });
    const fresh = () => {
      const p = new PolicyStrategy({ checkpoint });
      p.onWelcome(welcome);
      return p;
    };
    const t0 = DAY + 8 * HOUR_MS;
    // 08:00: 08:15–10:00 in the forecasts, 08:15 dear; an hour later 09:15 is the traded one and
    // 08:15 has left the forecasts.
    const early = makeWakeUp({
      timeMs: t0,
      priceForecasts: forecasts(t0 + QH_MS, [20_000, ...new Array(7).fill(5_000)]),
    });
    const later = makeWakeUp({
      timeMs: t0 + HOUR_MS,
      priceForecasts: forecasts(t0 + HOUR_MS + QH_MS, new Array(4).fill(5_000)),
    });
    const s = fresh();
    s.decide(early);
    const saved = JSON.parse(JSON.stringify(s.saveState()));
    const restarted = new PolicyStrategy({ checkpoint });
    restarted.loadState(saved);
    restarted.onWelcome(welcome);
    expect(restarted.saveState()).toEqual(saved);
    s.onWelcome(welcome); // the SDK reconnecting
    const kept = s.decide(later);
    expect(kept.length).toBe(1);
    expect(restarted.decide(later)).toEqual(kept);
    // Without the history the same wake-up reads 09:15's own forecast for 08:15: no trade.
    expect(fresh().decide(later)).toEqual([]);
  });

  it('refuses a saved state of the wrong shape, naming the field', () => {
    const s = new PolicyStrategy({ checkpoint: writePolicy() });
    expect(() => s.loadState([1])).toThrow(LoadStateError);
    expect(() => s.loadState({ seenForecastTicks: { x: 5 } })).toThrow(
      /state\.seenForecastTicks must be keyed by delivery start in ms, got key "x"/,
    );
    expect(() => s.loadState({ seenForecastTicks: { '1795000000000': 'a' } })).toThrow(
      /state\.seenForecastTicks must be an object of numbers/,
    );
  });

  it('runs the dense forward pass layer by layer', () => {
    const net = new Mlp({
      layers: [
        { inputs: 2, outputs: 2, activation: 'relu', weights: [1, -1, 2, 1], bias: [0, 0.5] },
        { inputs: 2, outputs: 1, activation: 'linear', weights: [1, 2], bias: [-1] },
      ],
    });
    // h = relu([1·1 + 2·2, −1·1 + 1·2 + 0.5]) = [5, 1.5]; out = 5 + 3 − 1 = 7.
    expect(net.forward([1, 2])).toEqual([7]);
  });
});
