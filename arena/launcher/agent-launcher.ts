// Starts each configured agent as its own OS process running `flexarena agent <strategy>`,
// with its output in the run folder. Agents connect back over gRPC like any external agent.
import { type ChildProcess, spawn } from 'node:child_process';
import {
  appendFileSync,
  createWriteStream,
  mkdirSync,
  openSync,
  rmSync,
  type WriteStream,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../lib/index.js';
import type { AgentConfig } from '../../sim/index.js';
import { killAndWait } from '../nats/nats-server-launcher.js';
import { RunFolderError } from '../run/run-folder.js';

const ROOT = PROJECT_ROOT;
const BIN = join(ROOT, 'bin', 'flexarena.mjs');
/** The Python SDK's folder, put on PYTHONPATH for `runtime: python` agents. */
export const PYTHON_SDK_DIR = join(ROOT, 'agents', 'python');

/**
 * A command line to start an agent with (`{arena}`, `{token}`, `{params}` and `{state}` in its
 * arguments are filled in at launch), the agent's params as JSON for `{params}`, and what it needs
 * in its environment beyond the token.
 */
export interface AgentCommand {
  argv: readonly string[];
  params?: string;
  env?: Readonly<Record<string, string>>;
}

/**
 * `arg` with `{arena}`, `{token}`, `{params}` and `{state}` replaced by `values` (a placeholder
 * without a value stays as it is), in one pass: a value holding a placeholder's text (params
 * {"note": "{token}"}) is not filled in again.
 */
export function fillPlaceholders(
  arg: string,
  values: { arena?: string; token?: string; params?: string | undefined; state?: string | undefined },
): string {
  return arg.replace(
    /\{(arena|token|params|state)\}/g,
    (m, k: 'arena' | 'token' | 'params' | 'state') => values[k] ?? m,
  );
}

/**
 * How the arena starts `agent` when it is not a built-in strategy: its `command`, or the Python
 * SDK for `runtime: python` (undefined: a built-in strategy, `flexarena agent <strategy>`). With
 * `keepsState` (the run restarts its agents' processes, limits.agentRestarts) a Python agent gets
 * the SDK's `--state {state}`: a module that does not parse the SDK's command line would refuse an
 * option it does not know, so a run that restarts nothing passes none. `env` is the environment
 * the process starts in (the arena's own).
 */
export function agentCommand(
  agent: AgentConfig,
  keepsState = false,
  env: NodeJS.ProcessEnv = process.env,
): AgentCommand | undefined {
  const params = JSON.stringify(agent.params ?? {});
  if (agent.command) return { argv: agent.command, params };
  if (agent.runtime === 'python' && agent.module) {
    const python = env.FLEXARENA_PYTHON ?? '/usr/bin/python3';
    const path = [PYTHON_SDK_DIR, env.PYTHONPATH].filter(Boolean).join(':');
    return {
      argv: [
        python,
        '-m',
        agent.module,
        '--arena',
        '{arena}',
        '--params',
        '{params}',
        ...(keepsState ? ['--state', '{state}'] : []),
      ],
      params,
      env: { PYTHONPATH: path },
    };
  }
  return undefined;
}

/** Where a launched agent keeps its resume point in the run folder: `agents/<id>.state`. */
export function agentStateFile(logDir: string, agentId: string): string {
  return join(logDir, `${agentId}.state`);
}

/**
 * Removes an agent's state file before its first process of a run starts: what is there was left
 * by the process of an interrupted run that `flexarena run --resume` continues, and the resumed
 * run starts its agents afresh (they catch up on the re-simulated tape; a resume point beyond the
 * re-simulation's report_seq would be refused at hello).
 */
export function clearStateFile(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch (err) {
    throw new RunFolderError(
      path,
      `cannot remove the agent's state file of an earlier run: ${(err as Error).message}`,
    );
  }
}

/** What a launch adds to a plain start. */
export interface LaunchOptions {
  /**
   * A line appended to the agent's log before the process's output (the log is kept): a resumed
   * run's mark, or a restart's. Without it the log starts empty.
   */
  logLine?: string;
  /**
   * The agent's state file (agentStateFile): a built-in strategy gets it as `--resume-file`, a
   * command as `{state}`.
   */
  stateFile?: string;
}

export interface LaunchedAgent {
  agentId: string;
  child: ChildProcess;
  /** The last few KiB of what the process wrote (stdout and stderr), for error messages. */
  outputTail(): string;
  /** Resolves once everything the process wrote is in its log file (or the log failed). */
  logWritten: Promise<void>;
}

/** How much of an agent's output is kept in memory for outputTail (its whole log is a file). */
const TAIL_CHARS = 4096;

/**
 * `<logDir>/<agentId>.log`, opened before its process starts. A resumed run or a restarted process
 * (`logLine`, the line that marks where it starts) appends to the log of the process before: what
 * that process wrote until it ended stays readable. The file is always written in append mode: a
 * process restarted while the one before still had output on its way (a process it started holds
 * its pipes) interleaves with it instead of overwriting it from an older file offset. The folder (the run folder's
 * agents/) is made here, by the first agent launched: a run without agent processes (in process,
 * or only agents started by hand) has no agents/ — it had an empty one — and a resumed folder
 * that has none gets one (the launch failed with ENOENT, unhandled, on the log's stream). Opened
 * synchronously, so that a folder that cannot take it fails here, before a process is started,
 * and not later as an error event of the stream.
 */
function openLog(agentId: string, logDir: string, logLine: string | undefined): WriteStream {
  const path = join(logDir, `${agentId}.log`);
  try {
    mkdirSync(logDir, { recursive: true });
    if (logLine === undefined) writeFileSync(path, '');
    const fd = openSync(path, 'a');
    if (logLine !== undefined) appendFileSync(fd, `${logLine}\n`);
    return createWriteStream(path, { fd });
  } catch (err) {
    throw new RunFolderError(path, `cannot write agent ${agentId}'s log: ${(err as Error).message}`);
  }
}

/**
 * Writes the child's stdout and stderr to its log and keeps their last TAIL_CHARS characters, so
 * that an agent that dies at start can be reported in its own words. A process that cannot be
 * started at all (no such command) gets that said in both.
 */
function logOutput(agentId: string, child: ChildProcess, log: WriteStream, command: string): LaunchedAgent {
  let tail = '';
  const keep = (text: string) => {
    tail = (tail + text).slice(-TAIL_CHARS);
  };
  for (const out of [child.stdout, child.stderr]) {
    out?.on('data', (chunk: Buffer) => keep(chunk.toString('utf8')));
    out?.pipe(log, { end: false });
  }
  child.on('error', (err) => {
    const line = `could not start ${command}: ${err.message}\n`;
    keep(line);
    log.write(line);
  });
  child.on('close', () => log.end());
  const logWritten = new Promise<void>((resolve) => {
    log.once('close', resolve);
    log.once('error', () => resolve());
  });
  return { agentId, child, outputTail: () => tail, logWritten };
}

/**
 * Starts a built-in strategy as `flexarena agent`: with `program`, the bundled agent program
 * (agent-bundle.ts) under plain node, otherwise through bin/flexarena.mjs (tsx). With a state file
 * it keeps its resume point (and its strategy's state) there (`--resume-file`).
 */
export function launchAgent(
  agent: AgentConfig,
  address: string,
  token: string,
  logDir: string,
  program: string = BIN,
  opts: LaunchOptions = {},
): LaunchedAgent {
  const log = openLog(agent.id, logDir, opts.logLine);
  const child = spawn(
    process.execPath,
    [
      program,
      'agent',
      agent.strategy,
      '--arena',
      address,
      '--params',
      JSON.stringify(agent.params),
      ...(opts.stateFile !== undefined ? ['--resume-file', opts.stateFile] : []),
    ],
    // The token travels in the environment, not argv, so it does not show up in `ps`.
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FLEXARENA_TOKEN: token } },
  );
  return logOutput(agent.id, child, log, process.execPath);
}

