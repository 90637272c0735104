// Starts `flexarena run … --dashboard` or `flexarena dashboard <folder>` as a child process and
// reads the line it prints for tools: FLEXARENA_DASHBOARD <page url> <run id> <nats url> <ws url>.
import { type ChildProcess, spawn } from 'node:child_process';
import type { NatsConnection } from '@nats-io/transport-node';
import { killAndWait } from '../../arena/nats/nats-server-launcher.js';
import { BIN } from './arena-process.js';

export interface DashboardProcess {
  child: ChildProcess;
  pageUrl: string;
  runId: string;
  natsUrl: string;
  output(): { stdout: string; stderr: string };
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
  /** Waits until stdout matches. */
  waitFor(re: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
  stop(): Promise<void>;
}

export function startDashboardProcess(args: string[], timeoutMs = 60_000): Promise<DashboardProcess> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let done = false;
  exited.then(() => (done = true));
  const waitFor = async (re: RegExp, ms: number) => {
    const until = Date.now() + ms;
    for (;;) {
      const m = re.exec(stdout);
      if (m) return m;
      if (done) throw new Error(`process exited before printing ${re}:\n${stdout}\n${stderr}`);
      if (Date.now() > until) throw new Error(`no ${re} within ${ms} ms:\n${stdout}\n${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return waitFor(/FLEXARENA_DASHBOARD (\S+) (\S+) (\S+) (\S+)/, timeoutMs).then(
    (m) => ({
      child,
      pageUrl: m[1]!,
      runId: m[2]!,
      natsUrl: m[3]!,
      output: () => ({ stdout, stderr }),
      exited,
      waitFor,
      stop: () => killAndWait(child),
    }),
    async (err) => {
      await killAndWait(child);
      throw err;
    },
  );
}

/**
 * When each trade of a run left the arena, by trade id, as a subscriber of its CID trade updates
 * sees it: the reference for the page's trade latency. Subscribed (and flushed) when it resolves.
 */
export async function tradePublishTimes(nc: NatsConnection, runId: string): Promise<Map<number, number>> {
  const publishedAt = new Map<number, number>();
  nc.subscribe(`flexarena.${runId}.cid.*.trades`, {
    callback: (_e, m) => {
      const now = Date.now();
      for (const t of (m.json() as { trades: { tradeId: number }[] }).trades) publishedAt.set(t.tradeId, now);
    },
  });
  await nc.flush();
  return publishedAt;
}
