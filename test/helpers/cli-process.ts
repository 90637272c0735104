// A `flexarena <command>` process of its own, in its own process group (a kill of the group also
// ends the agent processes it launched), with its output collected as it comes.
import { type ChildProcess, spawn } from 'node:child_process';
import { BIN } from './arena-process.js';

const groups = new Set<number>();

export interface CliProcess {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exited: Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>;
}

export function startCli(args: string[]): CliProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  groups.add(child.pid!);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>(
    (resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, out: () => stdout, err: () => stderr, exited };
}

/**
 * `flexarena evaluate` on `natsUrl`, scoring into `runsDir`, its HTTP endpoint on any free port;
 * with `ackWaitMs`, a message it holds unacknowledged that long comes again.
 */
export function startEvaluatorCli(natsUrl: string, runsDir: string, ackWaitMs?: number): CliProcess {
  const ackWait = ackWaitMs === undefined ? [] : ['--ack-wait-ms', `${ackWaitMs}`];
  return startCli(['evaluate', '--http-port', '0', ...ackWait, '--nats', natsUrl, '--runs-dir', runsDir]);
}

/** SIGKILL to a process group started here. */
export function killCliGroup(p: CliProcess): void {
  try {
    process.kill(-p.child.pid!, 'SIGKILL');
  } catch {
    // gone
  }
}

/** For afterAll: kills every process group started here. */
export function killAllCli(): void {
  for (const pid of groups)
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // gone
    }
}
