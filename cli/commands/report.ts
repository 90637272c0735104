// `flexarena report <dir>`: a self-contained HTML report (report.html) and one PNG per chart, for a
// run folder (from its scores.json, computed first if missing) or a tournament folder (from its
// games).
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
import { type Leaderboard, tournamentReport } from '../../tournament/index.js';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('write report.html and PNG charts for a run folder or a tournament folder')
    .argument('<dir>', 'a run folder (runs/<run-id>) or a tournament folder')
    .option('--no-png', 'only the HTML (no Chromium needed)')
    .action(async (dir: string, o: { png: boolean }) => {
      let page: ReturnType<typeof runReport>;
      if (existsSync(join(dir, 'leaderboard.json'))) {
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
          `${dir} is neither a run folder (settlements.jsonl) nor a tournament folder (leaderboard.json)`,
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
