// One training episode on a fast (synchronous) environment, the loop every learner that learns
// step by step runs (tabular Q, DQN, TD3): act, step, learn from the transition, until the last
// step. The learner says how it acts and what it learns from; the loop sums the reward.
import { type Environment, StepType, type TimeStep } from '../env/time-step.js';

/** The episode's total reward and its number of steps. */
export function trainingEpisode<A, O>(
  env: Pick<Environment<A, O>, 'reset' | 'step'>,
  act: (observation: O) => A,
  learn: (observation: O, action: A, next: TimeStep<O>) => void,
): { return: number; steps: number } {
  let ts = env.reset();
  let total = 0;
  let steps = 0;
  while (ts.stepType !== StepType.LAST) {
    const o = ts.observation;
    const a = act(o);
    ts = env.step(a);
    learn(o, a, ts);
    total += ts.reward;
    steps++;
  }
  return { return: total, steps };
}
