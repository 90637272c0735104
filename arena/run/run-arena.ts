// One run, end to end: run folder, NATS, the gRPC gateway for agents in other processes, the
// driver over the simulation core (lock-step, or real-time paced by the wall clock), results. Agents given as objects in `local` play
// in this process (no network, same tape); every other agent is a process reached over gRPC —
// launched here, or started by hand. Every process started here is stopped here.
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify as toYaml } from 'yaml';
import type { RunEnded } from '../../gen/flexarena/v1/session.js';
import {
  lowerHelperThreads,
  makeFolderAmongRemovers,
  RunInterruptedError,
  restoreHelperThreads,
} from '../../lib/index.js';
import {
  type AgentConfig,
  type AgentPort,
  endPorts,
  endPortsFailed,
  endPortsInterrupted,
  type LocalAgent,
  LocalAgentPort,
  type LockstepOptions,
  type RealtimeStats,
  type RecordSink,
  RecordTotals,
  RUN_COMPLETE_REASON,
  type RunConfig,
  type RunResults,
  runLockstep,
  runRealtime,
  runResults,
  Simulation,
  type SimulationFiles,
} from '../../sim/index.js';
import { agentsAddress } from '../gateway/agents-address.js';
import { type GatewayObserver, GrpcGateway } from '../gateway/grpc-gateway.js';
import { bundleAgentProgram } from '../launcher/agent-bundle.js';
import {
  agentCommand,
  agentStateFile,
  clearStateFile,
  type LaunchedAgent,
  launchAgent,
  launchCommand,
  stopAgents,
} from '../launcher/agent-launcher.js';
import { handStartHint } from '../launcher/hand-start-hint.js';
import { LaunchWatch } from '../launcher/launch-watch.js';
import type { OutboxReport } from '../nats/jetstream-outbox.js';
import { type NatsServerHandle, startNatsServer } from '../nats/nats-server-launcher.js';
import { NatsThread } from '../nats/nats-thread.js';
import { assertRunIdUnused, storedRunMsgIds } from '../nats/run-id-check.js';
import { SETTLEMENT_STREAM, SETTLEMENT_SUBJECTS } from '../nats/subjects.js';
import { EarlierRunFolder } from './earlier-run-folder.js';
import { FaultLogSink, RunInfoFileSink, SETTLEMENTS_FILE, SettlementFileSink } from './file-sinks.js';
import { type NatsDelivery, natsDelivery } from './nats-delivery.js';
import { type ResumePlan, ResumeSwitch, writeResumeInfo } from './resume-run.js';
import { RunFolderError, writeInterruption, writeResults, writeTapeHash } from './run-folder.js';
import { type FaultWriter, StoppingFaults } from './stopping-faults.js';
import { TAPE_FILE, TapeFileSink } from './tape-file.js';
import { wallClock } from './wall-clock.js';
import { readWorldFiles, runFolderConfig } from './world-files.js';

/** How long the agents of a run stopped early (a signal, a failure) get to leave by themselves. */
const STOPPED_RUN_GRACE_MS = 2_000;

export interface RunOptions {
  runId?: string;
  /** Relative paths in the configuration (e.g. a world CSV) resolve against this folder. */
  baseDir?: string;
  /** The configuration's file, named in errors about the files it names (e.g. a world CSV). */
  configFile?: string;
  host?: string;
  /** Progress and diagnostics; results are returned. */
  log?: (line: string) => void;
  /** Agents that play in this process, by agent id; all others connect over gRPC. */
  local?: ReadonlyMap<string, LocalAgent>;
  /** Further record sinks (an in-process evaluator, a dashboard bridge, a test). */
  sinks?: readonly RecordSink[];
  /**
   * A nats-server someone else started for this run (the dashboard's, which also serves the
   * browser over WebSocket); it overrides `nats.url` and is not written into config.yaml.
   */
  natsUrl?: string;
  /**
   * Called after each decision point (progress, pacing a lock-step run for people watching it).
   * A real-time run calls it without waiting for it; a resumed run from the decision point it goes
   * live at (not while it re-simulates its tape).
   */
  onDecision?: LockstepOptions['onDecision'];
  /** Sees hellos and every message sent to an agent over gRPC (the compliance suite). */
  observer?: GatewayObserver;
  /**
   * Whether `flexarena agent <name>` runs this strategy (the registry's hasStrategy), for the hint
   * printed for an agent started by hand; without it the hint names `flexarena agent`.
   */
  isBuiltInStrategy?: (name: string) => boolean;
  /** Called once the gateway listens, before agents are launched or waited for. */
  onListening?(address: string, gateway: GrpcGateway): void;
  /**
   * Stops the run (Ctrl-C, SIGTERM; the reason names the signal): it stops waiting for agents or
   * ends after the decision point in progress, stops its agents and nats-server, closes the tape
   * and settlements.jsonl with what happened until then, and rejects with RunInterruptedError.
   */
  signal?: AbortSignal;
  /**
   * Continue the run of this folder (`flexarena run --resume`, planResume): the run's own id, folder
   * and configuration; re-simulated from its tape to where the tape ends, then live.
   */
  resume?: ResumePlan;
}

