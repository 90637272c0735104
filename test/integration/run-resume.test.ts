// `flexarena run --resume <run-folder>` continues a lock-step run killed outright (SIGKILL) or stopped
// with Ctrl-C, in its folder under its id: it re-simulates the recorded answers up to where the
// tape ends (checking every regenerated line), then plays on live with its launched agents started
// again, and ends with a complete folder (results.json, tape.sha256). What it cannot resume it
// refuses, naming the folder and why, and leaves the folder as it was. Before, such a run was lost:
// the only way on was to play it again from the start.
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readTapeFile } from '../../arena/index.js';
import {
  BIN,
  demoConfig,
  runArenaToEnd,
  startArena,
  stopAll,
  tempDir,
  writeConfig,
} from '../helpers/arena-process.js';
import { NatsServerProcess, stopAllNatsServers } from '../helpers/nats-server-process.js';
import { alive, childrenOf, sleep, untilFirstSettlements } from '../helpers/process-control.js';
import { duplicatesOnlyFromRetries, readRunSettlements } from '../helpers/settlement-stream.js';

const orphans: number[] = [];
afterAll(async () => {
  await stopAll();
  await stopAllNatsServers();
  // The launched agents outlive an arena killed outright (their SDK tries to reconnect): stopped here.
  for (const pid of orphans) if (alive(pid)) process.kill(pid, 'SIGKILL');
});

const dir = tempDir('flexarena-resume-');
const config = writeConfig(dir, demoConfig({ days: 2 }));

function flexarena(args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 240_000 });
}

/**
 * A paced copy of the run stopped by `signal` once it has settled something (and, when `published`
 * is given, once that says the first records reached NATS: the publisher is buffered, so on a
 * loaded machine a kill can come before its first delivery).
 */
async function stoppedRun(
  name: string,
  signal: NodeJS.Signals,
  file = config,
  published?: () => Promise<boolean>,
): Promise<string> {
  const arena = await startArena(file, ['--out', join(dir, name), '--run-id', 'resume-me', '--pace', '9000']);
  const settlements = join(arena.runDir, 'settlements.jsonl');
  await untilFirstSettlements(settlements, 240_000);
  const end = Date.now() + 240_000;
  while (published && !(await published())) {
    if (Date.now() > end) throw new Error('timed out waiting for the first settlements on NATS');
    await sleep(200);
  }
  orphans.push(...childrenOf(arena.child.pid!));
  arena.child.kill(signal);
  await arena.exited;
  return arena.runDir;
}

let whole: { dir: string; tape: string; settlements: string } | undefined;
async function wholeRun(): Promise<NonNullable<typeof whole>> {
  if (whole) return whole;
  const res = await runArenaToEnd(config, ['--out', join(dir, 'whole'), '--run-id', 'resume-me']);
  expect(res.code, res.stderr).toBe(0);
  const d = join(dir, 'whole', 'resume-me');
  whole = {
    dir: d,
    tape: readTapeFile(d).text,
    settlements: readFileSync(join(d, 'settlements.jsonl'), 'utf8'),
  };
  return whole;
}