/**
 * Starts an agent given as a command line (any language): `{arena}`, `{token}`, `{params}` and
 * `{state}` in its arguments are replaced by the arena's address, the agent's token (both also in
 * the environment, FLEXARENA_ARENA and FLEXARENA_TOKEN), its params as JSON and the path of its
 * state file (where it may keep its last processed report_seq for a restart).
 */
export function launchCommand(
  agentId: string,
  command: AgentCommand,
  address: string,
  token: string,
  logDir: string,
  opts: LaunchOptions = {},
): LaunchedAgent {
  const [cmd, ...args] = command.argv.map((a) =>
    fillPlaceholders(a, { arena: address, token, params: command.params, state: opts.stateFile }),
  );
  if (!cmd) throw new Error(`agent ${agentId}: empty command`);
  const log = openLog(agentId, logDir, opts.logLine);
  const child = spawn(cmd, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...command.env, FLEXARENA_ARENA: address, FLEXARENA_TOKEN: token },
  });
  return logOutput(agentId, child, log, cmd);
}

export async function stopAgents(agents: LaunchedAgent[], graceMs = 3_000): Promise<void> {
  await Promise.all(agents.map((a) => waitOrKill(a.child, graceMs).then(() => logFlushed(a))));
}

/**
 * How long a log may take to receive the rest of a process's output once it exited: its pipes
 * close then, unless a process it started holds them (that one's output is not waited for).
 */
const LOG_FLUSH_MS = 1_000;

/**
 * The process's last lines (its summary, "run interrupted") reach its log before the arena goes,
 * or before the process restarted after it writes there.
 */
export function logFlushed(agent: LaunchedAgent): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, LOG_FLUSH_MS);
    void agent.logWritten.then(() => {
      clearTimeout(t);
      resolve();
    });
  });
}

function waitOrKill(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => killAndWait(child).then(resolve), graceMs);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
  });
}