/**
 * results.json's `agentRestarts` of a run with a restart policy (limits.agentRestarts above 0): the
 * limit, and per launched agent how many times its process was started again.
 */
export interface AgentRestarts {
  limit: number;
  byAgent: Record<string, number>;
}

export interface RunOutput {
  runDir: string;
  results: RunResults & { nats?: NatsDelivery; agentRestarts?: AgentRestarts };
  /** The agents' faults (agent-faults.log's, written or suppressed) by agent and kind. */
  faults: { agentId: string; kind: string; total: number }[];
  natsUrl?: string;
  /** A real-time run: its pace as measured (wall time, lag, decision points skipped by busy agents). */
  realtime?: RealtimeStats;
}

export function makeRunId(cfg: RunConfig): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
  return `${cfg.name}-s${cfg.seed}-${stamp}-${randomBytes(2).toString('hex')}`;
}

interface NatsParts {
  url: string;
  server?: NatsServerHandle;
  /**
   * The public feed and the settlement outbox, in their own thread; also the run's NATS sink. It
   * opens (~0.25 s: its bundle, a V8 isolate, two connections, the stream) while the run is set up
   * and the agent processes start, and joins the sinks before the first decision point — the core
   * emits nothing for NATS before that.
   */
  thread: Promise<NatsThread>;
}

/**
 * The NATS server the run publishes to when someone else started it (the dashboard's, nats.url,
 * FLEXARENA_NATS_URL); undefined when the run starts its own, or has NATS off.
 */
function givenNatsUrl(cfg: RunConfig, givenUrl: string | undefined): string | undefined {
  if (!cfg.nats.enabled) return undefined;
  return givenUrl ?? cfg.nats.url ?? process.env.FLEXARENA_NATS_URL;
}

/**
 * Refuses a run id that the settlement stream of a given server already holds (RunIdInUseError),
 * before the run folder or any process exists. A server the run starts for itself is new, with an
 * empty store: nothing to ask. Runs with NATS off (tournament games, study runs) are not asked
 * either: they publish nothing, so replaying one under its id (a resumed tournament) loses nothing.
 * Another run taking the id between this look-up and the first publish is still possible; the run
 * then counts the messages JetStream dropped (results.json nats.heldByEarlierRun) and says so.
 */
async function checkRunIdFree(cfg: RunConfig, runId: string, givenUrl: string | undefined): Promise<void> {
  const url = givenNatsUrl(cfg, givenUrl);
  if (url) await assertRunIdUnused({ url, runId });
}

async function openNats(
  cfg: RunConfig,
  runId: string,
  runDir: string,
  log: (l: string) => void,
  givenUrl?: string,
): Promise<NatsParts | undefined> {
  if (!cfg.nats.enabled) return undefined;
  let url = givenNatsUrl(cfg, givenUrl);
  let server: NatsServerHandle | undefined;
  if (!url) {
    server = await startNatsServer();
    url = server.url;
    log(`nats-server started at ${url}`);
  }
  // Not awaited here: it opens while the run is set up. A failure surfaces where runArena awaits
  // it (before the first decision point), and runArena's finally stops the server.
  const thread = NatsThread.open(runId, {
    url,
    publicConnectionName: `flexarena-arena-${runId}`,
    settlementConnectionName: `flexarena-settlement-${runId}`,
    stream: {
      name: SETTLEMENT_STREAM,
      subjects: [SETTLEMENT_SUBJECTS],
      duplicateWindowMs: cfg.nats.duplicateWindowMs,
    },
    spoolPath: join(runDir, '.settlement-spool'),
  });
  // Until it is awaited a failure waits in the promise, not as an unhandled rejection.
  thread.catch(() => {});
  return { url, ...(server ? { server } : {}), thread };
}