/** Resumes `runDir` to its end and checks the folder against the uninterrupted run. */
async function resumeAndCompare(runDir: string): Promise<void> {
  const w = await wholeRun();
  const before = readTapeFile(runDir).text;
  expect(w.tape.startsWith(before)).toBe(true);
  const res = await runArenaToEnd('--resume', [runDir]);
  expect(res.code, res.stderr).toBe(0);
  expect(res.stderr).toMatch(
    /resuming resume-me: \d+ tape lines re-simulated and checked; live from the decision point of \S+Z/,
  );
  // A complete folder: results, the tape's hash (verified), no trace of the stop.
  for (const f of ['results.json', 'results.csv', 'tape.sha256', 'run-end.json'])
    expect(existsSync(join(runDir, f)), f).toBe(true);
  expect(existsSync(join(runDir, 'interrupted.json'))).toBe(false);
  const verify = flexarena(['tape', runDir, '--verify']);
  expect(verify.status, verify.stderr).toBe(0);
  // The tape up to the stop is the recorded one, byte for byte; the run went on to its end.
  const after = readTapeFile(runDir);
  expect(after.unfinished).toBe(false);
  expect(after.text.startsWith(before)).toBe(true);
  expect(after.text.trimEnd().split('\n').at(-1)).toMatch(/"type":"run-end"/);
  // Every settlement record once, as many as the uninterrupted run's.
  const results = JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8'));
  const wholeResults = JSON.parse(readFileSync(join(w.dir, 'results.json'), 'utf8'));
  expect(results.runId).toBe('resume-me');
  expect(results.stats.settlementRecords).toBe(wholeResults.stats.settlementRecords);
  const lines = readFileSync(join(runDir, 'settlements.jsonl'), 'utf8').trimEnd().split('\n');
  expect(lines).toHaveLength(wholeResults.stats.settlementRecords);
  expect(lines.map((l) => JSON.parse(l).seq)).toEqual(lines.map((_, i) => i + 1));
  // The demo's agents decide from what each wake-up tells them: started again, they play on as
  // their first processes would have, and the whole run is the uninterrupted one.
  expect(after.text).toBe(w.tape);
  expect(readFileSync(join(runDir, 'settlements.jsonl'), 'utf8')).toBe(w.settlements);
}

