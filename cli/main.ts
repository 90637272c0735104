// The `flexarena` command, and the only composition root of the project: it is the one place that
// puts the simulation core, the runtime and the agents together.
import { Command } from 'commander';
import { tuneV8ForShortRuns } from '../lib/index.js';
import { outliveClosedReader } from './closed-output.js';
import { COMMANDS, commandsFor } from './command-table.js';
import { errorExit, throwUsageErrors, withUnknownHelpTopic } from './usage-errors.js';

// `flexarena agent` is an agent process, tuned as the bundled agent program is (cli/agent-main.ts).
tuneV8ForShortRuns(process.env, process.argv[2] === 'agent' ? 'agent' : 'arena');

outliveClosedReader(process.stdout);
outliveClosedReader(process.stderr);

const program = throwUsageErrors(
  new Command().name('flexarena').description('A multi-agent arena for European short-term power markets'),
);

try {
  for (const name of commandsFor(process.argv)) (await COMMANDS[name]!())(program);
  await program.parseAsync(withUnknownHelpTopic(program, process.argv));
} catch (err) {
  const { line, code } = errorExit(err, process.argv);
  if (line !== undefined) process.stderr.write(`${line}\n`);
  process.exit(code);
}