/** Waits for the outbox (up to the configured time), then says what was and was not delivered. */
async function closeNats(
  n: NatsParts,
  cfg: RunConfig,
  runDir: string,
  log: (l: string) => void,
  resentFromTape?: ReadonlySet<string>,
): Promise<NatsDelivery> {
  const thread = await n.thread;
  await thread.drain(cfg.nats.deliveryTimeoutMs);
  const closed = await thread.close(join(runDir, UNDELIVERED_FILE));
  const report = closed.outbox;
  // A resumed run: the stopped process's file listed what the stream lacked then; the resumed run
  // published it (it publishes what the stream does not hold), so only its own file may stay.
  if (!report.undeliveredFile) rmSync(join(runDir, UNDELIVERED_FILE), { force: true });
  if (report.undeliveredCount > 0)
    log(
      `NATS: ${report.undeliveredCount} of ${report.enqueued} settlement records were NOT delivered to JetStream ` +
        `(they are in ${report.undeliveredFile}); ${report.delivered} were`,
    );
  return natsDelivery(n.url, closed, resentFromTape);
}

/**
 * Agents whose stream was down when the run ended are waited for (up to the configured grace):
 * when one comes back it resumes from its last processed report and gets its final report, so a
 * process killed near the end loses nothing either. `mayReturn` (LaunchWatch.mayReturn) rules out
 * an agent whose launched process ended and is not being started again; one whose restart is due
 * (limits.agentRestarts: the watch starts it again meanwhile) is waited for. So is one whose
 * RunEnded was written at the end but not confirmed (GrpcGateway.end: its stream failed first, so it
 * did not reach it). Every agent that did not get its final report has a no-final-report fault
 * saying why.
 */
async function awaitFinales(
  gateway: GrpcGateway,
  sim: Simulation,
  ended: (agentId: string) => Omit<RunEnded, 'finalReport'>,
  cfg: RunConfig,
  mayReturn: (agentId: string) => boolean,
  fault: FaultWriter,
  log: (l: string) => void,
): Promise<void> {
  // Also with none owed yet: a RunEnded the agent does not confirm (its process died, its stream
  // fails) makes it owed (GrpcGateway.end).
  const missing = await gateway.awaitFinales(
    (agentId, resumeFrom) => {
      sim.resume(agentId, resumeFrom);
      const last = sim.finalMessages(agentId);
      return { ended: { ...ended(agentId), finalReport: last.finalReport }, acks: last.acks };
    },
    cfg.finalReportGraceMs,
    mayReturn,
    (coming) =>
      log(
        `run over; waiting up to ${cfg.finalReportGraceMs} ms for ${coming.join(', ')} to reconnect for the final report`,
      ),
  );
  for (const id of missing)
    fault(
      id,
      'no-final-report',
      mayReturn(id)
        ? `did not reconnect within ${cfg.finalReportGraceMs} ms after the run`
        : 'its stream was down at the end of the run (or failed before the agent confirmed its RunEnded) ' +
            'and its process ended without being started again: ' +
            `no final report reached it; see agents/${id}.log`,
    );
}

/**
 * The bundled agent program for built-in strategies, or undefined (agents start through tsx) when
 * it cannot be built; FLEXARENA_AGENT_BUNDLE=0 turns it off.
 */
async function agentProgram(log: (line: string) => void): Promise<string | undefined> {
  if (process.env.FLEXARENA_AGENT_BUNDLE === '0') return undefined;
  try {
    return await bundleAgentProgram();
  } catch (err) {
    log(`agent processes start through tsx: bundling the agent program failed: ${(err as Error).message}`);
    return undefined;
  }
}

