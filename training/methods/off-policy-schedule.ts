// When an off-policy learner (DQN, TD3) takes a gradient step: both follow the same schedule, so
// it is written once. Learning waits for `startSteps` transitions and for one full batch in the
// replay buffer, then steps once every `trainEvery` environment steps.

export interface OffPolicySchedule {
  startSteps: number;
  batchSize: number;
  trainEvery: number;
}

/** Is a gradient step due after the `envSteps`-th transition, with `replaySize` transitions stored? */
export function gradientStepDue(envSteps: number, replaySize: number, o: OffPolicySchedule): boolean {
  return envSteps >= o.startSteps && replaySize >= o.batchSize && envSteps % o.trainEvery === 0;
}
