// `flexarena report` on folders it cannot draw: each is a ReportFolderError naming the file or
// folder and what to do (a corrupt leaderboard.json or study.json was a SyntaxError or TypeError
// with a stack trace, and a stopped tournament's folder was "neither a run folder nor …").
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReportFolderError, readReportFolder } from './report-folder.js';

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'report-folder-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const refused = (dir: string): string => {
  try {
    readReportFolder(dir);
  } catch (err) {
    expect(err).toBeInstanceOf(ReportFolderError);
    expect((err as Error).message.split('\n')).toHaveLength(1);
    return (err as Error).message;
  }
  throw new Error(`${dir} was not refused`);
};

describe('report folder', () => {
  it('refuses a folder that is not there, a file, and an empty folder', () => {
    const base = folder({ 'a.yaml': 'x: 1\n' });
    expect(refused(join(base, 'nothere'))).toBe(`${join(base, 'nothere')}: no such folder`);
    expect(refused(join(base, 'a.yaml'))).toMatch(
      /a\.yaml is a file: give the run, tournament or study folder/,
    );
    mkdirSync(join(base, 'empty'));
    expect(refused(join(base, 'empty'))).toMatch(/empty is neither a run folder .* nor a study folder/);
  });

  it('names a results file that is cut off or of another shape, and the command that writes it again', () => {
    const cut = folder({ 'leaderboard.json': '{"tournament":"t","rows":[{"rank":1,' });
    expect(refused(cut)).toMatch(
      /leaderboard\.json is not readable as JSON \(.*\); flexarena tournament <file> --out .* writes it again$/,
    );
    expect(refused(folder({ 'leaderboard.json': '{}' }))).toMatch(
      /leaderboard\.json is not a leaderboard \(no rows\[\]\)/,
    );
    expect(refused(folder({ 'study.json': '{"summary":{}}' }))).toMatch(
      /study\.json is not a study's results \(no summary\.variants\[\]\); flexarena study <file> --out/,
    );
  });

  it("scores a run folder again when its scores.json is damaged or not of the folder's records", () => {
    const rescored = (files: Record<string, string>) => {
      const input = readReportFolder(folder({ 'settlements.jsonl': '', ...files }));
      if (input.kind !== 'run') throw new Error(input.kind);
      return input.rescored;
    };
    expect(rescored({ 'scores.json': 'null' })).toMatch(/scores\.json was not a run's scores: scored again$/);
    expect(rescored({ 'scores.json': '{"agents":[' })).toMatch(
      /scores\.json was not readable as JSON \(.*\): scored again$/,
    );
    expect(rescored({ 'scores.json': '{"agents":[]}' })).toMatch(
      /scores\.json was written by an earlier evaluator \(this is version 1\): scored again$/,
    );
    expect(rescored({ 'scores.json': '{"agents":[],"evaluatorVersion":1,"inputsSha256":"0"}' })).toMatch(
      /scores\.json was computed from other settlement records than the folder's .*: scored again$/,
    );
    expect(rescored({})).toBeUndefined();
  });

  it('says a stopped tournament or study has not finished, and how to finish it', () => {
    expect(refused(folder({ 'tournament.json': '{}', 'games.jsonl': '' }))).toMatch(
      /holds a tournament that has not finished \(no leaderboard\.json yet\): run flexarena tournament <file> --out /,
    );
    expect(refused(folder({ 'study-config.json': '{}', 'runs.jsonl': '' }))).toMatch(
      /holds a study that has not finished \(no study\.json yet\): run flexarena study <file> --out /,
    );
  });

  it('reads what a finished tournament, study or scored run wrote', () => {
    expect(readReportFolder(folder({ 'leaderboard.json': '{"rows":[]}' })).kind).toBe('tournament');
    expect(readReportFolder(folder({ 'study.json': '{"summary":{"variants":[]}}' })).kind).toBe('study');
    const scored = folder({ 'settlements.jsonl': '' });
    const first = readReportFolder(scored);
    expect(first.kind).toBe('run');
    // The second time, the scores.json the first one wrote is the folder's own.
    expect(readReportFolder(scored)).toEqual({ kind: 'run', scores: first.kind === 'run' && first.scores });
  });
});
