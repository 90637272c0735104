// `flexarena report <dir>`: a self-contained HTML report (report.html) and one PNG per chart, for a
// run folder (from its scores.json, computed first if missing), a tournament folder (from its
// games) or a study folder (from its study.json).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import {
  type RunScores,
  runReport,
  scoreRunFolder,
  writeReport,
  writeScores,
} from '../../evaluation/index.js';
import { FlexArenaError } from '../../lib/index.js';
import { type StudySummary, studyReport } from '../../study/index.js';
import { type Leaderboard, tournamentReport } from '../../tournament/index.js';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('write report.html and PNG charts for a run, tournament or study folder')
    .argument('<dir>', 'a run folder (runs/<run-id>), a tournament folder or a study folder')
    .option('--no-png', 'only the HTML (no Chromium needed)')
    .action(async (dir: string, o: { png: boolean }) => {
      let page: ReturnType<typeof runReport>;
      if (existsSync(join(dir, 'study.json'))) {
        page = studyReport(
          (JSON.parse(readFileSync(join(dir, 'study.json'), 'utf8')) as { summary: StudySummary }).summary,
        );
      } else if (existsSync(join(dir, 'leaderboard.json'))) {
        page = tournamentReport(
          JSON.parse(readFileSync(join(dir, 'leaderboard.json'), 'utf8')) as Leaderboard,
        );
      } else if (existsSync(join(dir, 'settlements.jsonl'))) {
        let scores: RunScores;
        if (existsSync(join(dir, 'scores.json')))
          scores = JSON.parse(readFileSync(join(dir, 'scores.json'), 'utf8'));
        else {
          scores = scoreRunFolder(dir);
          writeScores(dir, scores);
        }
        page = runReport(scores);
      } else
        throw new FlexArenaError(
          `${dir} is neither a run folder (settlements.jsonl) nor a tournament folder (leaderboard.json) nor a study folder (study.json)`,
        );
      const out = join(dir, 'report');
      const written = await writeReport(out, page, { png: o.png });
      process.stdout.write(
        `report: ${written.html}${written.pngs.length > 0 ? `\ncharts: ${written.pngs.join(', ')}` : ''}\n`,
      );
      if (written.consoleErrors.length > 0)
        process.stderr.write(`browser console errors:\n${written.consoleErrors.join('\n')}\n`);
    });
}
