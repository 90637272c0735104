// `flexarena agent` alone: the entry of the bundled agent program the arena launches for built-in
// strategies (arena/launcher/agent-bundle.ts). The same command as in cli/main.ts, without loading
// every other command (the run, dashboard, tournament, training … code an agent process never uses).
import { Command } from 'commander';
import { FlexArenaError, tuneV8ForShortRuns } from '../lib/index.js';
import { registerAgent } from './commands/agent.js';

tuneV8ForShortRuns(process.env, 'agent');

const program = new Command()
  .name('flexarena')
  .showHelpAfterError('(--help lists the commands and their options)');
registerAgent(program);

// No top-level await: the arena bundles this file as CommonJS (arena/launcher/agent-bundle.ts).
program.parseAsync(process.argv).catch((err) => {
  const e = err as Error;
  process.stderr.write(`flexarena: ${e instanceof FlexArenaError ? e.message : (e.stack ?? e.message)}\n`);
  process.exit(1);
});
