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

export function networkPolicy(
  method: string,
  env: Pick<BatteryEnvConfig, 'observation' | 'priceScaleEur'> | undefined,
  network: PolicyFile['network'],
  action: PolicyFile['action'],
  trainedWith: unknown,
): PolicyFile | undefined {
  // Deployable only with the standard observation (the one an agent process can build).
  if (env && env.observation !== 'standard') return undefined;
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
