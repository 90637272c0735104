// The commands of `flexarena`, each loaded on demand.
import type { Command } from 'commander';

export type Register = (program: Command) => void;

// Each command's module is imported only when that command runs: together they load the solver,
// TensorFlow.js, the report renderer and the NATS and gRPC clients, about 4 s of CPU that every
// agent process and every short command paid at start-up. Help and unknown commands load all.
export const COMMANDS: Record<string, () => Promise<Register>> = {
  run: async () => (await import('./commands/run.js')).registerRun,
  agent: async () => (await import('./commands/agent.js')).registerAgent,
  strategies: async () => (await import('./commands/strategies.js')).registerStrategies,
  dashboard: async () => (await import('./commands/dashboard.js')).registerDashboard,
  evaluate: async () => (await import('./commands/evaluate.js')).registerEvaluate,
  tournament: async () => (await import('./commands/tournament.js')).registerTournament,
  study: async () => (await import('./commands/study.js')).registerStudy,
  report: async () => (await import('./commands/report.js')).registerReport,
  train: async () => (await import('./commands/train.js')).registerTrain,
  worker: async () => (await import('./commands/worker.js')).registerWorker,
  compliance: async () => (await import('./commands/compliance.js')).registerCompliance,
  tape: async () => (await import('./commands/tape.js')).registerTape,
};

/** The commands to register for these arguments: the one named first, or all of them. */
export function commandsFor(argv: readonly string[]): string[] {
  const first = argv[2];
  return first !== undefined && Object.hasOwn(COMMANDS, first) ? [first] : Object.keys(COMMANDS);
}
