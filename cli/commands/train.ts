// `flexarena train <file.yaml>`: trains a policy with the training API (training/), with a
// progress bar, checkpoints, resume after a kill (run the same command again), the learning
// curve as PNG and an HTML report, and policy.json for the `policy` strategy.
import { dirname, isAbsolute, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { readWorldFiles, readYamlConfig } from '../../arena/index.js';
import { configurationHash, InterruptedError } from '../../lib/index.js';
import { parseRunConfig } from '../../sim/index.js';
import { pathOption, stopOnSignal } from '../options.js';

/**
 * The output folder: `--out` from the working directory; an `outDir` written in the file from the
 * file's folder, like every path in it; without either a folder of its own below `runs/train` of the
 * working directory, as a run's default `runs/` is (it used to land beside the training file).
 * That folder was `runs/train` itself, shared by every training file without an outDir: a second
 * one was refused there ("belongs to another configuration"), and its outputs sat among folders of
 * other trainings. Each configuration now gets `runs/train/<name>-s<seed>-<hash>` — named as a
 * run's folder is by its name and seed, and, for the stamp a run has, the configuration's hash: the
 * same command must find its checkpoint again to resume.
 */
export function trainOutDir(
  file: string,
  doc: unknown,
  cfg: { name: string; seed: number; outDir: string },
  out?: string,
): string {
  if (out !== undefined) return resolve(out);
  const written = typeof doc === 'object' && doc !== null && 'outDir' in doc;
  if (!written) return resolve(cfg.outDir, `${cfg.name}-s${cfg.seed}-${configurationHash(cfg).slice(0, 8)}`);
  return isAbsolute(cfg.outDir) ? cfg.outDir : resolve(dirname(resolve(file)), cfg.outDir);
}

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description(
      'train a policy (tabular-q, dqn, td3, ppo, bc, adp) from a training file; resumes from its checkpoint',
    )
    .argument('<file>', 'training configuration (YAML)')
    .option(
      '--out <dir>',
      'output folder, from the working directory (default: the file’s outDir, relative to the file, else runs/train/<name>-s<seed>-<config hash>)',
      pathOption('--out'),
    )
    .option('--no-progress', 'no progress bar (logs one line per checkpoint instead)')
    .action(async (file: string, opts: { out?: string; progress: boolean }) => {
      // Loaded here, not with the options: TensorFlow.js and the methods are ~1.5 s of CPU that a
      // usage error or --help has no use for.
      const { parseTrainConfig, train } = await import('../../training/index.js');
      // An unreadable or non-YAML file is a ConfigError naming it, as for every other command.
      const doc = readYamlConfig(file);
      const cfg = parseTrainConfig(doc, file, dirname(resolve(file)));
      const outDir = trainOutDir(file, doc, cfg, opts.out);
      // A market environment's world may read a price CSV: read here, as `flexarena run` does (the
      // core does no I/O); before, its simulations failed with "the file was not read". Its field
      // is named as the training file has it, below env.run.
      const worldFiles =
        cfg.env.kind === 'market'
          ? readWorldFiles(parseRunConfig(cfg.env.run, 'env.run'), dirname(resolve(file)), file, 'env.run.')
          : undefined;
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
      // The bar starts with the loop and stops however train ends: an error printed over a running
      // bar landed on its line, and the terminal was left with line wrapping off.
      let barStarted = false;
      // From the first episode on, the first SIGINT or SIGTERM stops the training at the end of its
      // episode (the command then says where it resumes); a second one exits at once. Both keep the
      // last checkpoint, written atomically. Installed only when the loop starts: the handler runs
      // between episodes, so during the set-up (the wasm backend, a behaviour-cloning warm start)
      // the signals keep their default and stop the process at once.
      const stop = new AbortController();
      let release: (() => void) | undefined;
      const result = await train(cfg, {
        outDir,
        ...(worldFiles ? { worldFiles } : {}),
        signal: stop.signal,
        onProgress: (p) => {
          release ??= stopOnSignal('stopping the training after this episode', stop).release;
          if (bar && !barStarted) {
            bar.start(cfg.steps, 0, { episodes: 0, last: '-', eval: '-' });
            barStarted = true;
          }
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
      }).finally(() => {
        release?.();
        if (barStarted) bar?.stop();
      });
      if (!result.completed) {
        const sig = String(stop.signal.reason);
        throw new InterruptedError(
          sig,
          result.checkpointSteps > 0
            ? `training interrupted by ${sig} at ${result.envSteps} of ${cfg.steps} steps; the same command resumes from checkpoint ${result.checkpoints} (${result.checkpointSteps} steps) in ${outDir}`
            : `training interrupted by ${sig} at ${result.envSteps} of ${cfg.steps} steps, before its first checkpoint (checkpointEvery ${cfg.checkpointEvery}); the same command starts from the beginning`,
        );
      }
      process.stdout.write(
        result.alreadyFinished
          ? `already trained: checkpoint ${result.checkpoints} is the final one (${result.envSteps} steps); its outputs were written again\n`
          : '',
      );
      process.stdout.write(
        `${result.resumedFromCheckpoint !== null && !result.alreadyFinished ? `resumed from checkpoint ${result.resumedFromCheckpoint}; ` : ''}trained ${result.envSteps} steps in ${result.episodes} episodes (${(result.wallMs / 1000).toFixed(1)} s); final greedy evaluation ${result.finalEvalEur?.toFixed(2) ?? '-'} €/day\n` +
          `output: ${outDir} (checkpoint.json, metrics.jsonl, learning-curve.png, report.html${result.policyPath ? ', policy.json' : ''})\n` +
          (result.noPolicy ? `no policy.json: ${result.noPolicy}\n` : ''),
      );
    });
}
