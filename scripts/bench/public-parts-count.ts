// What each part of the public view weighs on the wire in the pace line-up: every wake-up of one
// agent of an in-process run, encoded as the gateway encodes a DELTA session's (WakeViewCoder), and
// the bytes and entries of its books, price forecasts and fundamentals forecasts counted — what a
// strategy that ignores a part (Strategy.ignoresPublicViewParts) leaves undecoded — and the SDK's
// decoding and rebuilding of those wake-ups (a DELTA_PRIVATE session's bytes, as the gateway sends
// them) with every part, without the fundamentals, and without books and fundamentals: CPU ms of
// the first round (cold, as in an agent process) and the best of five.
//   node --import tsx scripts/bench/public-parts-count.ts [config] [agent]
import { rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { leanSessionDecoder } from '../../agents/sdk/lean-session-decoder.js';
import type { PublicViewPart } from '../../agents/sdk/strategy.js';
import { WakeViewTracker } from '../../agents/sdk/wake-view.js';
import { SessionEncoder } from '../../arena/gateway/session-encoder.js';
import { type HeldView, WakeViewCoder } from '../../arena/gateway/wake-view-coder.js';
import { loadRunConfig, runArena } from '../../arena/index.js';
import { inProcessAgents } from '../../cli/commands/run.js';
import { BookDepth, PriceForecast } from '../../gen/flexarena/v1/market.js';
import { FundamentalsForecast, type WakeUp } from '../../gen/flexarena/v1/session.js';

const cfg = loadRunConfig(process.argv[2] ?? 'scenarios/pace.yaml', {
  outDir: '/tmp/flexarena-public-parts',
});
const watched = process.argv[3] ?? cfg.agents.find((a) => a.launch && a.asset)!.id;
const local = inProcessAgents(cfg);
const agent = local.get(watched);
if (!agent) throw new Error(`no in-process agent ${watched}`);
const coder = new WakeViewCoder();
let held: HeldView | undefined;
// The same wake-ups as a DELTA_PRIVATE session of this agent gets them, for the decoding below.
const privateCoder = new WakeViewCoder();
const encoder = new SessionEncoder();
let privateHeld: HeldView | undefined;
const wireBytes: Buffer[] = [];
const parts = {
  books: { bytes: 0, entries: 0 },
  priceForecasts: { bytes: 0, entries: 0 },
  fundamentalsForecasts: { bytes: 0, entries: 0 },
};
let wakes = 0;
const decide = agent.decide.bind(agent);
agent.decide = (w: WakeUp) => {
  const { wire, holds } = coder.encode(w, held);
  held = holds;
  const session = privateCoder.encode(w, privateHeld, true);
  privateHeld = session.holds;
  wireBytes.push(encoder.encode({ kind: { $case: 'wakeUp', value: session.wire } }));
  wakes++;
  for (const b of wire.books) parts.books.bytes += BookDepth.encode(b).finish().length;
  for (const f of wire.priceForecasts) parts.priceForecasts.bytes += PriceForecast.encode(f).finish().length;
  for (const f of wire.fundamentalsForecasts)
    parts.fundamentalsForecasts.bytes += FundamentalsForecast.encode(f).finish().length;
  parts.books.entries += wire.books.length;
  parts.priceForecasts.entries += wire.priceForecasts.length;
  parts.fundamentalsForecasts.entries += wire.fundamentalsForecasts.length;
  return decide(w);
};
const { runDir } = await runArena(cfg, { local, log: () => {} });
const total = Object.values(parts).reduce((n, p) => n + p.bytes, 0);
console.log(
  `${watched}: ${wakes} wake-ups (${coder.snapshots} snapshots, ${coder.deltas} deltas), public view ${total} bytes: ` +
    Object.entries(parts)
      .map(([k, p]) => `${k} ${p.bytes} (${((100 * p.bytes) / total).toFixed(0)} %, ${p.entries} entries)`)
      .join(', '),
);

/** CPU ms to decode and rebuild every wake-up as the SDK does for a strategy ignoring `ignored`. */
function decodeMs(ignored: readonly PublicViewPart[]): number {
  const decode = leanSessionDecoder({ publicView: true, ignoredParts: ignored, ackResults: true });
  const tracker = new WakeViewTracker();
  const t0 = performance.now();
  for (const b of wireBytes) {
    const m = decode(b);
    if (m.kind?.$case === 'wakeUp') tracker.rebuild(m.kind.value);
  }
  return performance.now() - t0;
}
const variants: [string, PublicViewPart[]][] = [
  ['whole view', []],
  ['no fundamentals', ['fundamentalsForecasts']],
  ['no books, no fundamentals', ['books', 'fundamentalsForecasts']],
];
const rounds = variants.map(() => [] as number[]);
for (let r = 0; r < 6; r++)
  for (let i = 0; i < variants.length; i++) rounds[i]!.push(decodeMs(variants[i]![1]));
console.log(
  `SDK decoding + rebuild, ms (first round / best of the next five): ${variants
    .map(
      ([name], i) => `${name} ${rounds[i]![0]!.toFixed(1)} / ${Math.min(...rounds[i]!.slice(1)).toFixed(1)}`,
    )
    .join(', ')}`,
);
rmSync(runDir, { recursive: true, force: true });
