import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ParamError } from '../sdk/errors.js';
import { Mlp } from './mlp.js';
import { PolicyStrategy } from './policy.js';
import { POLICY_FORMAT } from './policy-file.js';
import { createStrategy } from './registry.js';

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
    expect(() => new PolicyStrategy({})).toThrow(/checkpoint/);
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
