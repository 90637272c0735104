// TD3 (Fujimoto et al. 2018; seed 002 §4.2 eqs. 1–2) for the continuous battery action, on
// TensorFlow.js (wasm): two critics and their targets, y = r + γ·d·min_i Q'_i(s', π'(s') + ε)
// with clipped target-policy noise ε, actor updates every `policyDelay` critic updates by
// maximising Q_1(s, π(s)), soft target updates (τ). Acting uses a plain-JS copy of the actor
// (refreshed after every actor update): an action costs microseconds instead of a tf call.
import { Mlp, type MlpSpec } from '../../agents/strategies/index.js';
import { RandomStream } from '../../lib/index.js';
import {
  buildMlp,
  exportMlp,
  importMlp,
  optimizerState,
  setOptimizerState,
  softUpdate,
  variablesOf,
} from '../nn/networks.js';
import { type Batch, ReplayBuffer } from '../nn/replay-buffer.js';
import { tf } from '../nn/tf.js';
import { gradientStepDue } from './off-policy-schedule.js';

export interface Td3Options {
  hidden?: number[];
  actorLr?: number;
  criticLr?: number;
  gamma?: number;
  tau?: number;
  policyNoise?: number;
  noiseClip?: number;
  policyDelay?: number;
  explorationNoise?: number;
  batchSize?: number;
  bufferSize?: number;
  /** Uniformly random actions for this many steps before the policy acts. */
  startSteps?: number;
  /** One gradient step per this many environment steps. */
  trainEvery?: number;
  seed?: number;
}

const DEFAULTS: Required<Td3Options> = {
  hidden: [64, 64],
  actorLr: 1e-3,
  criticLr: 1e-3,
  gamma: 0.99,
  tau: 0.005,
  policyNoise: 0.2,
  noiseClip: 0.5,
  policyDelay: 2,
  explorationNoise: 0.1,
  batchSize: 128,
  bufferSize: 100_000,
  startSteps: 2_000,
  trainEvery: 4,
  seed: 1,
};

export class Td3 {
  readonly opts: Required<Td3Options>;
  readonly actor: tf.Sequential;
  private readonly actorT: tf.Sequential;
  private readonly critics: tf.Sequential[];
  private readonly criticsT: tf.Sequential[];
  private readonly actorOpt: tf.Optimizer;
  private readonly criticOpt: tf.Optimizer;
  private buffer: ReplayBuffer;
  private mirrorCache: Mlp | undefined;
  private rng: RandomStream;
  private batch?: Batch;
  updates = 0;
  envSteps = 0;

  constructor(
    readonly obsSize: number,
    readonly actionSize: number,
    options: Td3Options = {},
  ) {
    this.opts = { ...DEFAULTS, ...options };
    const o = this.opts;
    const actorShape = { inputs: obsSize, hidden: o.hidden, outputs: actionSize, output: 'tanh' as const };
    const criticShape = {
      inputs: obsSize + actionSize,
      hidden: o.hidden,
      outputs: 1,
      output: 'linear' as const,
    };
    this.actor = buildMlp(actorShape, o.seed);
    this.actorT = buildMlp(actorShape, o.seed);
    this.critics = [buildMlp(criticShape, o.seed + 1), buildMlp(criticShape, o.seed + 2)];
    this.criticsT = [buildMlp(criticShape, o.seed + 1), buildMlp(criticShape, o.seed + 2)];
    softUpdate(this.actorT, this.actor, 1);
    this.critics.forEach((c, i) => {
      softUpdate(this.criticsT[i]!, c, 1);
    });
    this.actorOpt = tf.train.adam(o.actorLr);
    this.criticOpt = tf.train.adam(o.criticLr);
    this.buffer = new ReplayBuffer(o.bufferSize, obsSize, actionSize);
    this.rng = new RandomStream('training.td3', o.seed);
  }

  /** Re-keys the trainer's stream (at every checkpoint; see the train runner). */
  reseed(seed: number): void {
    this.rng = new RandomStream('training.td3', seed);
  }

  get replaySize(): number {
    return this.buffer.size;
  }

  /** The plain-JS copy of the actor, rebuilt lazily after actor updates (only when acting). */
  private get mirror(): Mlp {
    this.mirrorCache ??= new Mlp(exportMlp(this.actor));
    return this.mirrorCache;
  }

  /** The deterministic action π(s) (plain-JS actor copy). */
  policy(obs: ArrayLike<number>): number[] {
    return this.mirror.forward(obs);
  }

  /** The exploring action: uniform before startSteps, then π(s) + N(0, σ) clipped to [−1, 1]. */
  explore(obs: ArrayLike<number>): number[] {
    if (this.envSteps < this.opts.startSteps)
      return Array.from({ length: this.actionSize }, () => 2 * this.rng.next() - 1);
    return this.policy(obs).map((a) =>
      Math.max(-1, Math.min(1, a + this.opts.explorationNoise * this.rng.normal())),
    );
  }