export async function runArena(cfg: RunConfig, opts: RunOptions = {}): Promise<RunOutput> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const runId = opts.resume?.runId ?? opts.runId ?? makeRunId(cfg);
  const runDir = opts.resume?.runDir ?? resolve(cfg.outDir, runId);
  // Read before anything starts: a missing price file is refused without a nats-server to stop.
  const worldFiles = readWorldFiles(cfg, opts.baseDir, opts.configFile);
  if (!/^[a-z0-9][a-z0-9-]*$/.test(runId))
    throw new RunFolderError(
      runDir,
      `the run id "${runId}" (--run-id) must be lowercase letters, digits and dashes`,
    );
  // A resumed run publishes under its own id: of the settlement stream, only what it does not hold.
  const sharedNats = givenNatsUrl(cfg, opts.natsUrl);
  const stored =
    opts.resume && sharedNats ? await storedRunMsgIds({ url: sharedNats, runId }) : new Set<string>();
  const earlier = opts.resume
    ? undefined
    : await makeRunFolder(cfg, runId, runDir, worldFiles, opts.natsUrl, log);
  const local = opts.local ?? new Map<string, LocalAgent>();
  // esbuild bundles the agent program in a process of its own while nats-server starts and the
  // world is built (never rejects: a failure means agents start through tsx).
  const program = cfg.agents.some((a) => !local.has(a.id) && a.launch && !agentCommand(a))
    ? agentProgram(log)
    : undefined;
  const faults = new FaultLogSink(join(runDir, 'agent-faults.log'), log, cfg.limits.faultLog);
  // Agents leaving because the run stops (Ctrl-C reaches their processes too) are not faults.
  const leaving = new StoppingFaults(
    (a, kind, detail) => faults.write(a, kind, detail),
    () => opts.signal?.aborted === true,
  );
  // A resumed run writes its regenerated files beside the recorded ones until it has caught up.
  const files = [TAPE_FILE, SETTLEMENTS_FILE].map((name) => ({
    final: join(runDir, name),
    temp: join(runDir, opts.resume ? `.resume-${name}` : name),
  }));
  const tape = new TapeFileSink(files[0]!.temp);
  const settlements = new SettlementFileSink(files[1]!.temp);
  // After the sinks have made their files: a tape killed before its first record goes live at
  // once, moving them into place (made first, the switch had no files to move: ENOENT).
  const resume = opts.resume ? new ResumeSwitch(opts.resume, files, log) : undefined;
  const totals = new RecordTotals();
  // Closed once, on success or after a failure: what happened until a failure stays readable.
  let filesClosed: Promise<string> | undefined;
  const closeRunFiles = () =>
    (filesClosed ??= Promise.all([tape.close(), settlements.close()]).then(([sha256]) => sha256));

  let nats: NatsParts | undefined;
  let gateway: GrpcGateway | undefined;
  const launched: LaunchedAgent[] = [];
  let watch: LaunchWatch | undefined;
  /** The run's simulation once made (an interrupted run says where it stopped). */
  let created: Simulation | undefined;
  /** Every agent's port once made: an interrupted run tells each one so before its stream closes. */
  const ports = new Map<string, AgentPort>();
  /** The agents were told the run's end (a failure after that tells them nothing more). */
  let portsEnded = false;
  let completed = false;
  /**
   * NATS could not be opened (nothing there, a stream that cannot be created) or the gateway could
   * not listen (a port taken, a --host that does not resolve): the run failed before its first
   * decision point, and a new run's folder is removed — left, its config.yaml and empty tape looked
   * like a run — and the earlier run of its id gets its folder back (it was lost to a taken port).
   */
  let notStarted = false;
  const startFailed = (err: unknown): never => {
    notStarted = true;
    throw err;
  };
  try {
    nats = await openNats(cfg, runId, runDir, log, opts.natsUrl).catch(startFailed);
    const sinks: RecordSink[] = [
      ...(resume ? [resume.check] : []),
      tape,
      settlements,
      new RunInfoFileSink(runDir),
      // agent-faults.log holds the re-simulated part's faults already.
      resume ? resume.liveOnly(faults) : faults,
      totals,
      ...(opts.sinks ?? []),
    ];
    const sim = await Simulation.create(cfg, { runId, sinks, files: worldFiles });
    created = sim;
    // The run's files reach the disk as each decision point opens (TapeFileSink.checkpoint):
    // settlements.jsonl follows the tape to the same point, so a run killed outright leaves a
    // folder complete up to a decision point.
    const checkpoint = () => tape.checkpoint(settlements.cut());

    for (const [id, agent] of local)
      ports.set(
        id,
        new LocalAgentPort(id, agent, { onFault: (a, kind, detail) => faults.write(a, kind, detail) }),
      );

    const remote = cfg.agents.filter((a) => !local.has(a.id));
    if (remote.length > 0) {
      const tokens = new Map<string, string>();
      const tokenOf = new Map<string, string>();
      for (const a of remote) {
        // Hex: a token never starts with '-', which an agent's command-line parser would take for an option.
        const token = a.token ?? randomBytes(18).toString('hex');
        tokens.set(token, a.id);
        tokenOf.set(a.id, token);
      }
      gateway = new GrpcGateway({
        runId,
        tokens,
        faults: { fault: leaving.fault },
        welcome: (agentId) => sim.welcome(agentId),
        marketSpec: () => ({ runId, market: sim.marketSpec() }),
        lastReportSeq: (agentId) => sim.lastReportSeq(agentId),
        answerOutside: (agentId, batch) => sim.answer(agentId, { kind: 'batch', batch }),
        ...(opts.observer ? { observer: opts.observer } : {}),
        limits: cfg.limits,
      });
      const host = opts.host ?? '127.0.0.1';
      const port = await gateway.listen(host, cfg.port).catch(startFailed);
      const address = agentsAddress(host, port);
      // Machine-readable line for tools and tests that start the arena as a process.
      process.stdout.write(
        `FLEXARENA_LISTENING ${address} ${runId} ${runDir}${nats ? ` ${nats.url}` : ''}\n`,
      );
      log(`arena ${runId} listening on ${address}`);
      opts.onListening?.(address, gateway);
      const bundled = await program;
      // A resumed run's agents append to the logs of the interrupted run's processes.
      const resumed = opts.resume
        ? `--- ${new Date().toISOString()}: flexarena run --resume; the run goes on from here ---`
        : undefined;
      const agentsDir = join(runDir, 'agents');
      // With a restart policy every launched agent keeps its resume point in agents/<id>.state
      // from its first process on, so that the next one resumes instead of starting over. A
      // command is given the path as {state} either way (it may use it or not).
      const restarts = cfg.limits.agentRestarts;
      const start = (a: AgentConfig, logLine: string | undefined): LaunchedAgent => {
        const command = agentCommand(a, restarts > 0);
        const stateFile = agentStateFile(agentsDir, a.id);
        const how = {
          ...(logLine !== undefined ? { logLine } : {}),
          ...(command || restarts > 0 ? { stateFile } : {}),
        };
        const agent = command
          ? launchCommand(a.id, command, address, tokenOf.get(a.id)!, agentsDir, how)
          : launchAgent(a, address, tokenOf.get(a.id)!, agentsDir, bundled, how);
        launched.push(agent);
        return agent;
      };
      for (const a of remote) {
        ports.set(a.id, gateway.port(a.id));
        // One path for every agent in another process: its configured command or runtime
        // (tournament entrants with a command too), else `flexarena agent <strategy>`.
        // `launch: false` comes first: `--external` sets it on agents with a command or runtime too.
        if (!a.launch)
          log(
            `waiting for agent ${a.id} to connect by hand: ${handStartHint(a, address, opts.isBuiltInStrategy ?? (() => true))}`,
          );
        else {
          clearStateFile(agentStateFile(agentsDir, a.id));
          start(a, resumed);
        }
      }
      const g = gateway;
      const byId = new Map(remote.map((a) => [a.id, a]));
      watch = new LaunchWatch(
        launched,
        {
          hasConnected: (id) => g.hasConnected(id),
          stopWaitingFor: (id) => g.stopWaitingFor(id),
          processGone: (id) => g.processGone(id),
          hadRunEnded: (id) => g.hadRunEnded(id),
          processEnded: (id) => g.processEnded(id),
          fault: leaving.fault,
          stopping: () => opts.signal?.aborted === true,
        },
        { limit: restarts, relaunch: (id, line) => start(byId.get(id)!, line) },
      );
      const missing = await waitUnlessAborted(gateway, remote, cfg.connectTimeoutMs, opts.signal);
      watch.running();
      for (const id of missing)
        if (!watch.endedEarly.has(id))
          faults.write(id, 'never-connected', `no hello within ${cfg.connectTimeoutMs} ms`);
    }

    if (nats) {
      const thread = await nats.thread.catch(startFailed);
      sim.addSink(resume ? resume.natsGate(thread, runId, stored) : thread);
    }
    // The run starts: the earlier run of its id, set aside until now, is replaced.
    earlier?.drop();
    // A resumed run re-simulates its tape first (the agents it starts again catch up meanwhile).
    const played = resume
      ? new Map(
          cfg.agents.map((a) => [a.id, resume.port(a.id, ports.get(a.id), local.has(a.id) || a.launch)]),
        )
      : ports;

    // The clock's thread first (lib/helper-threads.ts); again now and then, as libuv's pool starts
    // its threads with its first jobs.
    lowerHelperThreads();
    let decisions = 0;
    const keepHelpersLow = () => {
      if (decisions++ % 64 === 0) lowerHelperThreads();
    };
    const summary =
      cfg.mode === 'realtime'
        ? await runRealtime(sim, played, {
            speed: cfg.realtime!.speed,
            clock: wallClock,
            ...(opts.signal ? { signal: opts.signal } : {}),
            onDecision: (p) => {
              checkpoint();
              keepHelpersLow();
              if (opts.onDecision) void opts.onDecision(p);
            },
          })
        : await runLockstep(sim, played, {
            ...(opts.signal ? { signal: opts.signal } : {}),
            onOpen: (p) => {
              resume?.onOpen(p);
              checkpoint();
            },
            onDecision: async (p) => {
              keepHelpersLow();
              // A resumed run's catch-up replays its tape at full speed: pacing it for watchers
              // (--pace) would replay the part already run at the watching speed.
              if (!resume || resume.live) await opts.onDecision?.(p);
              await yieldToEventLoop();
            },
          });
    resume?.ranOut();
    const realtime = 'realtime' in summary ? (summary.realtime as RealtimeStats) : undefined;
    if (realtime && realtime.maxLagWallMs * realtime.speed > cfg.decisionIntervalMinutes * 60_000)
      log(
        `warning: the run fell behind its pace by up to ${((realtime.maxLagWallMs * realtime.speed) / 60_000).toFixed(0)} virtual minutes ` +
          "(in-process strategies computing on the arena's thread, or a machine too slow for this speed): answers were stamped that late; " +
          'lower realtime.speed or run the agents as processes',
      );
    if (realtime)
      log(
        `real time at ${realtime.speed}x: ${(realtime.wallMs / 1000).toFixed(1)} s wall for ${(realtime.virtualMs / 3_600_000).toFixed(1)} virtual hours, ` +
          `of which ${(realtime.processingWallMs / 1000).toFixed(1)} s processing (the virtual clock stands still), largest lag ${realtime.maxLagWallMs.toFixed(0)} ms; ` +
          'decision points skipped while busy: ' +
          (Object.entries(realtime.skipped)
            .filter(([, n]) => n > 0)
            .map(([id, n]) => `${id} ${n}`)
            .join(', ') || 'none'),
      );
    const tapeSha256 = await closeRunFiles();
    const results: RunOutput['results'] = runResults(sim.ctx, summary, totals, tapeSha256);
    const ended = (agentId: string) => ({
      reason: RUN_COMPLETE_REASON,
      result: results.agents.find((r) => r.agentId === agentId),
    });
    // Processes that end from now on after their RunEnded end as they should; one that ends before
    // it, or whose restart is due (it died a moment before the end), is still started again while
    // the run waits for final reports.
    watch?.finishing();
    portsEnded = true;
    await endPorts(sim, ports, ended);
    const w = watch;
    if (gateway)
      await awaitFinales(
        gateway,
        sim,
        ended,
        cfg,
        (id) => w?.mayReturn(id) ?? true,
        // After the process-exited lines still held back (StoppingFaults): they say what ended.
        (id, kind, detail) => {
          leaving.flush();
          faults.write(id, kind, detail);
        },
        log,
      );
    // After over(): a restart still due is abandoned (a fault says so), so the counts are final.
    watch?.over();
    if (cfg.limits.agentRestarts > 0)
      results.agentRestarts = {
        limit: cfg.limits.agentRestarts,
        byAgent: watch?.restarts([...new Set(launched.map((l) => l.agentId))]) ?? {},
      };
    leaving.flush();
    faults.close();
    if (nats) results.nats = await closeNats(nats, cfg, runDir, log, resume?.resentFromTape);
    writeResults(runDir, results);
    completed = true;
    return {
      runDir,
      results,
      faults: faults.totals(),
      ...(nats ? { natsUrl: nats.url } : {}),
      ...(realtime ? { realtime } : {}),
    };
  } catch (err) {
    if (resume && !resume.live) {
      // Before the re-simulation caught up nothing of the folder was replaced: it stays as it was.
      await closeRunFiles().catch(() => undefined);
      throw resume.failedBeforeLive(err, opts.signal?.aborted ? String(opts.signal.reason) : undefined);
    }
    if (opts.signal?.aborted && created && !portsEnded) {
      // Before NATS closes: live watchers learn it. Before the streams close (the agents are
      // stopped at once in `finally`): each connected agent gets its RunEnded saying so.
      const started = created.interrupt();
      await endPortsInterrupted(created, started, ports, String(opts.signal.reason), (id, e) =>
        log(`telling ${id} the run was interrupted: ${(e as Error).message}`),
      );
    } else if (!opts.signal?.aborted && !portsEnded)
      // A failure: each connected agent learns it (a stream that just ended looked like a network
      // cut to the SDKs: one returned as if the run had ended, the other retried, then gave up).
      await endPortsFailed(ports, err, (id, e) =>
        log(`telling ${id} the run failed: ${(e as Error).message}`),
      );
    await closeRunFiles().then(
      (sha256) => writeTapeHash(runDir, sha256),
      (e) => log(`closing the tape and settlements.jsonl: ${(e as Error).message}`),
    );
    if (opts.signal?.aborted) {
      const signal = String(opts.signal.reason);
      writeInterruption(runDir, { signal, lastDecisionMs: created?.timeMs ?? 0 });
      // Closed here, not only in `finally`: the message says what NATS did not get.
      const undelivered = nats ? await closeNatsStopped(nats, cfg, runDir, log) : undefined;
      throw interrupted(signal, runDir, created, {
        ...(nats ? { url: nats.url } : {}),
        // A server the run did not start goes on; the dashboard's (opts.natsUrl) is the command's own.
        shared: nats !== undefined && !nats.server && !opts.natsUrl,
        ...(undelivered ? { undelivered } : {}),
      });
    }
    if (notStarted && !opts.resume) throw folderRemoved(err, runDir, earlier?.held === true);
    throw err;
  } finally {
    watch?.over();
    // After a complete run the agents were told the run ended and leave by themselves (given a
    // grace period). After a signal or a failure the connected ones were told so too (RunEnded
    // "run interrupted" / "run failed"): a short grace lets them write their last lines to their
    // logs (killed at once, no log had its "run interrupted" line), and Ctrl-C does not wait
    // three seconds for processes that will not go.
    await stopAgents(launched, completed ? undefined : STOPPED_RUN_GRACE_MS);
    await gateway?.close();
    // Summaries of suppressed faults still owed, also those of the disconnects at shutdown.
    leaving.flush();
    faults.close();
    if (nats) {
      // After a failed run: the outbox still closes properly (its spool deleted), then the thread
      // ends — also a thread that finished opening after the run had failed. What it had not
      // delivered goes to undelivered-settlements.jsonl, as at the end of a complete run; not so
      // for a folder that is removed (the run did not start) or left as it was (a resume that
      // failed before it went live). An interrupted run closed it already, saying so.
      if (!completed && !notStarted && !opts.signal?.aborted && (!resume || resume.live)) {
        const undelivered = await closeNatsStopped(nats, cfg, runDir, log);
        if (undelivered) log(`NATS: ${undeliveredLine(undelivered, nats.url)}`);
      }
      const thread = await nats.thread.catch(() => undefined);
      await thread?.close().catch((err) => log(`closing NATS: ${(err as Error).message}`));
      await thread?.terminate();
      await nats.server?.stop();
    }
    // Once its agents are stopped: nothing writes to the folder any more.
    if (notStarted && !opts.resume && !opts.signal?.aborted) {
      rmSync(runDir, { recursive: true, force: true });
      restoreEarlierRun(earlier, runDir, log);
    }
    // Stopped by a signal before it opened NATS, the new run keeps its folder (interrupted.json).
    earlier?.drop();
    // The recorded tape's temporary copy (read for the re-simulation): the run is over.
    opts.resume?.tape.lines.close();
    // The process may live on (a tournament's next game, a test runner's next file).
    restoreHelperThreads();
  }
}

