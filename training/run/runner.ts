// What the train loop drives: one method on one environment (episodes, greedy evaluation,
// snapshot/restore for checkpoints, re-keying of streams) and the deployable policy it exports.
import { POLICY_FORMAT, type PolicyFile } from '../../agents/strategies/index.js';
import type { BatteryEnvConfig } from '../env/battery-env-config.js';
import { Ppo } from '../methods/ppo.js';
import type { TrainConfig } from './train-config.js';

export interface EpisodeLog {
  /** Sum of rewards of the episode (PPO: mean over the rollout's finished episodes). */
  return: number;
  steps: number;
  /** € the episode made (battery: revenue; EV fleet: saving; market: cash − costs; pool: J1). */
  valueEur: number;
}

export interface Runner {
  readonly envSteps: number;
  runEpisode(): Promise<EpisodeLog>;
  /** Mean € per evaluation day of the greedy policy on the evaluation world. */
  evaluate(): Promise<number>;
  snapshot(): Promise<unknown>;
  restore(s: unknown): Promise<void>;
  reseed(seed: number): void;
  setDifficulty?(level: BatteryEnvConfig['difficulty']): void;
  policyFile(trainedWith: unknown): PolicyFile | undefined;
}

/**
 * Why a training run leaves no policy.json, or undefined when it does: the `policy` strategy plays
 * a network on the standard observation of a bare battery (policy-features.ts lays out generation
 * as zeros), so a network trained on another observation or behind a plant would be fed inputs it
 * never saw.
 */
export function noPolicyReason(cfg: TrainConfig): string | undefined {
  const m = cfg.method.name;
  const e = cfg.env;
  if (m === 'tabular-q') return 'tabular Q-learning learns a table, and the policy strategy plays networks';
  if (m === 'adp' || e.kind === 'pool' || e.kind === 'ev-fleet')
    return `no arena strategy plays what method ${m} learns on env.kind ${e.kind}`;
  if (e.kind !== 'battery') return undefined;
  if (e.observation !== 'standard')
    return `the policy strategy builds the standard observation; this run used env.observation ${e.observation}`;
  if (e.generation.peakMw > 0)
    return `the policy strategy plays a bare battery (env.generation.peakMw: 0); this run trained behind a ${e.generation.peakMw} MW plant`;
  // A bare battery that may not buy never charges: every charge came back rejected in training.
  if (!e.allowImport)
    return "the policy strategy's battery buys from the market (env.allowImport: true); this run's bare battery could not charge";
  return undefined;
}

export function networkPolicy(
  method: string,
  env:
    | (Pick<BatteryEnvConfig, 'observation' | 'priceScaleEur'> & {
        generation?: { peakMw: number };
        allowImport?: boolean;
      })
    | undefined,
  network: PolicyFile['network'],
  action: PolicyFile['action'],
  trainedWith: unknown,
): PolicyFile | undefined {
  // Deployable only with the standard observation of a bare battery (what an agent process builds).
  if (
    env &&
    (env.observation !== 'standard' || (env.generation?.peakMw ?? 0) > 0 || env.allowImport === false)
  )
    return undefined;
  return {
    format: POLICY_FORMAT,
    version: 1,
    method,
    observation: 'standard',
    priceScaleEur: env?.priceScaleEur ?? 100,
    action,
    network,
    trainedWith,
  };
}

/** PPO built from a train file's `method` (the battery and the market runners share it). */
export function ppoFromMethod(
  m: Extract<TrainConfig['method'], { name: 'ppo' }>,
  obsSize: number,
  seed: number,
): Ppo {
  return new Ppo(obsSize, 1, {
    hidden: m.hidden,
    lr: m.lr,
    gamma: m.gamma,
    rolloutSteps: m.rolloutSteps,
    epochs: m.epochs,
    minibatch: m.minibatch,
    seed,
  });
}
