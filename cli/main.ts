// The `flexarena` command, and the only composition root of the project: it is the one place that
// puts the simulation core, the runtime and the agents together.
import { Command, CommanderError } from 'commander';
import { FlexArenaError, InterruptedError, tuneV8ForShortRuns } from '../lib/index.js';
import { COMMANDS, commandsFor } from './command-table.js';
import { signalExitCode } from './options.js';

// `flexarena agent` is an agent process, tuned as the bundled agent program is (cli/agent-main.ts).
tuneV8ForShortRuns(process.env, process.argv[2] === 'agent' ? 'agent' : 'arena');

const program = new Command()
  .name('flexarena')
  .description('A multi-agent arena for European short-term power markets')
  // A hint, not the command's whole help: after a mistyped value the error line was pushed up by
  // thirty lines of options.
  .showHelpAfterError('(--help lists the commands and their options)');

try {
  for (const name of commandsFor(process.argv)) (await COMMANDS[name]!())(program);
  await program.parseAsync(process.argv);
} catch (err) {
  const e = err as Error;
  // Typed errors (the arena's, the agent SDK's: a session the arena ended, a refused parameter; an
  // option an action refuses) are for the user and say what to change; anything else is a bug and
  // shows its stack.
  const typed = e instanceof FlexArenaError || e instanceof CommanderError;
  process.stderr.write(`flexarena: ${typed ? e.message : (e.stack ?? e.message)}\n`);
  process.exit(e instanceof InterruptedError ? signalExitCode(e.signal) : 1);
}