/**
 * A new run that could not open NATS (its thread, or its own nats-server) or listen for agents: the error, of its own
 * class, says the run folder is gone (removed in `finally`), or holds the earlier run of its id
 * again.
 */
function folderRemoved(err: unknown, runDir: string, earlierBack: boolean): unknown {
  if (!(err instanceof Error)) return err;
  err.message = earlierBack
    ? `${err.message}; the run did not start: its folder ${runDir} holds the earlier run with its id again`
    : `${err.message}; the run did not start: its folder ${runDir} is removed`;
  return err;
}

/** Gives the earlier run its folder back; a failure is logged, naming where the earlier run stays. */
function restoreEarlierRun(earlier: EarlierRunFolder | undefined, runDir: string, log: (l: string) => void) {
  try {
    earlier?.restore();
  } catch (err) {
    log(`giving ${runDir} back to the earlier run with its id: ${(err as Error).message}`);
  }
}

/**
 * A new run's folder: refuses a run id the NATS stream holds, sets aside an earlier run of the id
 * (replaced once the new run starts, earlier-run-folder.ts), writes config.yaml.
 */
async function makeRunFolder(
  cfg: RunConfig,
  runId: string,
  runDir: string,
  worldFiles: SimulationFiles,
  givenUrl: string | undefined,
  log: (l: string) => void,
): Promise<EarlierRunFolder> {
  await checkRunIdFree(cfg, runId, givenUrl);
  let earlier: EarlierRunFolder;
  try {
    earlier = EarlierRunFolder.setAside(runDir);
    // agents/ is made by the launcher, when there is an agent process to log (agent-launcher.ts).
    // The parent may be shared with a process that removes it when empty (workers sharing --out).
    makeFolderAmongRemovers(runDir);
  } catch (err) {
    throw new RunFolderError(
      runDir,
      `cannot make the run folder (--out / outDir): ${(err as Error).message}`,
    );
  }
  try {
    writeFileSync(join(runDir, 'config.yaml'), toYaml(runFolderConfig(cfg, runDir, worldFiles)));
    writeResumeInfo(runDir);
  } catch (err) {
    restoreEarlierRun(earlier, runDir, log);
    throw err;
  }
  if (earlier.held) log(`${runDir} held an earlier run with the id ${runId}: replaced`);
  return earlier;
}

