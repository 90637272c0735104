// Behaviour cloning (seed 002 §4.3): a policy network trained to imitate a teacher — here the
// forecast heuristic of §4.1 — by regression on (observation, teacher action) pairs collected in
// the environment. Its weights warm-start TD3's or PPO's actor.
import type { MlpSpec } from '../../agents/strategies/index.js';
import { RandomStream } from '../../lib/index.js';
import { OBSERVATION_LABELS } from '../env/battery-env.js';
import type { Environment } from '../env/time-step.js';
import { StepType } from '../env/time-step.js';
import { buildMlp, exportMlp, variablesOf } from '../nn/networks.js';
import { tf } from '../nn/tf.js';

/**
 * Seed 002 §4.1 on the standard observation: if the average forecast price of the next hour
 * (entries 5–8) is above the current price (entry 4), charge fully (+1), else discharge fully (−1).
 * For a battery that may import (or a bare one); behind a plant see forecastHeuristicFor.
 */
export function forecastHeuristic(obs: ArrayLike<number>): number {
  const next = (obs[5]! + obs[6]! + obs[7]! + obs[8]!) / 4;
  return next > obs[4]! ? 1 : -1;
}

/** Index of the current generation (÷ the plant's peak) in the standard observation. */
const GENERATION_NOW = OBSERVATION_LABELS.standard.indexOf('generation');

/**
 * Seed 002 §4.1 for the environment's plant: rising prices charge the battery "completely" from
 * what the plant generates and sell only the rest — so without imports the charge is the
 * generation, up to the battery's power (the +1 of forecastHeuristic was an illegal import there,
 * penalised or ending the episode); falling prices discharge fully.
 */
export function forecastHeuristicFor(env: {
  allowImport: boolean;
  battery: { powerMw: number };
  generation: { peakMw: number };
}): (obs: ArrayLike<number>) => number {
  if (env.allowImport) return forecastHeuristic;
  const mwPerShare = env.generation.peakMw / env.battery.powerMw;
  return (obs) => {
    if (forecastHeuristic(obs) < 0) return -1;
    return Math.min(1, Math.max(0, obs[GENERATION_NOW]! * mwPerShare));
  };
}

export interface BcOptions {
  hidden?: number[];
  lr?: number;
  epochs?: number;
  batchSize?: number;
  seed?: number;
}

export interface BcResult {
  actor: MlpSpec;
  samples: number;
  /** Mean squared error against the teacher after each epoch. */
  losses: number[];
}

/** Collects `episodes` of teacher demonstrations and fits a tanh MLP to them. */
export async function behaviourCloning(
  env: Environment<number | ArrayLike<number>, Float32Array>,
  teacher: (obs: ArrayLike<number>) => number,
  episodes: number,
  options: BcOptions = {},
): Promise<BcResult> {
  const hidden = options.hidden ?? [64, 64];
  const size = env.observationSpec().shape[0]!;
  const obs: number[] = [];
  const act: number[] = [];
  for (let e = 0; e < episodes; e++) {
    let ts = env.reset();
    while (ts.stepType !== StepType.LAST) {
      const a = teacher(ts.observation);
      obs.push(...ts.observation);
      act.push(a);
      ts = env.step(a);
    }
  }
  const n = act.length;
  const seed = options.seed ?? 1;
  const model = buildMlp({ inputs: size, hidden, outputs: 1, output: 'tanh' }, seed);
  const opt = tf.train.adam(options.lr ?? 1e-3);
  const rng = new RandomStream('training.bc', seed);
  const batch = options.batchSize ?? 256;
  const X = tf.tensor2d(obs, [n, size]);
  const Y = tf.tensor2d(act, [n, 1]);
  const losses: number[] = [];
  for (let epoch = 0; epoch < (options.epochs ?? 20); epoch++) {
    const perm = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = rng.int(0, i);
      [perm[i], perm[j]] = [perm[j]!, perm[i]!];
    }
    for (let start = 0; start < n; start += batch) {
      tf.tidy(() => {
        const ids = tf.tensor1d(perm.slice(start, start + batch), 'int32');
        const x = X.gather(ids);
        const y = Y.gather(ids);
        opt.minimize(
          () => tf.losses.meanSquaredError(y, model.apply(x) as tf.Tensor) as tf.Scalar,
          false,
          variablesOf(model),
        );
      });
    }
    losses.push(tf.tidy(() => tf.losses.meanSquaredError(Y, model.predict(X) as tf.Tensor).dataSync()[0]!));
  }
  const actor = exportMlp(model);
  X.dispose();
  Y.dispose();
  model.dispose();
  opt.dispose();
  return { actor, samples: n, losses };
}
