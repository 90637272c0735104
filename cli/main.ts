// The `flexarena` command: `run <config>` runs one arena; `agent <strategy>` connects one agent.
import { dirname, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { runAgent } from '../agents/sdk/agent-client.js';
import { createStrategy, listStrategies } from '../agents/strategies/registry.js';
import { runArena } from '../arena/run/run-arena.js';
import { FlexArenaError } from '../lib/errors.js';
import { loadRunConfig } from '../arena/run/load-config.js';
import { formatResultsTable } from '../sim/results/results.js';

function intOption(name: string) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n)) throw new InvalidArgumentError(`${name} must be an integer, got "${v}"`);
    return n;
  };
}

const program = new Command()
  .name('flexarena')
  .description('A multi-agent arena for European short-term power markets')
  .showHelpAfterError();

program
  .command('run')
  .description('run one simulated trading day from a run configuration (YAML)')
  .argument('<config>', 'run configuration file')
  .option('--seed <n>', 'override the seed', intOption('--seed'))
  .option('--port <n>', 'gRPC port (0: any free port)', intOption('--port'))
  .option('--out <dir>', 'parent folder of the run folder')
  .option('--run-id <id>', 'run id (default: <name>-s<seed>-<timestamp>-<rand>)')
  .option('--host <host>', 'interface the gRPC server binds to', '127.0.0.1')
  .action(
    async (file: string, o: { seed?: number; port?: number; out?: string; runId?: string; host: string }) => {
      const cfg = loadRunConfig(file, { seed: o.seed, port: o.port, outDir: o.out });
      const started = Date.now();
      const { runDir, results } = await runArena(cfg, {
        runId: o.runId,
        host: o.host,
        baseDir: dirname(resolve(file)),
      });
      const secs = ((Date.now() - started) / 1000).toFixed(1);
      process.stdout.write(
        `\nFlexArena run ${results.runId} — ${cfg.day}, seed ${cfg.seed}, ${secs} s wall\n`,
      );
      process.stdout.write(`${formatResultsTable(results)}\n`);
      process.stdout.write(
        'cash in EUR; "other" = penalties + position value − asset costs (details in results.csv)\n',
      );
      process.stdout.write(
        `wake-ups ${results.stats.wakeUps}, actions ${results.stats.actions}, trades ${results.stats.trades}, tape events ${results.stats.tapeEvents}\n` +
          `tape sha256 ${results.tapeSha256}\nresults in ${runDir}/ (results.json, results.csv, tape.jsonl, agent-faults.log, agents/)\n`,
      );
    },
  );

program
  .command('agent')
  .description('connect one agent process to a running arena')
  .argument(
    '<strategy>',
    `strategy name (${listStrategies()
      .map((s) => s.name)
      .join(', ')})`,
  )
  .requiredOption('--arena <host:port>', 'arena gRPC address')
  .option('--token <token>', 'agent token (or FLEXARENA_TOKEN)')
  .option('--params <json>', 'strategy parameters as JSON', '{}')
  .option('--log-wakeups', 'print one line per wake-up (virtual time, fills, actions)')
  .action(
    async (name: string, o: { arena: string; token?: string; params: string; logWakeups?: boolean }) => {
      const token = o.token ?? process.env.FLEXARENA_TOKEN;
      if (!token) throw new InvalidArgumentError('--token (or FLEXARENA_TOKEN) is required');
      let params: Record<string, unknown>;
      try {
        params = JSON.parse(o.params);
      } catch (err) {
        throw new InvalidArgumentError(`--params is not valid JSON: ${(err as Error).message}`);
      }
      const strategy = createStrategy(name, params);
      if (o.logWakeups) {
        const decide = strategy.decide.bind(strategy);
        strategy.decide = async (wake) => {
          const actions = await decide(wake);
          process.stdout.write(
            `wake ${wake.wakeId} ${new Date(wake.timeMs).toISOString()} fills=${wake.fills.length} actions=${actions.length}\n`,
          );
          return actions;
        };
      }
      const outcome = await runAgent(strategy, { address: o.arena, token });
      const r = outcome.ended?.result;
      process.stdout.write(
        `${name}: ${outcome.wakeUps} wake-ups${r ? `, profit ${r.profitEur.toFixed(2)} EUR` : ''}; ${outcome.ended?.reason ?? 'session closed'}\n`,
      );
    },
  );

program
  .command('strategies')
  .description('list the built-in strategies')
  .action(() => {
    for (const s of listStrategies()) process.stdout.write(`${s.name.padEnd(20)} ${s.description}\n`);
  });

try {
  await program.parseAsync(process.argv);
} catch (err) {
  const e = err as Error;
  process.stderr.write(`flexarena: ${e instanceof FlexArenaError ? e.message : (e.stack ?? e.message)}\n`);
  process.exit(1);
}