/**
 * Waits for every agent's hello (gateway.waitForAgents) unless the run is stopped meanwhile (then
 * throws the signal's reason; ten agents starting on a busy machine may be waited for minutes).
 */
async function waitUnlessAborted(
  gateway: GrpcGateway,
  agents: readonly { id: string }[],
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<string[]> {
  signal?.throwIfAborted();
  const stopWaiting = () => {
    for (const a of agents) gateway.stopWaitingFor(a.id);
  };
  signal?.addEventListener('abort', stopWaiting);
  try {
    const missing = await gateway.waitForAgents(timeoutMs);
    signal?.throwIfAborted();
    return missing;
  } finally {
    signal?.removeEventListener('abort', stopWaiting);
  }
}

const UNDELIVERED_FILE = 'undelivered-settlements.jsonl';

/**
 * How long a run that stopped before its end (Ctrl-C, a failure) waits for JetStream to acknowledge
 * what its outbox still holds. Without a wait, a run stopped at full speed on a healthy server had
 * hundreds of records in flight and said they "did not reach NATS"; a server that is away costs
 * the stop this much and no more (nats.deliveryTimeoutMs if that is shorter).
 */
const STOPPED_RUN_NATS_DRAIN_MS = 2_000;

/**
 * Closes the outbox of a run that stopped before its end, after a short wait for NATS
 * (STOPPED_RUN_NATS_DRAIN_MS): what JetStream had not acknowledged by then is written to
 * undelivered-settlements.jsonl (before, it was dropped without a word). Returns the report when
 * something was not delivered.
 */
async function closeNatsStopped(
  n: NatsParts,
  cfg: RunConfig,
  runDir: string,
  log: (l: string) => void,
): Promise<OutboxReport | undefined> {
  const thread = await n.thread.catch(() => undefined);
  if (!thread) return undefined;
  try {
    // A thread that failed cannot drain; its close still writes what it holds.
    await thread
      .drain(Math.min(STOPPED_RUN_NATS_DRAIN_MS, cfg.nats.deliveryTimeoutMs))
      .catch(() => undefined);
    const { outbox } = await thread.close(join(runDir, UNDELIVERED_FILE));
    return outbox.undeliveredFile ? outbox : undefined;
  } catch (err) {
    log(`closing NATS: ${(err as Error).message}`);
    return undefined;
  }
}

function undeliveredLine(r: OutboxReport, url: string): string {
  return (
    `${r.undeliveredCount + r.rejected.length} of its ${r.enqueued} settlement-stream messages did not reach ` +
    `NATS at ${url}: they are in ${r.undeliveredFile} (flexarena run --resume publishes what the stream lacks)`
  );
}

/** What an interrupted run says: where it stopped and what of it is on disk. */
function interrupted(
  signal: string,
  runDir: string,
  sim: Simulation | undefined,
  nats: { url?: string; shared?: boolean; undelivered?: OutboxReport } = {},
): RunInterruptedError {
  const at = sim?.timeMs
    ? ` at virtual time ${new Date(sim.timeMs).toISOString()}`
    : ' before its first decision point';
  // A server the run did not start (nats.url, FLEXARENA_NATS_URL) goes on.
  const stopped = nats.shared ? 'its agents are stopped' : 'its agents and nats-server are stopped';
  return new RunInterruptedError(
    signal,
    `run interrupted by ${signal}${at}; ${stopped}, and ${runDir}/ holds its ` +
      'tape (tape.jsonl.gz, its hash in tape.sha256) and settlement records (settlements.jsonl) until then, ' +
      'and interrupted.json (no results.json)' +
      (nats.undelivered && nats.url ? `; ${undeliveredLine(nats.undelivered, nats.url)}` : ''),
  );
}

/**
 * Lets the event loop run once. The run's sinks do their I/O there (the tape's gzip stream, the
 * NATS client); an in-process run never waits on the network, so without a turn per decision point
 * its tape chunks and public messages piled up in memory until the end of the run, and the gzip
 * work that could run on the thread pool beside the simulation ran after it.
 */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
