// PPO (Schulman et al. 2017; seed 002 §4.2) for the continuous battery action: a Gaussian policy
// whose mean is a tanh MLP and whose log-σ is a learned vector, a value MLP, rollouts of
// `rolloutSteps` with generalised advantage estimation (γ, λ), then `epochs` passes of
// minibatches on the clipped surrogate  −min(ρA, clip(ρ, 1 ± ε)A) + c_v (V − R)² − c_e H.
// Rollouts act through plain-JS copies of both networks; the sampled action is clipped to
// [−1, 1] for the environment, its unclipped value is what the likelihood ratio uses.
import { Mlp, type MlpSpec } from '../../agents/strategies/index.js';
import { RandomStream } from '../../lib/index.js';
import type { Environment, TimeStep } from '../env/time-step.js';
import { StepType } from '../env/time-step.js';
import {
  buildMlp,
  exportMlp,
  importMlp,
  optimizerState,
  setOptimizerState,
  variablesOf,
} from '../nn/networks.js';
import { tf } from '../nn/tf.js';

export interface PpoOptions {
  hidden?: number[];
  lr?: number;
  gamma?: number;
  lambda?: number;
  clip?: number;
  epochs?: number;
  minibatch?: number;
  rolloutSteps?: number;
  valueCoef?: number;
  entropyCoef?: number;
  initLogStd?: number;
  seed?: number;
}

const DEFAULTS: Required<PpoOptions> = {
  hidden: [64, 64],
  lr: 3e-4,
  gamma: 0.99,
  lambda: 0.95,
  clip: 0.2,
  epochs: 4,
  minibatch: 256,
  rolloutSteps: 2048,
  valueCoef: 0.5,
  entropyCoef: 0.0,
  initLogStd: -0.5,
  seed: 1,
};

const LOG_2PI = Math.log(2 * Math.PI);

/** An environment whose reset and step are awaited (the full-market one). */
export interface AsyncEnvironment {
  reset(): Promise<TimeStep>;
  step(action: number[]): Promise<TimeStep>;
}

/** The buffers of one rollout. */
interface Rollout {
  n: number;
  obs: Float32Array;
  act: Float32Array;
  logp: Float32Array;
  rew: Float32Array;
  val: Float32Array;
  done: Uint8Array;
  std: number[];
  logStdSum: number;
}
let instances = 0;

export class Ppo {
  readonly opts: Required<PpoOptions>;
  readonly actor: tf.Sequential;
  readonly critic: tf.Sequential;
  readonly logStd: tf.Variable;
  private readonly opt: tf.Optimizer;
  private actorJs: Mlp;
  private criticJs: Mlp;
  private rng: RandomStream;
  private current?: TimeStep;
  envSteps = 0;
  updates = 0;
  /** Returns of the episodes finished during the last rollout. */
  finished: number[] = [];
  private episodeReturn = 0;

  constructor(
    readonly obsSize: number,
    readonly actionSize: number,
    options: PpoOptions = {},
  ) {
    this.opts = { ...DEFAULTS, ...options };
    const o = this.opts;
    this.actor = buildMlp({ inputs: obsSize, hidden: o.hidden, outputs: actionSize, output: 'tanh' }, o.seed);
    this.critic = buildMlp({ inputs: obsSize, hidden: o.hidden, outputs: 1, output: 'linear' }, o.seed + 7);
    this.logStd = tf.variable(tf.fill([actionSize], o.initLogStd), true, `ppo-logstd-${++instances}`);
    this.opt = tf.train.adam(o.lr);
    this.actorJs = new Mlp(exportMlp(this.actor));
    this.criticJs = new Mlp(exportMlp(this.critic));
    this.rng = new RandomStream('training.ppo', o.seed);
  }

  reseed(seed: number): void {
    this.rng = new RandomStream('training.ppo', seed);
  }

