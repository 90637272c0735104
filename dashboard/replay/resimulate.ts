// A run's public data (a finished run's, or an interrupted one's up to where it stopped), regenerated
// from its folder: the configuration (config.yaml) and
// the agents' answers on the tape (tape.jsonl.gz) drive the simulation core again, and a sink
// collects what it publishes. The core is deterministic, so this is the run's data itself — the
// order books at every decision point included, which no file keeps. Every tape line the replay
// produces is compared with the recorded one; a difference stops the replay, naming the line.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import {
  INTERRUPTED_FILE,
  type Interruption,
  isUnclosedRun,
  LEGACY_TAPE_FILE,
  loadRunConfig,
  ReplayPort,
  readInterruption,
  readRunTapeAnswers,
  readWorldFiles,
  subjects,
  TAPE_FILE,
  type TapeAnswers,
  TapeCheck,
  TapeFileError,
  type TapeLines,
  TapeMismatchError,
} from '../../arena/index.js';
import { SettlementRecord } from '../../gen/flexarena/v1/evaluation.js';
import {
  type AgentPort,
  type PublicRecord,
  type RecordSink,
  type RunConfig,
  runLockstep,
  Simulation,
} from '../../sim/index.js';
import { ReplayInputError, ReplayMismatchError } from '../errors.js';
import { ReplayFeed } from './replay-feed.js';
import type { Timeline } from './timeline.js';

function readRequired(runDir: string, name: string): string {
  const path = join(runDir, name);
  if (!existsSync(path)) throw new ReplayInputError(path, 'missing: is this a finished run folder?');
  return readFileSync(path, 'utf8');
}

/**
 * The answers on the tape (tape.jsonl.gz, or the tape.jsonl of older run folders), read as a stream
 * up to its last whole line; a tape or line that cannot be read is named as the replay's input error
 * (why: missing, not gzip, not JSON), not only that it is missing or unreadable.
 */
async function readAnswers(runDir: string): Promise<TapeAnswers> {
  try {
    return await readRunTapeAnswers(runDir);
  } catch (err) {
    if (err instanceof TapeFileError) {
      const why = err.message.startsWith(`${err.path}: `)
        ? err.message.slice(err.path.length + 2)
        : err.message;
      throw new ReplayInputError(err.path, why, { cause: err });
    }
    throw err;
  }
}

/** The run id the run was published under: results.json says; else the folder's name. */
function runIdOf(runDir: string): string {
  const path = join(runDir, 'results.json');
  if (!existsSync(path)) return basename(resolve(runDir));
  try {
    const id = JSON.parse(readFileSync(path, 'utf8')).runId;
    if (typeof id === 'string' && id) return id;
  } catch (cause) {
    throw new ReplayInputError(path, 'not JSON', { cause });
  }
  throw new ReplayInputError(path, 'has no runId');
}

/** A world CSV named relative to the original configuration's folder: look beside the run, then here. */
function worldBaseDir(cfg: RunConfig, runDir: string): string {
  const src = cfg.world.source;
  if (src === 'synthetic' || isAbsolute(src.entsoeCsv)) return runDir;
  return existsSync(resolve(runDir, src.entsoeCsv)) ? runDir : process.cwd();
}

/** Collects what the core publishes, stamped with the virtual time it was published at. */
class TimelineSink implements RecordSink {
  readonly messages: ReplayFeed;
  clock: () => number = () => 0;
  /** The run-started event comes before the clock's first tick: it carries its own time. */
  private floorMs = 0;
  private readonly subj;

  constructor(runId: string, interrupted: Interruption | undefined) {
    this.subj = subjects(runId);
    this.messages = new ReplayFeed(runId, interrupted);
  }

  public(r: PublicRecord): void {
    const book = /^cid\.(.+)\.book$/.exec(r.topic);
    if (r.topic === 'run' && this.messages.length === 0)
      this.floorMs = (r.message as { timeMs: number }).timeMs;
    this.messages.push({
      t: Math.max(this.clock(), this.floorMs),
      subject: this.subj.tail(r.topic),
      data: JSON.stringify(r.codec.toJSON(r.message)),
      ...(book ? { supersedes: `book:${book[1]}` } : r.topic === 'clock' ? { supersedes: 'clock' } : {}),
    });
  }

  settlement(r: SettlementRecord): void {
    this.messages.push({
      t: Math.max(this.clock(), this.floorMs),
      subject: this.subj.settlement(r.agentId),
      data: JSON.stringify(SettlementRecord.toJSON(r)),
    });
  }
}

/** interrupted.json's signal for a run killed outright, which never wrote one. */
export const KILLED_SIGNAL = 'killed';

/**
 * How an interrupted run stopped (the signal, its last decision point's time), or undefined for a
 * run that ended. A run killed outright (no run-end record, no interrupted.json, no tape.sha256)
 * is replayed to the last decision point its tape reaches: lastDecisionMs is NaN until the replay
 * has found it. Any other tape without a run-end record cannot be replayed to its end.
 */
function interruptionOf(runDir: string, lines: TapeLines, tapePath: string): Interruption | undefined {
  const last = lines.at(lines.length - 1);
  if (last !== undefined && (JSON.parse(last) as { type?: string }).type === 'run-end') return undefined;
  const interruption = readInterruption(runDir);
  if (interruption) return interruption;
  if (isUnclosedRun(runDir)) return { signal: KILLED_SIGNAL, lastDecisionMs: Number.NaN };
  throw new ReplayInputError(
    tapePath,
    `the run did not finish (no run-end record) and its folder has no ${INTERRUPTED_FILE} saying where it stopped`,
  );
}

