// `flexarena run --resume <run-folder>`: a lock-step run killed outright or stopped by a signal goes
// on in its own folder under its own id. The core is deterministic and the tape holds every agent
// answer, so the run is re-simulated from config.yaml and the tape's answers (every regenerated
// line checked against the recorded one) up to where the tape ends — where a decision point opened
// (TapeFileSink.checkpoint) — and continues live from that decision point with its agents: launched
// ones started again, external ones reconnecting (the SDKs resume their sessions). The tape and
// settlements.jsonl are written again from the regenerated records into temporary files that
// replace the recorded ones once the re-simulation has caught up; a refusal or a mismatch before
// that leaves the folder as it was.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { RunEnd, RunManifest, SettlementRecord } from '../../gen/flexarena/v1/evaluation.js';
import type { ActionBatch } from '../../gen/flexarena/v1/session.js';
import { FlexArenaError, RunInterruptedError } from '../../lib/index.js';
import type {
  AgentPort,
  DecisionPoint,
  DecisionRequest,
  FaultRecord,
  PublicRecord,
  RecordSink,
  RunConfig,
} from '../../sim/index.js';
import { manifestMsgId, runEndMsgId, settlementMsgId } from '../nats/subjects.js';
import { ReplayPort } from '../replay/replay-port.js';
import { answerKey, readRunTapeAnswers, type TapeAnswers } from '../replay/tape-answers.js';
import { TapeCheck, TapeMismatchError } from '../replay/tape-check.js';
import { loadRunConfig } from './load-config.js';
import { INTERRUPTED_FILE, readInterruption } from './run-folder.js';
import { TAPE_FILE, TAPE_SHA_FILE, TapeFileError } from './tape-file.js';

/** A run folder that cannot be resumed, and why. */
export class ResumeError extends FlexArenaError {
  constructor(
    readonly runDir: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot resume ${runDir}: ${message}`, options);
  }
}

/** The run folder's record of the configuration it started with (config.yaml's sha256). */
export const RESUME_INFO_FILE = '.resume.json';

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Written when a run starts: a resume refuses a config.yaml changed since. */
export function writeResumeInfo(runDir: string): void {
  const config = readFileSync(join(runDir, 'config.yaml'), 'utf8');
  writeFileSync(join(runDir, RESUME_INFO_FILE), `${JSON.stringify({ configSha256: sha256(config) })}\n`);
}

/** What a resumed run starts from. */
export interface ResumePlan {
  runDir: string;
  runId: string;
  cfg: RunConfig;
  configPath: string;
  tapePath: string;
  /** The recorded tape: its lines and the answers on it. */
  tape: TapeAnswers;
}

/** Checks that `folder` holds a run that can go on, and reads what it needs (refusals: ResumeError). */
export async function planResume(folder: string): Promise<ResumePlan> {
  const runDir = resolve(folder);
  const configPath = join(runDir, 'config.yaml');
  if (!existsSync(configPath)) throw new ResumeError(runDir, 'not a run folder (it has no config.yaml)');
  if (existsSync(join(runDir, 'results.json')))
    throw new ResumeError(runDir, 'the run finished (it has results.json): there is nothing to resume');
  const tapePath = join(runDir, TAPE_FILE);
  if (!existsSync(tapePath)) throw new ResumeError(runDir, `not a run folder (it has no ${TAPE_FILE})`);
  const config = readFileSync(configPath, 'utf8');
  const infoPath = join(runDir, RESUME_INFO_FILE);
  if (existsSync(infoPath)) {
    let recorded: unknown;
    try {
      recorded = (JSON.parse(readFileSync(infoPath, 'utf8')) as { configSha256?: unknown }).configSha256;
    } catch (cause) {
      throw new ResumeError(runDir, `${RESUME_INFO_FILE} is not JSON`, { cause });
    }
    if (recorded !== sha256(config))
      throw new ResumeError(
        runDir,
        'config.yaml was changed since the run started: the run can only go on as it began',
      );
  }
  const cfg = loadRunConfig(configPath);
  if (cfg.mode === 'realtime')
    throw new ResumeError(
      runDir,
      'a real-time run (mode: realtime) cannot be resumed: its actions were applied at wall-clock arrival times',
    );
  const runId = basename(runDir);
  if (!/^[a-z0-9][a-z0-9-]*$/.test(runId))
    throw new ResumeError(runDir, `the folder's name "${runId}" is not a run id`);
  let tape: TapeAnswers;
  try {
    tape = await readRunTapeAnswers(runDir);
  } catch (cause) {
    if (cause instanceof TapeFileError) throw new ResumeError(runDir, cause.message, { cause });
    throw cause;
  }
  return { runDir, runId, cfg, configPath, tapePath, tape };
}

/**
 * The resumed run's state: re-simulating the recorded tape, then live. Its parts join the run:
 * the check sink, a port per agent, sink gates for what must not be repeated, and onOpen.
 */
export class ResumeSwitch {
  /** The re-simulation has caught up with the recorded tape; agents answer from here on. */
  live = false;
  readonly check: TapeCheck;
  /** The decision point the run went live at. */
  resumedAtMs: number | undefined;

