// A run whose arena process is killed outright (SIGKILL: the OOM killer, a reboot) leaves a folder
// complete up to a decision point: the tape (gzip, sync-flushed where each decision point opens)
// reads to a whole line and is a byte-identical prefix of the same run played uninterrupted,
// settlements.jsonl holds exactly the settlement records of that prefix, `evaluate --run-dir`
// scores them provisionally and says the run was killed, `flexarena tape` prints the lines without
// a stack trace, and the dashboard's replay regenerates the run up to there. Before, the tape was
// one gzip stream flushed only at close (a kill left "unexpected end of file" and nothing a reader
// would take), and settlements.jsonl was written at most once a second.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readTapeFile } from '../../arena/index.js';
import { loadReplay } from '../../dashboard/index.js';
import {
  BIN,
  demoConfig,
  runArenaToEnd,
  startArena,
  stopAll,
  tempDir,
  writeConfig,
} from '../helpers/arena-process.js';
import { alive, childrenOf, untilFirstSettlements } from '../helpers/process-control.js';

const orphans: number[] = [];
afterAll(async () => {
  await stopAll();
  // The launched agents outlive an arena killed outright (their SDK tries to reconnect): stopped here.
  for (const pid of orphans) if (alive(pid)) process.kill(pid, 'SIGKILL');
});

describe('a run killed outright (SIGKILL)', () => {
  it('leaves its folder complete up to a decision point, readable by every reader', {
    timeout: 300_000,
  }, async () => {
    const dir = tempDir();
    const cfg = demoConfig({ days: 2 });
    const config = writeConfig(dir, cfg);
    const whole = await runArenaToEnd(config, ['--out', join(dir, 'whole'), '--run-id', 'kill-me']);
    expect(whole.code, whole.stderr).toBe(0);
    const wholeDir = join(dir, 'whole', 'kill-me');
    const wholeTape = readTapeFile(wholeDir).text;
    const wholeSettlements = readFileSync(join(wholeDir, 'settlements.jsonl'), 'utf8');

    // The same run, paced (lock-step is paced after each decision point; the tape does not change)
    // so that it is still running when it is killed, whatever the machine's speed.
    const arena = await startArena(config, [
      '--out',
      join(dir, 'killed'),
      '--run-id',
      'kill-me',
      '--pace',
      '9000',
    ]);
    const settlements = join(arena.runDir, 'settlements.jsonl');
    await untilFirstSettlements(settlements, 240_000);
    orphans.push(...childrenOf(arena.child.pid!));
    arena.child.kill('SIGKILL');
    await arena.exited;

    // The tape: whole lines, a byte-identical prefix of the uninterrupted run's, ending where a
    // decision point opened (the next line of the whole run is that decision point's first answer
    // or later: nothing of it is missing in the middle).
    const tape = readTapeFile(arena.runDir);
    expect(tape.unfinished).toBe(true);
    expect(tape.text.endsWith('\n')).toBe(true);
    const lines = tape.text.split('\n').length - 1;
    expect(lines).toBeGreaterThan(100);
    expect(wholeTape.startsWith(tape.text)).toBe(true);
    expect(wholeTape.length).toBeGreaterThan(tape.text.length);

    // settlements.jsonl: exactly the records the tape's prefix settled, as the whole run wrote them.
    const settled = tape.text.split('\n').filter((l) => l.includes('"type":"settlement"')).length;
    expect(settled).toBeGreaterThan(0);
    const got = readFileSync(settlements, 'utf8');
    expect(got.endsWith('\n')).toBe(true);
    expect(got.split('\n').length - 1).toBe(settled);
    expect(wholeSettlements.startsWith(got)).toBe(true);

    // evaluate --run-dir: provisional, with all those records, and says the run was killed.
    const evaluate = spawnSync(process.execPath, [BIN, 'evaluate', '--run-dir', arena.runDir], {
      encoding: 'utf8',
    });
    expect(evaluate.status, evaluate.stderr).toBe(0);
    expect(evaluate.stdout).toContain(
      `provisional (${settled} records; no run-end.json: the run did not end, so its total is not known`,
    );
    expect(evaluate.stdout).toMatch(
      /the run never closed its files — its arena was killed .* end at the decision point of \S+Z/,
    );

    const report = spawnSync(process.execPath, [BIN, 'report', arena.runDir, '--no-png'], {
      encoding: 'utf8',
    });
    expect(report.status, report.stderr).toBe(0);
    expect(report.stderr).toMatch(/its arena was killed/);

    // flexarena tape: every whole line, no stack trace; what happened on stderr.
    const printed = spawnSync(process.execPath, [BIN, 'tape', arena.runDir], {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    });
    expect(printed.status, printed.stderr).toBe(0);
    expect(printed.stdout).toBe(tape.text);
    expect(printed.stderr).toMatch(/its arena was killed/);
    const verify = spawnSync(process.execPath, [BIN, 'tape', arena.runDir, '--verify'], { encoding: 'utf8' });
    expect(verify.status).not.toBe(0);
    expect(verify.stderr).toMatch(/tape.sha256: missing: the run never closed its tape/);
    expect(verify.stderr).not.toMatch(/\n\s+at /);

    // The dashboard's replay regenerates the run up to the decision point the tape ends at.
    const replay = await loadReplay(arena.runDir);
    expect(replay.tapeLines).toBe(lines);
    expect(replay.timeline.interrupted?.signal).toBe('killed');
    const lastT = (JSON.parse(tape.text.trimEnd().split('\n').at(-1)!) as { t: number }).t;
    const at = replay.timeline.interrupted!.lastDecisionMs;
    expect(at).toBeGreaterThanOrEqual(lastT);
    expect(at - lastT).toBeLessThan(15 * 60_000);
  });
});