export interface ReplayLoad {
  timeline: Timeline;
  tapeSha256: string;
  tapeLines: number;
}

/**
 * That `runDir` is a run folder, before anything else is said or done: `flexarena dashboard
 * runs/nosuch` printed "replaying runs/nosuch: re-running the simulation…" and only then its error.
 * Returns the path of its `config.yaml`.
 */
export function checkRunFolder(runDir: string): string {
  if (!existsSync(runDir)) throw new ReplayInputError(runDir, 'no such folder');
  if (!statSync(runDir).isDirectory()) throw new ReplayInputError(runDir, 'a file, not a run folder');
  const configPath = join(runDir, 'config.yaml');
  if (!existsSync(configPath)) throw new ReplayInputError(configPath, 'missing: is this a run folder?');
  return configPath;
}

export async function loadReplay(runDir: string): Promise<ReplayLoad> {
  const configPath = checkRunFolder(runDir);
  const cfg = loadRunConfig(configPath);
  // A real-time run's batches were applied when they arrived on the wall clock: its tape records
  // when (receivedT), but the lock-step re-simulation here cannot play that back.
  if (cfg.mode === 'realtime')
    throw new ReplayInputError(
      configPath,
      'a real-time run (mode: realtime) cannot be replayed: its actions were applied at wall-clock arrival times',
    );
  const tapePath = join(runDir, existsSync(join(runDir, TAPE_FILE)) ? TAPE_FILE : LEGACY_TAPE_FILE);
  const tape = await readAnswers(runDir);
  try {
    return await replay(runDir, cfg, configPath, tapePath, tape);
  } finally {
    // The tape's temporary copy: every line has been compared.
    tape.lines.close();
  }
}

async function replay(
  runDir: string,
  cfg: RunConfig,
  configPath: string,
  tapePath: string,
  tape: TapeAnswers,
): Promise<ReplayLoad> {
  const interruption = interruptionOf(runDir, tape.lines, tapePath);
  const killed = interruption?.signal === KILLED_SIGNAL && Number.isNaN(interruption.lastDecisionMs);
  // A killed run never wrote tape.sha256: its lines are compared one by one, up to where they end.
  const recordedSha = killed ? undefined : readRequired(runDir, 'tape.sha256').trim().split(/\s+/)[0]!;
  const runId = runIdOf(runDir);

  const timeline = new TimelineSink(runId, interruption);
  // The feed's file is closed if the replay fails (it is unlinked already).
  try {
    // Every line the replay produces is compared with the recorded one; a killed run's tape may end
    // inside a decision point (a version before the tape was flushed where decision points open).
    const check = new TapeCheck(tape.lines, tapePath, killed);
    const sim = await Simulation.create(cfg, {
      runId,
      sinks: [check, timeline],
      files: readWorldFiles(cfg, worldBaseDir(cfg, runDir), configPath),
    });
    timeline.clock = () => sim.timeMs;
    const ports = new Map<string, AgentPort>(cfg.agents.map((a) => [a.id, new ReplayPort(a.id, tape)]));
    // A run stopped by a signal is replayed to where it stopped: after its last decision point.
    const stop = new AbortController();
    const lastDecisionMs = interruption?.lastDecisionMs;
    if (lastDecisionMs === 0) stop.abort('the recorded end'); // stopped before its first decision point
    /** A killed run: the last decision point whose opening the tape reaches, and the timeline then. */
    let reached: { timeMs: number; messages: number } | undefined;
    await runLockstep(sim, ports, {
      signal: stop.signal,
      onOpen: (p) => {
        if (!killed) return;
        // Its tape ends where a decision point opened (TapeFileSink.checkpoint): stop there.
        const caughtUp = check.caughtUp();
        if (!check.beyondEnd) reached = { timeMs: p.timeMs, messages: timeline.messages.length };
        if (check.beyondEnd || caughtUp) stop.abort('the recorded end');
      },
      onDecision: (p) => {
        if (lastDecisionMs !== undefined && p.timeMs >= lastDecisionMs) stop.abort('the recorded end');
      },
    }).catch((err: unknown) => {
      if (err instanceof TapeMismatchError)
        throw new ReplayMismatchError(
          `replaying ${tapePath} produced a different tape at line ${err.line}` +
            (err.beyondEnd ? ' (beyond the recorded end)' : '') +
            ': the run cannot be replayed faithfully (was it made by another version of FlexArena?)',
          { cause: err },
        );
      if (!stop.signal.aborted) throw err;
    });
    if (killed) {
      if (!reached)
        throw new ReplayInputError(
          tapePath,
          'the run was killed before its first decision point: nothing to replay',
        );
      // Decision points the tape holds only in part are not shown.
      timeline.messages.truncate(reached.messages);
      interruption.lastDecisionMs = reached.timeMs;
    }
    const sha = check.seal();
    const line = check.lines;
    if (!killed && (line !== tape.lines.length || sha !== recordedSha))
      throw new ReplayMismatchError(
        `replaying ${tapePath} gave ${line} lines with sha256 ${sha}; the run recorded ${tape.lines.length} lines with ${recordedSha}`,
      );
    const messages = timeline.messages;
    messages.seal();
    return {
      timeline: {
        runId,
        startMs: messages.length ? messages.timeAt(0) : 0,
        endMs: messages.length ? messages.timeAt(messages.length - 1) : 0,
        messages,
        ...(interruption ? { interrupted: interruption } : {}),
      },
      tapeSha256: sha,
      tapeLines: line,
    };
  } catch (err) {
    timeline.messages.close();
    throw err;
  }
}
