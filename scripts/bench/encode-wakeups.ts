// Times the gateway's wake-up encoding on the wake-ups of one in-process pace run:
// `node --import tsx scripts/bench/encode-wakeups.ts [config]`. The run's strategies are wrapped to
// keep every wake-up they were handed; afterwards the SessionEncoder encodes them all (a fresh
// encoder per round), as the gRPC gateway would at the same decision points, and FastBinaryReader
// decodes the bytes as an agent would (complete wake-ups: no delta views here).
import { rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createStrategy } from '../../agents/strategies/index.js';
import { SessionEncoder } from '../../arena/gateway/session-encoder.js';
import { loadRunConfig, runArena } from '../../arena/index.js';
import { SessionResponse } from '../../gen/flexarena/v1/arena_service.js';
import type { WakeUp } from '../../gen/flexarena/v1/session.js';
import { FastBinaryReader } from '../../lib/index.js';
import type { LocalAgent } from '../../sim/index.js';

const file = process.argv[2] ?? 'scenarios/pace.yaml';
const cfg = loadRunConfig(file, { outDir: '/tmp/encode-wakeups' });
const wakes: WakeUp[] = [];
const local = new Map<string, LocalAgent>(
  cfg.agents
    .filter((a) => a.launch)
    .map((a) => {
      const s = createStrategy(a.strategy, a.params);
      const agent: LocalAgent = {
        name: s.name,
        ...(s.onWelcome ? { onWelcome: (w) => s.onWelcome?.(w) } : {}),
        ...(s.onAck ? { onAck: (k) => s.onAck?.(k) } : {}),
        decide: (w) => {
          wakes.push(w);
          return s.decide(w);
        },
      };
      return [a.id, agent];
    }),
);
const { runDir } = await runArena(cfg, { baseDir: dirname(resolve(file)), local, log: () => {} });
rmSync(runDir, { recursive: true, force: true });
let bytes = 0;
const encoded: Buffer[] = [];
for (let round = 0; round < 6; round++) {
  const enc = new SessionEncoder();
  const t = performance.now();
  bytes = 0;
  encoded.length = 0;
  for (const w of wakes) {
    const b = enc.encode({ kind: { $case: 'wakeUp', value: w } });
    bytes += b.length;
    encoded.push(b);
  }
  console.log(
    `round ${round}: ${wakes.length} wake-ups, ${(bytes / 1e6).toFixed(1)} MB in ${(performance.now() - t).toFixed(0)} ms`,
  );
}
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
for (let round = 0; round < 6; round++) {
  const t = cpu();
  for (const b of encoded) SessionResponse.decode(new FastBinaryReader(b));
  console.log(`decode round ${round}: ${encoded.length} wake-ups in ${(cpu() - t).toFixed(0)} ms CPU`);
}
