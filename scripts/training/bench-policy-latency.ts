// The action latency of a trained policy inside an agent process: a real run (arena process,
// agents as their own processes over gRPC) with the `policy` strategy; the agent reports its mean
// network time and its mean decide() time (observation from the wake-up, network, orders).
//   node --import tsx scripts/training/bench-policy-latency.ts <policy.json>
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

const policy = process.argv[2];
if (!policy) throw new Error('usage: bench-policy-latency.ts <policy.json>');
const dir = mkdtempSync(join(tmpdir(), 'policy-latency-'));
const cfg = {
  name: 'policy-latency',
  seed: 4,
  day: '2026-01-14',
  deadlineMs: 10_000,
  connectTimeoutMs: 180_000,
  nats: { enabled: false },
  world: { difficulty: 'noise' },
  outDir: join(dir, 'runs'),
  agents: [
    {
      id: 'liquidity',
      strategy: 'liquidity',
      role: 'liquidity',
      params: { depthMwPerEur: 5, levels: 10, horizonHours: 6 },
    },
    {
      id: 'learned',
      strategy: 'policy',
      params: { checkpoint: policy },
      asset: { type: 'battery', powerMw: 5, energyMwh: 10 },
    },
  ],
};
writeFileSync(join(dir, 'run.yaml'), stringify(cfg));
const bin = join(import.meta.dirname, '..', '..', 'bin', 'flexarena.mjs');
const res = spawnSync(process.execPath, [bin, 'run', join(dir, 'run.yaml')], { encoding: 'utf8' });
if (res.status !== 0) throw new Error(`run failed:\n${res.stdout}\n${res.stderr}`);
const runDir = join(dir, 'runs', readdirSync(join(dir, 'runs'))[0]!);
const line = readFileSync(join(runDir, 'agents', 'learned.log'), 'utf8').match(/policy .*$/m)?.[0];
console.log(line ?? 'no latency line in the agent log');
