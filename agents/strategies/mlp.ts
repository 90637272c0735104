// The forward pass of a small dense network in plain JavaScript: what a trained policy runs in an
// agent process. The trainer's networks are TensorFlow.js models; their weights are exported
// into this format (row-major kernels, as tf.layers.dense stores them) and a test checks that
// both give the same outputs. No TensorFlow.js in the agent: microseconds per decision.

export type Activation = 'relu' | 'tanh' | 'linear';

export interface DenseLayer {
  inputs: number;
  outputs: number;
  activation: Activation;
  /** Kernel, row-major [inputs][outputs]. */
  weights: number[];
  bias: number[];
}

export interface MlpSpec {
  layers: DenseLayer[];
}

export class MlpFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MlpFormatError';
  }
}

/** Checks the shapes, activations and values of a network spec; throws naming the layer and field. */
export function validateMlp(spec: unknown): MlpSpec {
  const layers = (spec as MlpSpec | null)?.layers;
  if (!Array.isArray(layers) || layers.length === 0)
    throw new MlpFormatError('network.layers must be a non-empty array');
  layers.forEach((l, i) => {
    const at = `network.layers[${i}]`;
    if (!Number.isInteger(l?.inputs) || l.inputs < 1 || !Number.isInteger(l?.outputs) || l.outputs < 1)
      throw new MlpFormatError(`${at}.inputs/outputs must be integers >= 1`);
    if (!['relu', 'tanh', 'linear'].includes(l.activation))
      throw new MlpFormatError(`${at}.activation must be relu, tanh or linear, got ${String(l.activation)}`);
    if (!Array.isArray(l.weights) || l.weights.length !== l.inputs * l.outputs)
      throw new MlpFormatError(`${at}.weights must have inputs × outputs = ${l.inputs * l.outputs} numbers`);
    if (!Array.isArray(l.bias) || l.bias.length !== l.outputs)
      throw new MlpFormatError(`${at}.bias must have ${l.outputs} numbers`);
    if (![...l.weights, ...l.bias].every((x) => typeof x === 'number' && Number.isFinite(x)))
      throw new MlpFormatError(`${at} has a non-finite weight`);
    if (i > 0 && layers[i - 1]!.outputs !== l.inputs)
      throw new MlpFormatError(
        `${at}.inputs ${l.inputs} ≠ the previous layer's outputs ${layers[i - 1]!.outputs}`,
      );
  });
  return { layers };
}

/** A compiled network: Float64Array weights, one scratch buffer per layer. */
export class Mlp {
  private readonly w: Float64Array[];
  private readonly b: Float64Array[];
  private readonly out: Float64Array[];

  constructor(readonly spec: MlpSpec) {
    this.w = spec.layers.map((l) => Float64Array.from(l.weights));
    this.b = spec.layers.map((l) => Float64Array.from(l.bias));
    this.out = spec.layers.map((l) => new Float64Array(l.outputs));
  }

  get inputs(): number {
    return this.spec.layers[0]!.inputs;
  }

  get outputs(): number {
    return this.spec.layers[this.spec.layers.length - 1]!.outputs;
  }

  /** The network's output for one input vector (a fresh array). */
  forward(x: ArrayLike<number>): number[] {
    if (x.length !== this.inputs)
      throw new RangeError(`input has ${x.length} values, the network takes ${this.inputs}`);
    let input: ArrayLike<number> = x;
    this.spec.layers.forEach((l, k) => {
      const w = this.w[k]!;
      const o = this.out[k]!;
      o.set(this.b[k]!);
      for (let i = 0; i < l.inputs; i++) {
        const xi = input[i]!;
        if (xi === 0) continue;
        const row = i * l.outputs;
        for (let j = 0; j < l.outputs; j++) o[j]! += xi * w[row + j]!;
      }
      if (l.activation === 'relu') for (let j = 0; j < l.outputs; j++) o[j] = Math.max(o[j]!, 0);
      else if (l.activation === 'tanh') for (let j = 0; j < l.outputs; j++) o[j] = Math.tanh(o[j]!);
      input = o;
    });
    return Array.from(input);
  }
}