  /** Drops the episode in progress: the next rollout starts a new one (at every checkpoint). */
  endEpisode(): void {
    this.current = undefined;
  }

  policy(obs: ArrayLike<number>): number[] {
    return this.actorJs.forward(obs).map((a) => Math.max(-1, Math.min(1, a)));
  }

  /** Collects one rollout from `env` (continuing episodes across calls) and updates on it. */
  iterate(env: Environment<number | ArrayLike<number>, Float32Array>): void {
    const r = this.beginRollout();
    for (let t = 0; t < r.n; t++) {
      if (!this.current || this.current.stepType === StepType.LAST) this.startEpisode(env.reset());
      this.record(r, t, env.step(this.sample(r, t)));
    }
    this.endRollout(r);
  }

  /**
   * The same rollout on an asynchronous environment (the full-market one, whose core may clear
   * auctions with HiGHS between decision points): identical draws and updates, awaited steps.
   */
  async iterateAsync(env: AsyncEnvironment): Promise<void> {
    const r = this.beginRollout();
    for (let t = 0; t < r.n; t++) {
      if (!this.current || this.current.stepType === StepType.LAST) this.startEpisode(await env.reset());
      this.record(r, t, await env.step(this.sample(r, t)));
    }
    this.endRollout(r);
  }

  private beginRollout(): Rollout {
    const n = this.opts.rolloutSteps;
    const logStd = Array.from(this.logStd.dataSync());
    this.finished = [];
    return {
      n,
      obs: new Float32Array(n * this.obsSize),
      act: new Float32Array(n * this.actionSize),
      logp: new Float32Array(n),
      rew: new Float32Array(n),
      val: new Float32Array(n + 1),
      done: new Uint8Array(n),
      std: logStd.map(Math.exp),
      logStdSum: logStd.reduce((s, x) => s + x, 0),
    };
  }

  private startEpisode(first: TimeStep): void {
    this.current = first;
    this.episodeReturn = 0;
  }

  /** Draws the action for step t of the rollout from the current observation; returns it clipped. */
  private sample(r: Rollout, t: number): number[] {
    const s = this.current!.observation;
    r.obs.set(s, t * this.obsSize);
    const mean = this.actorJs.forward(s);
    let lp = -r.logStdSum - (this.actionSize * LOG_2PI) / 2;
    const a = mean.map((m, i) => {
      const z = this.rng.normal();
      lp -= (z * z) / 2;
      return m + r.std[i]! * z;
    });
    r.act.set(a, t * this.actionSize);
    r.logp[t] = lp;
    r.val[t] = this.criticJs.forward(s)[0]!;
    return a.map((x) => Math.max(-1, Math.min(1, x)));
  }

  private record(r: Rollout, t: number, next: TimeStep): void {
    r.rew[t] = next.reward;
    this.episodeReturn += next.reward;
    this.envSteps++;
    if (next.stepType === StepType.LAST) {
      // The environments here end episodes with discount 0 (a finite horizon): no bootstrap.
      r.done[t] = 1;
      this.finished.push(this.episodeReturn);
    }
    this.current = next;
  }

  private endRollout(r: Rollout): void {
    const o = this.opts;
    const { n, rew, val, done } = r;
    // Bootstrap value after the rollout (0 if it ended an episode).
    val[n] =
      this.current!.stepType === StepType.LAST ? 0 : this.criticJs.forward(this.current!.observation)[0]!;
    const adv = new Float32Array(n);
    let gae = 0;
    for (let t = n - 1; t >= 0; t--) {
      const ended = done[t] === 1;
      const delta = rew[t]! + o.gamma * (ended ? 0 : val[t + 1]!) - val[t]!;
      gae = delta + o.gamma * o.lambda * (ended ? 0 : gae);
      adv[t] = gae;
    }
    const ret = adv.map((x, t) => x + val[t]!);
    let m = 0;
    for (const x of adv) m += x;
    m /= n;
    let v = 0;
    for (const x of adv) v += (x - m) ** 2;
    const sd = Math.sqrt(v / n) + 1e-8;
    const advN = adv.map((x) => (x - m) / sd);
    this.learn(r.obs, r.act, r.logp, advN, ret);
  }

