// `flexarena compliance -- <command>`: runs the protocol checks of compliance/ against any agent
// implementation started by the command line (with {arena} and {token} filled in, both also in
// FLEXARENA_ARENA and FLEXARENA_TOKEN), prints a pass/fail table, exits 1 when a check fails.
import type { Command } from 'commander';
import { failureOutput, formatChecks, runCompliance } from '../../compliance/index.js';
import { DEADLINE_MS_LIMITS } from '../../sim/index.js';
import { intOption, pathOption, stopOnSignal } from '../options.js';

interface ComplianceFlags {
  out?: string;
  deadlineMs?: number;
  verbose?: boolean;
}

export function registerCompliance(program: Command): void {
  program
    .command('compliance')
    .description(
      'check an agent implementation against the protocol (hello, deadlines, rejections, resume, leave)',
    )
    .argument(
      '<command...>',
      'the command that starts the agent, after --; {arena} and {token} are filled in ({params}: {})',
    )
    .option('--out <dir>', 'where the run folder goes (default: a temporary folder)', pathOption('--out'))
    .option(
      '--deadline-ms <ms>',
      `answer deadline per wake-up (${DEADLINE_MS_LIMITS.min} to ${DEADLINE_MS_LIMITS.max}; default 5000)`,
      intOption('--deadline-ms', DEADLINE_MS_LIMITS),
    )
    .option('--verbose', "print the arena's log lines and the agent's output")
    .action(async (command: string[], o: ComplianceFlags) => {
      // Ctrl-C or SIGTERM: the run stops properly and the agent's process is stopped with it.
      const stop = stopOnSignal('stopping the compliance run and the agent');
      const report = await runCompliance({
        command,
        signal: stop.signal,
        ...(o.out ? { outDir: o.out } : {}),
        ...(o.deadlineMs !== undefined ? { deadlineMs: o.deadlineMs } : {}),
        ...(o.verbose ? { log: (l: string) => process.stderr.write(`${l}\n`) } : {}),
      }).finally(() => stop.release());
      const failure = failureOutput(report);
      if (o.verbose) process.stderr.write(`--- agent output ---\n${report.agentLog}\n`);
      else if (failure) process.stderr.write(`--- the agent's last output ---\n${failure}\n`);
      process.stdout.write(`${formatChecks(report.checks)}\nrun folder: ${report.runDir}\n`);
      if (!report.pass) process.exitCode = 1;
    });
}
