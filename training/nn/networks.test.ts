import { beforeAll, describe, expect, it } from 'vitest';
import { Mlp } from '../../agents/strategies/index.js';
import { buildMlp, exportMlp, importMlp, softUpdate } from './networks.js';
import { initTf, tf } from './tf.js';

beforeAll(async () => {
  expect(await initTf('wasm')).toBe('wasm');
});

describe('networks on tfjs-wasm', () => {
  it('export to the plain-JS format gives the same outputs as tfjs (the deployed policy)', () => {
    const model = buildMlp({ inputs: 20, hidden: [32, 16], outputs: 3, output: 'tanh' }, 5);
    const spec = exportMlp(model);
    const js = new Mlp(spec);
    const x = Array.from({ length: 20 }, (_, i) => Math.sin(i) * 0.7);
    const tfOut = Array.from((model.predict(tf.tensor2d([x])) as tf.Tensor).dataSync());
    js.forward(x).forEach((v, i) => {
      expect(v).toBeCloseTo(tfOut[i]!, 5);
    });
    expect(spec.layers.map((l) => l.activation)).toEqual(['relu', 'relu', 'tanh']);
  });

  it('imports weights exactly and soft-updates targets', () => {
    const a = buildMlp({ inputs: 4, hidden: [8], outputs: 1, output: 'linear' }, 1);
    const b = buildMlp({ inputs: 4, hidden: [8], outputs: 1, output: 'linear' }, 2);
    expect(exportMlp(a)).not.toEqual(exportMlp(b));
    importMlp(b, exportMlp(a));
    expect(exportMlp(b)).toEqual(exportMlp(a));
    const c = buildMlp({ inputs: 4, hidden: [8], outputs: 1, output: 'linear' }, 3);
    const before = exportMlp(c).layers[0]!.weights[0]!;
    softUpdate(c, a, 0.5);
    const expected = 0.5 * exportMlp(a).layers[0]!.weights[0]! + 0.5 * before;
    expect(exportMlp(c).layers[0]!.weights[0]).toBeCloseTo(expected, 6);
  });
});