  constructor(
    readonly plan: ResumePlan,
    /** The temporary files the tape and settlements are written to until the switch, and their places. */
    private readonly files: readonly { temp: string; final: string }[],
    private readonly log: (line: string) => void,
  ) {
    this.check = new TapeCheck(plan.tape.lines, plan.tapePath);
    // Killed before anything reached the tape: nothing to re-simulate.
    if (plan.tape.lines.length === 0) this.goLive(undefined);
  }

  /**
   * The port of an agent in the resumed run. Until the re-simulation has caught up, the tape's
   * answers go through the door. An agent started again by this run (`catchUp`: launched, or in
   * this process) is asked at every recorded decision point too, and its answers are dropped: it
   * sees what its first process saw, so a deterministic strategy rebuilds the state it had (its
   * orders, its plans, what it learnt) and plays on as the first process would have. An agent
   * that connects by itself keeps its own state and is not asked the past.
   */
  port(agentId: string, live: AgentPort | undefined, catchUp: boolean): AgentPort {
    const replay = new ReplayPort(agentId, this.plan.tape);
    const feed = catchUp ? live : undefined;
    return {
      agentId,
      start: (welcome) => live?.start?.(welcome),
      decide: async (req) => {
        if (this.live) return live ? live.decide(req) : 'absent';
        if (!feed || !this.answeredOnTape(agentId, req)) return replay.decide(req);
        let theirs: ActionBatch | undefined;
        const keep = (b: ActionBatch) => {
          theirs = b;
          return { taken: true as const };
        };
        await feed.decide({ ...req, submit: keep });
        const recorded = this.plan.tape.answers.get(answerKey(agentId, req.wakeId));
        const actions = recorded?.kind === 'batch' ? recorded.actions : [];
        if (JSON.stringify(theirs?.actions ?? []) !== JSON.stringify(actions)) this.differed.add(agentId);
        req.submit({ wakeId: req.wakeId, actions: actions as never[] });
        return 'answered';
      },
      end: (ended, acks) => live?.end(ended, acks),
    };
  }

  /**
   * Settlement-stream msgIds sent again while re-simulating the recorded tape: the stopped run had
   * made these messages too, and may have sent them. One the stream turns out to hold (its publish
   * landed after `stored` was read: a dead client's last bytes are still stored) is that run's
   * own, the same bytes, kept once; not a message of another run.
   */
  readonly resentFromTape = new Set<string>();

  /** Agents started again whose answers while catching up differed from the recorded ones. */
  readonly differed = new Set<string>();

  /** The tape shows the agent answering this decision point (not absent, no missed deadline). */
  private answeredOnTape(agentId: string, req: DecisionRequest): boolean {
    const recorded = this.plan.tape.answers.get(answerKey(agentId, req.wakeId));
    if (recorded?.kind === 'missed') return false;
    return recorded !== undefined || !this.plan.tape.absentAt.get(agentId)?.has(req.timeMs);
  }

  /**
   * The clock ran out while re-simulating: the tape held the whole run (killed after its last
   * decision point, before it closed its files) — then it goes live for the end — or less.
   */
  ranOut(): void {
    if (this.live) return;
    if (!this.check.caughtUp())
      throw new TapeMismatchError(
        this.plan.tapePath,
        this.check.lines + 1,
        this.check.lines < this.plan.tape.lines.length,
      );
    this.goLive(undefined);
  }