  /** Records a transition; trains when due. Returns true if a gradient step was taken. */
  observe(
    obs: ArrayLike<number>,
    action: ArrayLike<number>,
    reward: number,
    discount: number,
    next: ArrayLike<number>,
  ): boolean {
    this.buffer.add(obs, action, reward, discount, next);
    this.envSteps++;
    if (gradientStepDue(this.envSteps, this.buffer.size, this.opts)) {
      this.update();
      return true;
    }
    return false;
  }

  /** One TD3 gradient step on a batch sampled from the replay buffer. */
  update(): void {
    const o = this.opts;
    this.batch = this.buffer.sample(o.batchSize, this.rng, this.batch);
    const b = this.batch;
    const n = b.size;
    const noiseSeed = this.rng.int(0, 2 ** 31 - 1);
    tf.tidy(() => {
      const s = tf.tensor2d(b.obs, [n, this.obsSize]);
      const a = tf.tensor2d(b.action, [n, this.actionSize]);
      const r = tf.tensor2d(b.reward, [n, 1]);
      const d = tf.tensor2d(b.discount, [n, 1]);
      const s2 = tf.tensor2d(b.next, [n, this.obsSize]);
      const noise = tf
        .randomNormal([n, this.actionSize], 0, o.policyNoise, 'float32', noiseSeed)
        .clipByValue(-o.noiseClip, o.noiseClip);
      const a2 = (this.actorT.apply(s2) as tf.Tensor).add(noise).clipByValue(-1, 1);
      const sa2 = tf.concat([s2, a2], 1);
      const q2 = tf.minimum(
        this.criticsT[0]!.apply(sa2) as tf.Tensor,
        this.criticsT[1]!.apply(sa2) as tf.Tensor,
      );
      const y = r.add(d.mul(o.gamma).mul(q2));
      const sa = tf.concat([s, a], 1);
      this.criticOpt.minimize(
        () =>
          tf.losses
            .meanSquaredError(y, this.critics[0]!.apply(sa) as tf.Tensor)
            .add(tf.losses.meanSquaredError(y, this.critics[1]!.apply(sa) as tf.Tensor)) as tf.Scalar,
        false,
        variablesOf(...this.critics),
      );
      if (this.updates % o.policyDelay === 0) {
        this.actorOpt.minimize(
          () =>
            (this.critics[0]!.apply(tf.concat([s, this.actor.apply(s) as tf.Tensor], 1)) as tf.Tensor)
              .mean()
              .neg() as tf.Scalar,
          false,
          variablesOf(this.actor),
        );
      }
    });
    if (this.updates % o.policyDelay === 0) {
      softUpdate(this.actorT, this.actor, o.tau);
      this.critics.forEach((c, i) => {
        softUpdate(this.criticsT[i]!, c, o.tau);
      });
      this.mirrorCache = undefined;
    }
    this.updates++;
  }

  /** Starts the actor (and its target) from other weights: behaviour cloning's warm start. */
  warmStart(actor: MlpSpec): void {
    importMlp(this.actor, actor);
    softUpdate(this.actorT, this.actor, 1);
    this.mirrorCache = undefined;
  }

  actorSpec(): MlpSpec {
    return exportMlp(this.actor);
  }

  async snapshot(): Promise<Record<string, unknown>> {
    return {
      method: 'td3',
      opts: this.opts,
      updates: this.updates,
      envSteps: this.envSteps,
      actor: exportMlp(this.actor),
      actorT: exportMlp(this.actorT),
      critics: this.critics.map(exportMlp),
      criticsT: this.criticsT.map(exportMlp),
      actorOpt: await optimizerState(this.actorOpt),
      criticOpt: await optimizerState(this.criticOpt),
      buffer: this.buffer.toJSON(),
    };
  }

  async restore(s: Record<string, unknown>): Promise<void> {
    importMlp(this.actor, s.actor as MlpSpec);
    importMlp(this.actorT, s.actorT as MlpSpec);
    (s.critics as MlpSpec[]).forEach((c, i) => {
      importMlp(this.critics[i]!, c);
    });
    (s.criticsT as MlpSpec[]).forEach((c, i) => {
      importMlp(this.criticsT[i]!, c);
    });
    await setOptimizerState(this.actorOpt, s.actorOpt as never);
    await setOptimizerState(this.criticOpt, s.criticOpt as never);
    this.buffer = ReplayBuffer.fromJSON(s.buffer as Record<string, unknown>);
    this.updates = s.updates as number;
    this.envSteps = s.envSteps as number;
    this.mirrorCache = undefined;
  }
}
