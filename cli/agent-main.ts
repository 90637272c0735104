// `flexarena agent` alone: the entry of the bundled agent program the arena launches for built-in
// strategies (arena/launcher/agent-bundle.ts). The same command as in cli/main.ts, without loading
// every other command (the run, dashboard, tournament, training … code an agent process never uses).
import { Command } from 'commander';
import { tuneV8ForShortRuns } from '../lib/index.js';
import { registerAgent } from './commands/agent.js';
import { errorExit, throwUsageErrors } from './usage-errors.js';

tuneV8ForShortRuns(process.env, 'agent');

const program = throwUsageErrors(new Command().name('flexarena'));
registerAgent(program);

// No top-level await: the arena bundles this file as CommonJS (arena/launcher/agent-bundle.ts).
program.parseAsync(process.argv).catch((err) => {
  const { line, code } = errorExit(err, process.argv);
  if (line !== undefined) process.stderr.write(`${line}\n`);
  process.exit(code);
});
