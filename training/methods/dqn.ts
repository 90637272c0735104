// Double DQN (van Hasselt et al. 2016; seed 004 §1.3.2) for discrete actions: an online and a
// target Q-network, ε-greedy exploration, replay, and the double target
//   y = r + γ·d·Q_target(s', argmax_a Q_online(s', a)),
// Huber loss on Q_online(s, a), the target copied every `targetEvery` updates. Acting uses a
// plain-JS copy of the online network.
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

export interface DqnOptions {
  hidden?: number[];
  lr?: number;
  gamma?: number;
  batchSize?: number;
  bufferSize?: number;
  startSteps?: number;
  trainEvery?: number;
  targetEvery?: number;
  epsilonStart?: number;
  epsilonEnd?: number;
  epsilonDecaySteps?: number;
  seed?: number;
}

const DEFAULTS: Required<DqnOptions> = {
  hidden: [64, 64],
  lr: 1e-3,
  gamma: 0.99,
  batchSize: 64,
  bufferSize: 50_000,
  startSteps: 1_000,
  trainEvery: 4,
  targetEvery: 250,
  epsilonStart: 1,
  epsilonEnd: 0.05,
  epsilonDecaySteps: 20_000,
  seed: 1,
};

export class DoubleDqn {
  readonly opts: Required<DqnOptions>;
  readonly online: tf.Sequential;
  private readonly target: tf.Sequential;
  private readonly opt: tf.Optimizer;
  private buffer: ReplayBuffer;
  private mirrorCache: Mlp | undefined;
  private rng: RandomStream;
  private batch?: Batch;
  envSteps = 0;
  updates = 0;

  constructor(
    readonly obsSize: number,
    readonly actions: number,
    options: DqnOptions = {},
  ) {
    this.opts = { ...DEFAULTS, ...options };
    const o = this.opts;
    const shape = { inputs: obsSize, hidden: o.hidden, outputs: actions, output: 'linear' as const };
    this.online = buildMlp(shape, o.seed);
    this.target = buildMlp(shape, o.seed);
    softUpdate(this.target, this.online, 1);
    this.opt = tf.train.adam(o.lr);
    this.buffer = new ReplayBuffer(o.bufferSize, obsSize, 1);
    this.rng = new RandomStream('training.dqn', o.seed);
  }

  reseed(seed: number): void {
    this.rng = new RandomStream('training.dqn', seed);
  }

  get epsilon(): number {
    const o = this.opts;
    const f = Math.min(1, this.envSteps / Math.max(1, o.epsilonDecaySteps));
    return o.epsilonStart + (o.epsilonEnd - o.epsilonStart) * f;
  }

  /** The plain-JS copy of the online network, rebuilt lazily after updates (only when acting). */
  private get mirror(): Mlp {
    this.mirrorCache ??= new Mlp(exportMlp(this.online));
    return this.mirrorCache;
  }

  qValues(obs: ArrayLike<number>): number[] {
    return this.mirror.forward(obs);
  }

  greedy(obs: ArrayLike<number>): number {
    const q = this.qValues(obs);
    let best = 0;
    for (let a = 1; a < q.length; a++) if (q[a]! > q[best]!) best = a;
    return best;
  }

  explore(obs: ArrayLike<number>): number {
    return this.rng.next() < this.epsilon ? this.rng.int(0, this.actions - 1) : this.greedy(obs);
  }

  observe(
    obs: ArrayLike<number>,
    action: number,
    reward: number,
    discount: number,
    next: ArrayLike<number>,
  ): void {
    this.buffer.add(obs, [action], reward, discount, next);
    this.envSteps++;
    if (gradientStepDue(this.envSteps, this.buffer.size, this.opts)) this.update();
  }

  update(): void {
    const o = this.opts;
    this.batch = this.buffer.sample(o.batchSize, this.rng, this.batch);
    const b = this.batch;
    const n = b.size;
    tf.tidy(() => {
      const s = tf.tensor2d(b.obs, [n, this.obsSize]);
      const s2 = tf.tensor2d(b.next, [n, this.obsSize]);
      const a = tf.tensor1d(Int32Array.from(b.action), 'int32');
      const best = (this.online.apply(s2) as tf.Tensor).argMax(1);
      const q2 = (this.target.apply(s2) as tf.Tensor).mul(tf.oneHot(best, this.actions)).sum(1);
      const y = tf.tensor1d(b.reward).add(tf.tensor1d(b.discount).mul(o.gamma).mul(q2));
      const mask = tf.oneHot(a, this.actions);
      this.opt.minimize(
        () => tf.losses.huberLoss(y, (this.online.apply(s) as tf.Tensor).mul(mask).sum(1)) as tf.Scalar,
        false,
        variablesOf(this.online),
      );
    });
    this.updates++;
    if (this.updates % o.targetEvery === 0) softUpdate(this.target, this.online, 1);
    this.mirrorCache = undefined;
  }

  networkSpec(): MlpSpec {
    return exportMlp(this.online);
  }

  async snapshot(): Promise<Record<string, unknown>> {
    return {
      method: 'dqn',
      opts: this.opts,
      envSteps: this.envSteps,
      updates: this.updates,
      online: exportMlp(this.online),
      target: exportMlp(this.target),
      opt: await optimizerState(this.opt),
      buffer: this.buffer.toJSON(),
    };
  }

  async restore(s: Record<string, unknown>): Promise<void> {
    importMlp(this.online, s.online as MlpSpec);
    importMlp(this.target, s.target as MlpSpec);
    await setOptimizerState(this.opt, s.opt as never);
    this.buffer = ReplayBuffer.fromJSON(s.buffer as Record<string, unknown>);
    this.envSteps = s.envSteps as number;
    this.updates = s.updates as number;
    this.mirrorCache = undefined;
  }
}