describe('flexarena run --resume', () => {
  it('continues a run killed outright to its end, the same run as played through', {
    timeout: 600_000,
  }, async () => {
    const runDir = await stoppedRun('killed', 'SIGKILL');
    expect(existsSync(join(runDir, 'tape.sha256'))).toBe(false);
    await resumeAndCompare(runDir);
  });

  it('continues a run stopped with Ctrl-C', { timeout: 600_000 }, async () => {
    const runDir = await stoppedRun('interrupted', 'SIGINT');
    expect(existsSync(join(runDir, 'interrupted.json'))).toBe(true);
    // What it cannot resume, it refuses, and leaves the folder as it was.
    const copy = (name: string, change: (d: string) => void) => {
      const d = join(dir, name, 'resume-me');
      cpSync(runDir, d, { recursive: true });
      change(d);
      return d;
    };
    const refused = (folder: string, why: RegExp) => {
      const tape = existsSync(join(folder, 'tape.jsonl.gz'))
        ? readFileSync(join(folder, 'tape.jsonl.gz'))
        : undefined;
      const res = flexarena(['run', '--resume', folder]);
      expect(res.status, res.stderr).toBe(1);
      expect(res.stderr).toMatch(why);
      expect(res.stderr).not.toMatch(/\n\s+at /);
      if (tape) expect(readFileSync(join(folder, 'tape.jsonl.gz')).equals(tape)).toBe(true);
    };
    refused(
      copy('changed', (d) => appendFileSync(join(d, 'config.yaml'), 'deadlineMs: 9000\n')),
      /cannot resume \S+changed\/resume-me: config.yaml was changed since the run started/,
    );
    refused(
      copy('realtime', (d) => {
        rmSync(join(d, '.resume.json'));
        const text = readFileSync(join(d, 'config.yaml'), 'utf8');
        writeFileSync(
          join(d, 'config.yaml'),
          text.replace(/^mode: lockstep$/m, 'mode: realtime\nrealtime: { speed: 100 }'),
        );
      }),
      /cannot resume \S+: a real-time run \(mode: realtime\) cannot be resumed/,
    );
    refused(
      copy('other-seed', (d) => {
        rmSync(join(d, '.resume.json'));
        const text = readFileSync(join(d, 'config.yaml'), 'utf8');
        writeFileSync(join(d, 'config.yaml'), text.replace(/^seed: 7$/m, 'seed: 8'));
      }),
      /cannot resume \S+: re-simulating \S+tape.jsonl.gz produced a different tape at line 1: /,
    );
    refused(dir, /cannot resume \S+: not a run folder \(it has no config.yaml\)/);
    const agentLog = (id: string) => readFileSync(join(runDir, 'agents', `${id}.log`), 'utf8');
    const ids = ['liquidity', 'heuristic', 'idle'];
    const logsBefore = ids.map(agentLog);
    await resumeAndCompare(runDir);
    // Each agent was told the run was interrupted and had its last line written to its log (the
    // arena killed them at once, and the logs were mostly empty), …
    for (const [i, id] of ids.entries())
      expect(logsBefore[i], id).toMatch(/: \d+ wake-ups[^\n]*; run interrupted \(SIGINT\)\n$/);
    // … which the resumed run keeps (they were overwritten), then one line marking where the
    // resumed run starts, then the new processes' output.
    for (const [i, id] of ids.entries()) {
      const after = agentLog(id);
      expect(after.startsWith(logsBefore[i]!), id).toBe(true);
      expect(after.slice(logsBefore[i]!.length), id).toMatch(
        /^--- \S+Z: flexarena run --resume; the run goes on from here ---\n[\s\S]*run complete\n$/,
      );
    }
    // A finished run has nothing to resume.
    refused(runDir, /cannot resume \S+: the run finished \(it has results.json\)/);
  });

  it('on a shared NATS server, stores every settlement-stream message of the run exactly once', {
    timeout: 600_000,
  }, async () => {
    const server = await NatsServerProcess.start();
    const shared = writeConfig(
      dir,
      demoConfig({ days: 2, nats: { enabled: true, url: server.url } }),
      'nats.yaml',
    );
    const runDir = await stoppedRun(
      'nats',
      'SIGKILL',
      shared,
      // Before the run's first publish the stream may not exist yet: that is "not yet".
      () =>
        readRunSettlements(server.url, 'resume-me').then(
          (m) => m.length > 0,
          () => false,
        ),
    );
    const before = await readRunSettlements(server.url, 'resume-me');
    expect(before.length).toBeGreaterThan(0);
    // Its own id is not refused as taken; what the stream holds is not published again.
    const res = await runArenaToEnd('--resume', [runDir]);
    expect(res.code, res.stderr).toBe(0);
    const results = JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8'));
    expect(results.nats).toMatchObject({ undelivered: 0 });
    expect(duplicatesOnlyFromRetries(results.nats)).toBeUndefined();
    const stored = await readRunSettlements(server.url, 'resume-me');
    const seqs = stored.map((m) => m.seq).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: results.stats.settlementRecords }, (_, i) => i + 1));
    expect(new Set(stored.map((m) => m.msgId)).size).toBe(stored.length);
    expect(results.nats.messages + before.length + 1).toBe(results.stats.settlementRecords + 2);
  });
  it('continues a run killed before its first record, while it waited for an agent to connect', {
    timeout: 600_000,
  }, async () => {
    // Its tape is empty. The resume failed with a stack trace (ENOENT, renaming the regenerated
    // tape into place before it had been made) and the folder could not go on.
    const file = writeConfig(dir, demoConfig({ connectTimeoutMs: 15_000 }), 'waits.yaml');
    const args = ['--in-process', '--external', 'idle=token-never-comes', '--run-id', 'waits'];
    const arena = await startArena(file, [...args, '--out', join(dir, 'waits-killed')]);
    arena.child.kill('SIGKILL');
    await arena.exited;
    expect(readTapeFile(arena.runDir).text).toBe('');
    const res = await runArenaToEnd('--resume', [arena.runDir, '--in-process']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toMatch(/resuming waits: 0 tape lines re-simulated and checked; live from its start/);
    expect(flexarena(['tape', arena.runDir, '--verify']).status).toBe(0);
    // The agent that never came is absent in both: the same run as one never killed.
    const played = await runArenaToEnd(file, [...args, '--out', join(dir, 'waits-whole')]);
    expect(played.code, played.stderr).toBe(0);
    expect(readTapeFile(arena.runDir).text).toBe(readTapeFile(join(dir, 'waits-whole', 'waits')).text);
  });
});