  private learn(
    obs: Float32Array,
    act: Float32Array,
    logp: Float32Array,
    adv: Float32Array,
    ret: Float32Array,
  ): void {
    const o = this.opts;
    const n = o.rolloutSteps;
    const idx = Array.from({ length: n }, (_, i) => i);
    const vars = [...variablesOf(this.actor, this.critic), this.logStd];
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      for (let i = n - 1; i > 0; i--) {
        const j = this.rng.int(0, i);
        [idx[i], idx[j]] = [idx[j]!, idx[i]!];
      }
      for (let start = 0; start + o.minibatch <= n; start += o.minibatch) {
        const ids = idx.slice(start, start + o.minibatch);
        const k = ids.length;
        const pick = (src: Float32Array, w: number) => {
          const out = new Float32Array(k * w);
          ids.forEach((id, r) => {
            out.set(src.subarray(id * w, id * w + w), r * w);
          });
          return out;
        };
        tf.tidy(() => {
          const s = tf.tensor2d(pick(obs, this.obsSize), [k, this.obsSize]);
          const a = tf.tensor2d(pick(act, this.actionSize), [k, this.actionSize]);
          const oldLp = tf.tensor1d(pick(logp, 1));
          const A = tf.tensor1d(pick(adv, 1));
          const R = tf.tensor1d(pick(ret, 1));
          this.opt.minimize(
            () => {
              const mean = this.actor.apply(s) as tf.Tensor;
              const z = a.sub(mean).div(this.logStd.exp());
              const lp = z
                .square()
                .sum(1)
                .mul(-0.5)
                .sub(this.logStd.sum())
                .sub((this.actionSize * LOG_2PI) / 2);
              const ratio = lp.sub(oldLp).exp();
              const surr = tf.minimum(ratio.mul(A), ratio.clipByValue(1 - o.clip, 1 + o.clip).mul(A));
              const v = (this.critic.apply(s) as tf.Tensor).reshape([k]);
              const entropy = this.logStd.sum().add((this.actionSize * (1 + LOG_2PI)) / 2);
              return surr
                .mean()
                .neg()
                .add(tf.losses.meanSquaredError(R, v).mul(o.valueCoef))
                .sub(entropy.mul(o.entropyCoef)) as tf.Scalar;
            },
            false,
            vars,
          );
        });
        this.updates++;
      }
    }
    this.actorJs = new Mlp(exportMlp(this.actor));
    this.criticJs = new Mlp(exportMlp(this.critic));
  }

  warmStart(actor: MlpSpec): void {
    importMlp(this.actor, actor);
    this.actorJs = new Mlp(exportMlp(this.actor));
  }

  actorSpec(): MlpSpec {
    return exportMlp(this.actor);
  }

  async snapshot(): Promise<Record<string, unknown>> {
    return {
      method: 'ppo',
      opts: this.opts,
      envSteps: this.envSteps,
      updates: this.updates,
      actor: exportMlp(this.actor),
      critic: exportMlp(this.critic),
      logStd: Array.from(this.logStd.dataSync()),
      opt: await optimizerState(this.opt),
    };
  }

  async restore(s: Record<string, unknown>): Promise<void> {
    importMlp(this.actor, s.actor as MlpSpec);
    importMlp(this.critic, s.critic as MlpSpec);
    this.logStd.assign(tf.tensor1d(s.logStd as number[]));
    await setOptimizerState(this.opt, s.opt as never);
    this.envSteps = s.envSteps as number;
    this.updates = s.updates as number;
    this.current = undefined;
    this.actorJs = new Mlp(exportMlp(this.actor));
    this.criticJs = new Mlp(exportMlp(this.critic));
  }
}
