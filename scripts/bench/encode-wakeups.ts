// Times the gateway's wake-up encoding on the wake-ups of one in-process pace run:
// `node --import tsx scripts/bench/encode-wakeups.ts [config]`. The run's strategies are wrapped to
// keep every wake-up they were handed; afterwards the SessionEncoder encodes them all (rounds
// alternate with a fresh encoder each), as the gRPC gateway would at the same decision points.
import { rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { BinaryReader } from '@bufbuild/protobuf/wire';
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
class LibraryStringReader extends FastBinaryReader {
  override string(strict?: boolean): string {
    return BinaryReader.prototype.string.call(this, strict);
  }
}
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const times: Record<string, number[]> = { library: [], interned: [] };
for (let round = 0; round < 12; round++) {
  for (const [name, make] of [
    ['library', (b: Buffer) => new LibraryStringReader(b)],
    ['interned', (b: Buffer) => new FastBinaryReader(b)],
  ] as const) {
    const t = cpu();
    for (const b of encoded) SessionResponse.decode(make(b));
    times[name]!.push(cpu() - t);
  }
}
for (const [name, xs] of Object.entries(times))
  console.log(`decode ${name}: ${xs.map((x) => x.toFixed(0)).join(' ')} ms CPU`);
