// What delta wake-ups save per wake-up, measured in one process (ratios, not wall-clock claims):
// `node --import tsx scripts/bench/wake-delta.ts [config] [agent]` plays the configuration in
// process (default scenarios/pace.yaml), keeps the core's wake-ups of one agent (default: the first
// with an asset; the liquidity provider's wake-ups are mostly its own open orders), then encodes them for 10
// agents as the gateway does (complete, and as deltas through WakeViewCoder + SessionEncoder) and
// decodes them as an agent does (complete; delta + WakeViewTracker.rebuild). Prints bytes and CPU
// milliseconds of each side, best of 5 rounds.
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { WakeViewTracker } from '../../agents/sdk/wake-view.js';
import { createStrategy } from '../../agents/strategies/index.js';
import { SessionEncoder } from '../../arena/gateway/session-encoder.js';
import { WakeViewCoder } from '../../arena/gateway/wake-view-coder.js';
import { loadRunConfig, runArena } from '../../arena/index.js';
import { SessionResponse } from '../../gen/flexarena/v1/arena_service.js';
import type { WakeUp } from '../../gen/flexarena/v1/session.js';
import { FastBinaryReader } from '../../lib/index.js';
import type { LocalAgent } from '../../sim/index.js';

const file = resolve(process.argv[2] ?? 'scenarios/pace.yaml');
const cfg = loadRunConfig(file, { outDir: '/tmp/flexarena-wake-delta-bench' });
const watched = process.argv[3] ?? cfg.agents.find((a) => a.launch && a.asset)!.id;
const wakes: WakeUp[] = [];
const local = new Map<string, LocalAgent>(
  cfg.agents
    .filter((a) => a.launch)
    .map((a) => {
      const s = createStrategy(a.strategy, a.params);
      if (a.id === watched) {
        const decide = s.decide.bind(s);
        s.decide = (w) => {
          wakes.push(w);
          return decide(w);
        };
      }
      return [a.id, s];
    }),
);
await runArena(cfg, { local, log: () => {} });

const AGENTS = 10;
const wrap = (w: WakeUp): SessionResponse => ({ kind: { $case: 'wakeUp', value: w } });
function arenaSide(delta: boolean): { ms: number; bytes: Buffer[] } {
  const t0 = performance.now();
  const enc = new SessionEncoder();
  const coder = new WakeViewCoder();
  const held: (ReturnType<WakeViewCoder['encode']>['holds'] | undefined)[] = Array(AGENTS).fill(undefined);
  const bytes: Buffer[] = [];
  for (const w of wakes)
    for (let a = 0; a < AGENTS; a++) {
      let msg = w;
      if (delta) {
        const out = coder.encode(w, held[a]);
        held[a] = out.holds;
        msg = out.wire;
      }
      const b = enc.encode(wrap(msg));
      if (a === 0) bytes.push(b);
    }
  return { ms: performance.now() - t0, bytes };
}
function agentSide(bytes: Buffer[], delta: boolean): number {
  const t0 = performance.now();
  const tracker = new WakeViewTracker();
  for (const b of bytes) {
    const m = SessionResponse.decode(new FastBinaryReader(b));
    if (m.kind?.$case === 'wakeUp' && delta) tracker.rebuild(m.kind.value);
  }
  return performance.now() - t0;
}
const best = (f: () => number) => Math.min(...Array.from({ length: 5 }, f));
const full = arenaSide(false);
const del = arenaSide(true);
const sum = (bs: Buffer[]) => bs.reduce((n, b) => n + b.length, 0);
const report = {
  config: file,
  agent: watched,
  wakeUps: wakes.length,
  bytesPerAgent: { full: sum(full.bytes), delta: sum(del.bytes) },
  arenaEncodeMsFor10Agents: { full: best(() => arenaSide(false).ms), delta: best(() => arenaSide(true).ms) },
  agentDecodeMs: {
    full: best(() => agentSide(full.bytes, false)),
    delta: best(() => agentSide(del.bytes, true)),
  },
};
process.stdout.write(`${JSON.stringify(report)}\n`);
