// `flexarena report <dir>`: a self-contained HTML report (report.html) and one PNG per chart, for a
// run folder (from its scores.json, computed first if missing or not of the folder's records), a
// tournament folder (from its leaderboard.json) or a study folder (from its study.json); what it
// reads is cli/report-folder.ts.
import { join } from 'node:path';
import type { Command } from 'commander';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('write report.html and PNG charts for a run, tournament or study folder')
    .argument('<dir>', 'a run folder (runs/<run-id>), a tournament folder or a study folder')
    .option('--no-png', 'only the HTML (no Chromium needed)')
    .action(async (dir: string, o: { png: boolean }) => {
      // Loaded here, not with the options: what a usage error or --help has no use for.
      const [
        { unclosedRunNoteOf },
        { runReport, writeReport },
        { studyReport },
        { tournamentReport },
        { readReportFolder },
      ] = await Promise.all([
        import('../../arena/index.js'),
        import('../../evaluation/index.js'),
        import('../../study/index.js'),
        import('../../tournament/index.js'),
        import('../report-folder.js'),
      ]);
      const input = readReportFolder(dir);
      if (input.kind === 'run' && input.rescored) process.stderr.write(`${input.rescored}\n`);
      // A killed run's folder is reported up to where its files end; the reader is told so.
      const killed = input.kind === 'run' ? unclosedRunNoteOf(dir) : undefined;
      if (killed) process.stderr.write(`${killed}\n`);
      const page =
        input.kind === 'study'
          ? studyReport(input.summary)
          : input.kind === 'tournament'
            ? tournamentReport(input.board)
            : runReport(input.scores);
      const out = join(dir, 'report');
      const written = await writeReport(out, page, { png: o.png });
      process.stdout.write(
        `report: ${written.html}${written.pngs.length > 0 ? `\ncharts: ${written.pngs.join(', ')}` : ''}\n`,
      );
      if (written.consoleErrors.length > 0)
        process.stderr.write(`browser console errors:\n${written.consoleErrors.join('\n')}\n`);
    });
}
