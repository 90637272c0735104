// The `flexarena` command, and the only composition root of the project: it is the one place that
// puts the simulation core, the runtime and the agents together.
import { Command } from 'commander';
import { FlexArenaError } from '../lib/index.js';
import { registerAgent } from './commands/agent.js';
import { registerCompliance } from './commands/compliance.js';
import { registerDashboard } from './commands/dashboard.js';
import { registerEvaluate } from './commands/evaluate.js';
import { registerReport } from './commands/report.js';
import { registerRun } from './commands/run.js';
import { registerStrategies } from './commands/strategies.js';
import { registerStudy } from './commands/study.js';
import { registerTape } from './commands/tape.js';
import { registerTournament } from './commands/tournament.js';
import { registerTrain } from './commands/train.js';
import { registerWorker } from './commands/worker.js';

const program = new Command()
  .name('flexarena')
  .description('A multi-agent arena for European short-term power markets')
  .showHelpAfterError();

registerRun(program);
registerAgent(program);
registerStrategies(program);
registerDashboard(program);
registerEvaluate(program);
registerTournament(program);
registerStudy(program);
registerReport(program);
registerTrain(program);
registerWorker(program);
registerCompliance(program);
registerTape(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  const e = err as Error;
  process.stderr.write(`flexarena: ${e instanceof FlexArenaError ? e.message : (e.stack ?? e.message)}\n`);
  process.exit(1);
}
