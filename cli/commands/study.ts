// `flexarena study <file.yaml>`: a price-maker study — counterfactual runs of one scenario on the
// same world seeds (without an agent, with its battery scaled, with N identical batteries),
// resumable (finished runs are kept in the study folder), with a progress bar, a table at the end,
// the files and the HTML report with PNG charts.
import { join } from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import type { StudySummary } from '../../study/index.js';
import type { Interval } from '../../tournament/index.js';
import { pathOption, stopOnSignal } from '../options.js';
import { textTable } from '../text-table.js';

const ci = (i: Interval, digits = 0, scale = 1) =>
  i.mean === null
    ? '–'
    : `${(i.mean * scale).toFixed(digits)} [${((i.lo ?? i.mean) * scale).toFixed(digits)}, ${((i.hi ?? i.mean) * scale).toFixed(digits)}]`;

export function formatStudy(s: StudySummary): string {
  // textTable: cli-table3's own colours would put terminal escapes into a redirected output.
  const table = textTable([
    ['variant', 'left'],
    ['MW each', 'right'],
    ['€/MW [95 % CI]', 'right'],
    ['PoP % [95 % CI]', 'right'],
    ['Δ CID VWAP €/MWh', 'right'],
    ['Δ DA €/MWh', 'right'],
    ['mean |Δ DA| €/MWh', 'right'],
    ['Δ DA spread €/MWh', 'right'],
    ['Δ spread €/MWh', 'right'],
    ['Δ depth MW', 'right'],
  ]);
  for (const v of s.variants)
    table.push([
      v.batteries > 1 ? `${v.variant} (${v.batteries} batteries)` : v.variant,
      v.powerMwPerBattery ?? '–',
      ci(v.revenuePerMwEur),
      ci(v.popMultiMarket, 1, 100),
      ci(v.impact.cidVwapEur, 2),
      ci(v.impact.daMeanEur, 2),
      ci(v.daMeanAbsChangeEur, 3),
      ci(v.impact.daSpreadEur, 2),
      ci(v.impact.spreadEur, 2),
      ci(v.impact.depthMw),
    ]);
  // A bootstrap of one seed is that seed's value: its "interval" says nothing about luck.
  const one = s.seeds === 1 ? '\nOne world seed: the intervals are points, not uncertainty; add seeds.' : '';
  return `${table.toString()}\n${s.seeds} world seed(s); revenue = ${s.metric}; Δ = variant − without, per seed; intervals: bootstrap over seeds, ${s.resamples} resamples.${one}`;
}

interface StudyFlags {
  out?: string;
  progress: boolean;
  report: boolean;
  png: boolean;
}

export function registerStudy(program: Command): void {
  program
    .command('study')
    .description('run a price-maker study: counterfactual runs on the same seeds (resumable)')
    .argument('<file>', 'study file (YAML)')
    .option('--out <dir>', 'study folder (default runs/studies/<name>)', pathOption('--out'))
    .option('--no-progress', 'no progress bar')
    .option('--no-report', 'no HTML report')
    .option('--no-png', 'the HTML report without PNG charts (no Chromium needed)')
    .action(async (file: string, o: StudyFlags) => {
      // Loaded here, not with the options: the study runtime (the arena, the report renderer) is
      // CPU that a usage error or --help has no use for.
      const [{ loadStudy, runStudy, studyFaultLines, studyReport, writeStudyFiles }, { writeReport }] =
        await Promise.all([import('../../study/index.js'), import('../../evaluation/index.js')]);
      const s = loadStudy(file);
      const bar = o.progress
        ? new cliProgress.SingleBar(
            {
              format: ' {bar} {value}/{total} runs | {eta_formatted} left | {last}',
              stream: process.stderr,
              hideCursor: true,
            },
            cliProgress.Presets.shades_classic,
          )
        : undefined;
      let started = false;
      const stop = stopOnSignal('stopping the study (the run in progress is dropped, finished ones kept)');
      const outcome = await runStudy(s, {
        file,
        signal: stop.signal,
        ...(o.out ? { dir: o.out } : {}),
        onProgress: (p) => {
          if (!bar) return;
          if (!started) {
            bar.start(p.total, p.finished, { last: p.resumed > 0 ? `${p.resumed} finished before` : '' });
            started = true;
          }
          bar.update(p.finished, {
            last: p.last
              ? `seed ${p.last.seedIndex} ${p.last.variant} ${(p.last.wallMs / 1000).toFixed(1)} s`
              : '',
          });
        },
      }).finally(() => {
        stop.release();
        bar?.stop(); // shows the cursor again, also when the study failed or was interrupted
      });
      const files = writeStudyFiles(outcome.dir, s, outcome.summary, outcome.runs);
      process.stdout.write(`\nStudy ${s.name}: ${outcome.played} run(s) now, ${outcome.resumed} resumed\n`);
      process.stdout.write(`${formatStudy(outcome.summary)}\n`);
      for (const line of studyFaultLines(outcome.runs)) process.stdout.write(`${line}\n`);
      process.stdout.write(`files: ${[`${outcome.dir}/runs.jsonl`, ...files].join(', ')}\n`);
      if (o.report) {
        const written = await writeReport(join(outcome.dir, 'report'), studyReport(outcome.summary), {
          png: o.png,
        });
        process.stdout.write(
          `report: ${written.html}${written.pngs.length > 0 ? ` (+ ${written.pngs.length} PNG)` : ''}\n`,
        );
      }
    });
}
