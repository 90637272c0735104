// `npm run bench:sdk`: wake-to-answer round trip of the TypeScript and Python SDKs over gRPC —
// wall-clock time from the gateway handing a WakeUp to gRPC until the agent's ActionBatch for it
// arrives — for agents that decide nothing (so the figure is the SDK and transport, not a
// strategy). Both play in the same runs (lock-step, woken at the same moments), next to the
// in-process liquidity provider; the TypeScript SDK is the baseline of the ratio.
// BENCH_RUNS (default 2) sets the runs.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStrategy } from '../agents/strategies/index.js';
import { type GatewayObserver, runArena } from '../arena/index.js';
import type { SessionResponse } from '../gen/flexarena/v1/arena_service.js';
import type { ActionBatch } from '../gen/flexarena/v1/session.js';
import { parseRunConfig } from '../sim/index.js';
import { writeBenchmarkSection } from './benchmarks-file.js';

const root = join(import.meta.dirname, '..');
const runs = Number(process.env.BENCH_RUNS ?? 2);
const PY_IDLE = [
  'import sys',
  'from flexarena_sdk import Strategy',
  'from flexarena_sdk.cli import main',
  'class Idle(Strategy):',
  '    name = "idle-py"',
  '    def decide(self, wake):',
  '        return []',
  'sys.exit(main(lambda params: Idle()))',
].join('\n');

const AGENTS = {
  'ts-sdk': [process.execPath, join(root, 'bin', 'flexarena.mjs'), 'agent', 'idle', '--arena', '{arena}'],
  'py-sdk': [
    'env',
    `PYTHONPATH=${join(root, 'agents', 'python')}`,
    '/usr/bin/python3',
    '-c',
    PY_IDLE,
    '--arena',
    '{arena}',
  ],
} as const;
type AgentId = keyof typeof AGENTS;

class RoundTrips implements GatewayObserver {
  readonly ms = new Map<AgentId, number[]>(Object.keys(AGENTS).map((id) => [id as AgentId, []]));
  private readonly woken = new Map<string, number>();
  sent(agentId: string, msg: SessionResponse): void {
    if (msg.kind?.$case === 'wakeUp')
      this.woken.set(`${agentId}:${msg.kind.value.wakeId}`, performance.now());
  }
  batch(agentId: string, batch: ActionBatch): void {
    const t = this.woken.get(`${agentId}:${batch.wakeId}`);
    if (t !== undefined) this.ms.get(agentId as AgentId)?.push(performance.now() - t);
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const trips = new RoundTrips();
for (let r = 0; r < runs; r++) {
  const outDir = mkdtempSync(join(tmpdir(), 'flexarena-bench-sdk-'));
  const cfg = parseRunConfig({
    name: 'bench-sdk',
    seed: 5 + r,
    day: '2026-11-22',
    simStartHoursBeforeDay: 8,
    connectTimeoutMs: 120_000,
    outDir,
    nats: { enabled: false },
    market: { auctions: { dayAhead: false, intraday: false }, balancing: { enabled: false } },
    agents: [
      {
        id: 'liquidity',
        strategy: 'liquidity',
        role: 'liquidity',
        params: { depthMwPerEur: 1, levels: 8, horizonHours: 4 },
      },
      ...Object.entries(AGENTS).map(([id, command]) => ({ id, strategy: id, command: [...command] })),
    ],
  });
  await runArena(cfg, {
    local: new Map([['liquidity', createStrategy('liquidity', cfg.agents[0]!.params)]]),
    observer: trips,
    log: () => undefined,
  });
  rmSync(outDir, { recursive: true, force: true });
}

const rows = [...trips.ms].map(([id, ms]) => {
  const sorted = [...ms].sort((a, b) => a - b);
  return { id, n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
});
const base = rows.find((r) => r.id === 'ts-sdk')!;
const body = [
  '## SDK round trip (`npm run bench:sdk`)',
  '',
  `Wake-up handed to gRPC → the agent's batch for it received, agents that decide nothing, ${runs} runs of one day ` +
    `(a decision point every 15 min; ${rows[0]!.n} wake-ups per agent in all), both SDKs in the same runs. ` +
    `Machine: ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(1)} at the end (shared machine).`,
  '',
  '| SDK | wake-ups | p50 ms | p99 ms | p50 / TS | p99 / TS |',
  '|---|---|---|---|---|---|',
  ...rows.map(
    (r) =>
      `| ${r.id} | ${r.n} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${(r.p50 / base.p50).toFixed(2)} | ${(r.p99 / base.p99).toFixed(2)} |`,
  ),
].join('\n');
writeBenchmarkSection('sdk', body);
process.stdout.write(`${body}\n`);
