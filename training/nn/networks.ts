// Dense networks for the trainers: built with tf.layers, exported to the plain-JS format the
// deployed policy runs (agents/strategies/mlp.ts) and to checkpoints, and the target-network
// updates of DQN and TD3.
import type { Activation, DenseLayer, MlpSpec } from '../../agents/strategies/index.js';
import { tf } from './tf.js';

export interface MlpShape {
  inputs: number;
  hidden: readonly number[];
  outputs: number;
  /** Output activation: 'tanh' for a bounded action, 'linear' for values. */
  output: Activation;
}

/** A sequential MLP with relu hidden layers; weights drawn with tf's seeded Glorot initialiser. */
export function buildMlp(shape: MlpShape, seed: number): tf.Sequential {
  const model = tf.sequential();
  const sizes = [...shape.hidden, shape.outputs];
  sizes.forEach((units, i) => {
    const last = i === sizes.length - 1;
    model.add(
      tf.layers.dense({
        units,
        activation: last ? shape.output : 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed * 101 + i }),
        biasInitializer: 'zeros',
        ...(i === 0 ? { inputShape: [shape.inputs] } : {}),
      }),
    );
  });
  return model;
}

/** The network's weights in the plain-JS format (kernels row-major [inputs][outputs]). */
export function exportMlp(model: tf.LayersModel): MlpSpec {
  const layers: DenseLayer[] = model.layers.map((layer) => {
    const [kernel, bias] = layer.getWeights();
    const [inputs, outputs] = kernel!.shape as [number, number];
    const activation = (layer.getConfig().activation as string) ?? 'linear';
    return {
      inputs,
      outputs,
      activation: activation as Activation,
      weights: Array.from(kernel!.dataSync()),
      bias: Array.from(bias!.dataSync()),
    };
  });
  return { layers };
}

/** Sets a model's weights from the plain-JS format (checkpoints, warm starts). */
export function importMlp(model: tf.LayersModel, spec: MlpSpec): void {
  if (spec.layers.length !== model.layers.length)
    throw new RangeError(`weights have ${spec.layers.length} layers, the model ${model.layers.length}`);
  tf.tidy(() => {
    model.layers.forEach((layer, i) => {
      const l = spec.layers[i]!;
      layer.setWeights([tf.tensor2d(l.weights, [l.inputs, l.outputs]), tf.tensor1d(l.bias)]);
    });
  });
}

/** target ← τ·source + (1 − τ)·target for every weight (τ = 1: a copy). */
export function softUpdate(target: tf.LayersModel, source: tf.LayersModel, tau: number): void {
  tf.tidy(() => {
    const s = source.trainableWeights;
    target.trainableWeights.forEach((w, i) => {
      const v = (w as unknown as { val: tf.Variable }).val;
      const src = (s[i] as unknown as { val: tf.Variable }).val;
      v.assign(tau === 1 ? src : src.mul(tau).add(v.mul(1 - tau)));
    });
  });
}

/** The trainable variables of models, for optimizer.minimize. */
export function variablesOf(...models: tf.LayersModel[]): tf.Variable[] {
  return models.flatMap((m) => m.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val));
}

/**
 * An optimizer's state (Adam moments, iterations, and Adam's running β^t products, which
 * setWeights would recompute with pow and so differ in the last float bit from the live ones)
 * as plain arrays, and back: a resumed run continues bit for bit.
 */
export interface OptimizerState {
  weights: { name: string; shape: number[]; values: number[] }[];
  accBeta?: number[];
}

type WithAccBeta = { accBeta1?: tf.Variable; accBeta2?: tf.Variable };

export async function optimizerState(opt: tf.Optimizer): Promise<OptimizerState> {
  const ws = await opt.getWeights();
  const a = opt as unknown as WithAccBeta;
  return {
    weights: ws.map((w) => ({
      name: w.name,
      shape: w.tensor.shape,
      values: Array.from(w.tensor.dataSync()),
    })),
    ...(a.accBeta1 && a.accBeta2 ? { accBeta: [a.accBeta1.dataSync()[0]!, a.accBeta2.dataSync()[0]!] } : {}),
  };
}

export async function setOptimizerState(opt: tf.Optimizer, state: OptimizerState): Promise<void> {
  await opt.setWeights(state.weights.map((s) => ({ name: s.name, tensor: tf.tensor(s.values, s.shape) })));
  const a = opt as unknown as WithAccBeta;
  if (state.accBeta && a.accBeta1 && a.accBeta2) {
    a.accBeta1.assign(tf.scalar(state.accBeta[0]!));
    a.accBeta2.assign(tf.scalar(state.accBeta[1]!));
  }
}
