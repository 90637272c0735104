// `flexarena agent <strategy>`: one built-in strategy as an agent process connected to an arena.
import { type Command, InvalidArgumentError } from 'commander';
import { resumeOptions, runAgent } from '../../agents/sdk/index.js';
import { createStrategy, strategyNames } from '../../agents/strategies/index.js';
import { pathOption } from '../options.js';

interface AgentFlags {
  arena?: string;
  token?: string;
  params: string;
  logWakeups?: boolean;
  resumeFile?: string;
  wakeUps: string;
  conflate: boolean;
}

export function registerAgent(program: Command): void {
  program
    .command('agent')
    .description('connect one agent process to a running arena')
    .argument('<strategy>', `strategy name (${strategyNames().join(', ')})`)
    .option('--arena <host:port>', 'arena gRPC address (or FLEXARENA_ARENA)')
    .option('--token <token>', 'agent token (or FLEXARENA_TOKEN)')
    .option('--params <json>', 'strategy parameters as JSON', '{}')
    .option('--log-wakeups', 'print one line per wake-up (virtual time, fills, actions)')
    .option(
      '--resume-file <path>',
      'keep the last processed report sequence (and the state of a strategy that keeps one) here and resume from it',
      pathOption('--resume-file'),
    )
    .option(
      '--wake-ups <full|delta>',
      'wake-ups on the wire: deltas of the books, forecasts, open orders and positions (rebuilt by the SDK) or complete (FLEXARENA_WAKE_UPS sets the default)',
      process.env.FLEXARENA_WAKE_UPS ?? 'delta',
    )
    .option(
      '--no-conflate',
      'decide and answer every wake-up, also one a newer wake-up is already queued behind, and send an answer a newer wake-up overtook (default: a strategy that fell behind skips to the newest, its reports kept, and in lock-step does not send an answer the arena would refuse as late)',
    )
    .action(async (name: string, o: AgentFlags) => {
      const address = arenaAddress(o.arena, process.env);
      const token = o.token ?? process.env.FLEXARENA_TOKEN;
      if (!token) throw new InvalidArgumentError('--token (or FLEXARENA_TOKEN) is required');
      let params: Record<string, unknown>;
      try {
        params = JSON.parse(o.params);
      } catch (err) {
        throw new InvalidArgumentError(`--params is not valid JSON: ${(err as Error).message}`);
      }
      // JSON null, a number or a list parsed fine but are no parameters (null was taken as none).
      if (params === null || typeof params !== 'object' || Array.isArray(params))
        throw new InvalidArgumentError(
          `--params must be a JSON object ({"name": value, …}), not ${o.params}`,
        );
      if (o.wakeUps !== 'full' && o.wakeUps !== 'delta')
        throw new InvalidArgumentError(
          `--wake-ups (or FLEXARENA_WAKE_UPS): "${o.wakeUps}" is not full or delta`,
        );
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
      // The report_seq, and the state of a strategy with saveState, handed back before it connects.
      const resume = o.resumeFile
        ? resumeOptions(strategy, o.resumeFile, `--resume-file ${o.resumeFile}`)
        : {};
      const outcome = await runAgent(strategy, {
        address,
        token,
        fullWakeUps: o.wakeUps === 'full',
        conflate: o.conflate,
        ...resume,
      });
      const r = outcome.ended?.result;
      // Said only when it happened: an agent that keeps up skips none and drops no answer.
      const behind = [
        ...(outcome.skippedWakeUps > 0 ? [`${outcome.skippedWakeUps} skipped as superseded`] : []),
        ...(outcome.overtakenAnswers > 0 ? [`${outcome.overtakenAnswers} overtaken answers not sent`] : []),
      ];
      const skipped = behind.length > 0 ? ` (${behind.join(', ')})` : '';
      process.stdout.write(
        `${name}: ${outcome.wakeUps} wake-ups${skipped}${r ? `, profit ${r.profitEur.toFixed(2)} EUR` : ''}; ${outcome.ended?.reason ?? 'session closed'}\n`,
      );
    });
}

/**
 * The arena's address: --arena, else FLEXARENA_ARENA, which the arena sets for every agent it
 * launches and which both SDKs and the examples read. `flexarena agent` alone required --arena,
 * so a built-in strategy started as a command (`flexarena compliance -- … agent <strategy>`) failed.
 */
export function arenaAddress(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  const address = flag ?? env.FLEXARENA_ARENA;
  if (!address) throw new InvalidArgumentError('--arena (or FLEXARENA_ARENA) is required');
  return address;
}
