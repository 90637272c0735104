// `flexarena train <file.yaml>`: trains a policy with the training API (training/), with a
// progress bar, checkpoints, resume after a kill (run the same command again), the learning
// curve as PNG and an HTML report, and policy.json for the `policy` strategy.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { parse } from 'yaml';
import { parseTrainConfig, train } from '../../training/index.js';

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description(
      'train a policy (tabular-q, dqn, td3, ppo, bc, adp) from a training file; resumes from its checkpoint',
    )
    .argument('<file>', 'training configuration (YAML)')
    .option('--out <dir>', 'output folder (default: the file’s outDir, relative to the file)')
    .option('--no-progress', 'no progress bar (logs one line per checkpoint instead)')
    .action(async (file: string, opts: { out?: string; progress: boolean }) => {
      const text = readFileSync(file, 'utf8');
      const cfg = parseTrainConfig(parse(text), file);
      const outDir = opts.out ?? (isAbsolute(cfg.outDir) ? cfg.outDir : resolve(dirname(file), cfg.outDir));
      const bar =
        opts.progress && process.stdout.isTTY
          ? new cliProgress.SingleBar(
              {
                format:
                  'train {bar} {percentage}% | {value}/{total} steps | ep {episodes} | last {last} € | eval {eval} € | {eta_formatted}',
              },
              cliProgress.Presets.shades_classic,
            )
          : undefined;
      let lastCheckpointLogged = 0;
      bar?.start(cfg.steps, 0, { episodes: 0, last: '-', eval: '-' });
      const result = await train(cfg, {
        outDir,
        onProgress: (p) => {
          const payload = {
            episodes: p.episodes,
            last: p.last ? p.last.valueEur.toFixed(1) : '-',
            eval: p.lastEval ? p.lastEval.evalEur.toFixed(1) : '-',
          };
          if (bar) bar.update(Math.min(p.envSteps, cfg.steps), payload);
          else if (p.lastEval && p.lastEval.checkpoint !== lastCheckpointLogged) {
            lastCheckpointLogged = p.lastEval.checkpoint;
            process.stdout.write(
              `checkpoint ${p.lastEval.checkpoint}: ${p.envSteps}/${cfg.steps} steps, ${p.episodes} episodes, eval ${payload.eval} €/day\n`,
            );
          }
        },
      });
      bar?.stop();
      process.stdout.write(
        `${result.resumedFromCheckpoint !== null ? `resumed from checkpoint ${result.resumedFromCheckpoint}; ` : ''}trained ${result.envSteps} steps in ${result.episodes} episodes (${(result.wallMs / 1000).toFixed(1)} s); final greedy evaluation ${result.finalEvalEur?.toFixed(2) ?? '-'} €/day\n` +
          `output: ${outDir} (checkpoint.json, metrics.jsonl, learning-curve.png, report.html${result.policyPath ? ', policy.json' : ''})\n`,
      );
    });
}