  /** A decision point opens: has the re-simulation reached the end of the recorded tape? */
  onOpen(p: DecisionPoint): void {
    if (!this.live && this.check.caughtUp()) this.goLive(p.timeMs);
  }

  /** Forwards every record only once live (faults, which agent-faults.log already holds). */
  liveOnly(sink: RecordSink): RecordSink {
    return {
      fault: (r: FaultRecord) => {
        if (this.live) sink.fault?.(r);
      },
    };
  }

  /**
   * The NATS sink: the public feed only once live (watchers do not get the re-simulated past), and
   * of the settlement stream only the messages it does not hold yet (`stored`: their Nats-Msg-Ids)
   * — live too: the stopped run may have published records its files did not reach (settled after
   * the last decision point its tape was flushed at, then killed), and those are regenerated live.
   * Sent again, the stream dropped them as repeats, counted as another run's (heldByEarlierRun).
   */
  natsGate(sink: RecordSink, runId: string, stored: ReadonlySet<string>): RecordSink {
    const owed = (id: string) => {
      if (stored.has(id)) return false;
      if (!this.live) this.resentFromTape.add(id);
      return true;
    };
    return {
      public: (r: PublicRecord) => {
        if (this.live) sink.public?.(r);
      },
      manifest: (m: RunManifest) => {
        if (owed(manifestMsgId(runId))) sink.manifest?.(m);
      },
      settlement: (r: SettlementRecord) => {
        if (owed(settlementMsgId(runId, r.seq))) sink.settlement?.(r);
      },
      runEnd: (e: RunEnd) => {
        if (owed(runEndMsgId(runId))) sink.runEnd?.(e);
      },
    };
  }

  /**
   * What a failure before the switch means; the folder is left as it was (the temporary files go).
   * `signal`: the run was stopped (Ctrl-C, SIGTERM) while it re-simulated its tape.
   */
  failedBeforeLive(err: unknown, signal?: string): unknown {
    for (const f of this.files) rmSync(f.temp, { force: true });
    if (err instanceof TapeMismatchError)
      return new ResumeError(
        this.plan.runDir,
        err.beyondEnd
          ? `its tape does not end where a decision point opened (re-simulating went past its line ${err.line - 1}): ` +
              'it was written by a FlexArena that did not flush its tape at decision points'
          : err.message,
        { cause: err },
      );
    if (signal !== undefined)
      return new RunInterruptedError(
        signal,
        `resuming ${this.plan.runDir} interrupted by ${signal} while it re-simulated the recorded tape ` +
          `(${this.check.lines} of its ${this.plan.tape.lines.length} lines checked); its agents are stopped and ` +
          'its tape and settlement records are as they were: flexarena run --resume goes on from the same point',
      );
    return err;
  }

  private goLive(atMs: number | undefined): void {
    this.live = true;
    this.check.comparing = false;
    this.resumedAtMs = atMs;
    // The regenerated files take the recorded ones' places (the open descriptors follow the
    // rename); what said the run had stopped goes.
    for (const f of this.files) renameSync(f.temp, f.final);
    rmSync(join(this.plan.runDir, INTERRUPTED_FILE), { force: true });
    rmSync(join(this.plan.runDir, TAPE_SHA_FILE), { force: true });
    const at =
      atMs === undefined
        ? this.plan.tape.lines.length === 0
          ? 'its start'
          : 'its end'
        : `the decision point of ${new Date(atMs).toISOString()}`;
    const differed =
      this.differed.size === 0
        ? ''
        : `; ${[...this.differed].join(', ')} answered the past differently from their first processes (their state may differ from the uninterrupted run's)`;
    this.log(
      `resuming ${this.plan.runId}: ${this.plan.tape.lines.length} tape lines re-simulated and checked; live from ${at}${differed}`,
    );
  }
}

/** Whether the folder was stopped by a signal (it has interrupted.json), for the log. */
export function stoppedBy(runDir: string): string {
  return readInterruption(runDir)?.signal ?? 'a kill';
}
