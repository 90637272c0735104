// `flexarena compliance -- <command>`: plays the compliance scenario with any agent implementation
// started from a command line, steps in at fixed decision points (a stale batch, a duplicate batch,
// a dropped stream), and checks what the agent did against the protocol (docs/protocol.md).
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStrategy } from '../agents/strategies/index.js';
import {
  type GrpcGateway,
  type LaunchedAgent,
  launchCommand,
  readTapeText,
  runArena,
  stopAgents,
} from '../arena/index.js';
import type { LocalAgent } from '../sim/index.js';
import { allChecks, type CheckResult, type Observed } from './checks.js';
import { CANDIDATE, complianceConfig, SCHEDULE } from './scenario.js';
import { SessionLog } from './session-log.js';

export type { CheckResult } from './checks.js';

export interface ComplianceOptions {
  /**
   * The agent's command line; {arena} and {token} are filled in (also FLEXARENA_ARENA/TOKEN),
   * {state} with a state file in the check's folder, and {params} with `{}` (the suite gives no params: a command copied from a configuration plays its
   * defaults).
   */
  command: readonly string[];
  /** Run folder parent (default: a new temporary folder). */
  outDir?: string;
  deadlineMs?: number;
  connectTimeoutMs?: number;
  log?: (line: string) => void;
  /** Stops the run (runArena's signal); the agent's process is killed with it. */
  signal?: AbortSignal;
}

export interface ComplianceReport {
  checks: CheckResult[];
  pass: boolean;
  runDir: string;
  /** The agent's own output (stdout and stderr). */
  agentLog: string;
  /** How the agent's process ended (undefined: it was still running after the run, or never started). */
  agentExit?: Observed['exit'];
}

function exitOf(child: ChildProcess, waitMs: number): Promise<Observed['exit']> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(undefined), waitMs);
    child.once('exit', (code, signal) => {
      clearTimeout(t);
      resolve({ code, signal });
    });
  });
}

function tapeTradesOf(runDir: string, agentId: string): number[] {
  return readTapeText(runDir)
    .split('\n')
    .filter((l) => l.includes('"type":"trade"'))
    .map((l) => JSON.parse(l) as { tradeId: number; buyAgentId: string; sellAgentId: string })
    .filter((t) => t.buyAgentId === agentId || t.sellAgentId === agentId)
    .map((t) => t.tradeId);
}

export async function runCompliance(opts: ComplianceOptions): Promise<ComplianceReport> {
  const log = opts.log ?? (() => undefined);
  const outDir = opts.outDir ?? mkdtempSync(join(tmpdir(), 'flexarena-compliance-'));
  const cfg = complianceConfig(outDir, opts.deadlineMs ?? 5_000, opts.connectTimeoutMs ?? 120_000);
  const token = cfg.agents.find((a) => a.id === CANDIDATE)!.token!;
  const sessions = new SessionLog(CANDIDATE);
  const faults: string[] = [];
  const injected = { stale: false, duplicate: false };
  let dropped = false;
  let gateway: GrpcGateway | undefined;
  let agent: LaunchedAgent | undefined;
  let child: ChildProcess | undefined;
  let agentLog = '';
  let startError: string | undefined;
  const local = new Map<string, LocalAgent>([
    ['liquidity', createStrategy('liquidity', cfg.agents[0]!.params)],
  ]);
  try {
    const out = await runArena(cfg, {
      local,
      ...(opts.signal ? { signal: opts.signal } : {}),
      observer: sessions,
      log: (line) => {
        const m = new RegExp(`^agent fault: ${CANDIDATE} ([a-z-]+):`).exec(line);
        if (m) faults.push(m[1]!);
        log(line);
      },
      onListening: (address, g) => {
        gateway = g;
        // {state}: a file of this check's own (a command copied from a configuration with a
        // restart policy has one; left unfilled, the agent took "{state}" as a file name). Removed
        // first: an earlier check's last report_seq would be refused by this new run.
        const stateFile = join(outDir, `${CANDIDATE}.state`);
        rmSync(stateFile, { force: true });
        const launched = launchCommand(
          CANDIDATE,
          { argv: opts.command, params: '{}' },
          address,
          token,
          outDir,
          { stateFile },
        );
        agent = launched;
        child = launched.child;
        child.stdout?.on('data', (d) => (agentLog += d));
        child.stderr?.on('data', (d) => (agentLog += d));
        // No such command, not executable: Node reports the spawn failure as an error (and an
        // exit code of minus the errno, which said nothing to a user: "exited with -2").
        child.once('error', (err) => {
          startError = err.message;
          agentLog += `could not start ${opts.command[0]}: ${err.message}\n`;
        });
        // A process that ends before its hello (a module not found, a crash at start) will not
        // connect: the run goes on without it instead of waiting out connectTimeoutMs.
        child.once('close', () => {
          if (!g.hasConnected(CANDIDATE)) g.stopWaitingFor(CANDIDATE);
        });
      },
      onDecision: (point) => {
        if (!gateway) return;
        if (point.wakeId === SCHEDULE.staleAfterWake)
          injected.stale = gateway.injectBatch(CANDIDATE, { wakeId: 0, actions: [] });
        if (point.wakeId === SCHEDULE.duplicateAfterWake)
          injected.duplicate = gateway.injectBatch(CANDIDATE, { wakeId: point.wakeId, actions: [] });
        if (point.wakeId === SCHEDULE.dropAfterWake)
          dropped = gateway.dropSession(CANDIDATE, 'dropped by the compliance suite');
      },
    });
    const result = out.results.agents.find((a) => a.agentId === CANDIDATE);
    const observed: Observed = {
      sessions: sessions.sessions,
      tapeTrades: tapeTradesOf(out.runDir, CANDIDATE),
      missedDeadlines: result?.missedDeadlines ?? 0,
      faults,
      injected,
      dropped,
      exit: child ? await exitOf(child, 10_000) : undefined,
      ...(startError !== undefined ? { startError } : {}),
    };
    const checks = allChecks(observed);
    return {
      checks,
      pass: checks.every((c) => c.pass),
      runDir: out.runDir,
      agentLog,
      ...(observed.exit ? { agentExit: observed.exit } : {}),
    };
  } finally {
    // Waited for (SIGTERM, SIGKILL after 3 s): the command does not exit before its agent has.
    if (agent) await stopAgents([agent], 0);
  }
}

/** Lines of the agent's output the command shows when it never said hello or ended in failure. */
const OUTPUT_LINES = 15;

/**
 * The end of the agent's output when it never said hello (why it could not start: an import
 * error, a bad option) or its process ended in failure during the run (an exception in its
 * strategy, a refused session: before, only "process exited with 1" said so), else undefined;
 * the whole output is printed with --verbose.
 */
export function failureOutput(report: ComplianceReport): string | undefined {
  const exit = report.agentExit;
  const failed = exit !== undefined && (exit.code !== 0 || exit.signal !== null);
  if (report.checks[0]?.pass !== false && !failed) return undefined;
  const lines = report.agentLog.trimEnd().split('\n');
  return lines.slice(-OUTPUT_LINES).join('\n');
}

/** The pass/fail table the command prints. */
export function formatChecks(checks: readonly CheckResult[]): string {
  const width = Math.max(...checks.map((c) => c.name.length));
  const lines = checks.map((c) => `${c.pass ? 'PASS' : 'FAIL'}  ${c.name.padEnd(width)}  ${c.detail}`);
  const passed = checks.filter((c) => c.pass).length;
  return `${lines.join('\n')}\n\n${passed} of ${checks.length} checks passed`;
}
