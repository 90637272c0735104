import { CidMarket, newRawSubmit, GTC } from '../market/index.js';
const T0 = Date.UTC(2026, 10, 21, 16);
const P = { id: 'p', kind: 'QH' as const, deliveryStartMs: T0 + 72_000_000, deliveryEndMs: T0 + 72_900_000, openMs: T0, gateClosureMs: T0 + 71_700_000 };
const cfg = { priceMinTicks: -999900, priceMaxTicks: 999900, maxQuantityLots: 100000, products: [P] };
function bench(name: string, f: () => number) {
  for (let r = 0; r < 5; r++) { const c0 = process.cpuUsage(); const t0 = process.hrtime.bigint(); const n = f(); const dt = Number(process.hrtime.bigint() - t0); const c = process.cpuUsage(c0); if (r >= 2) console.log(name, (dt / n).toFixed(1), "ns/op wall", ((c.user + c.system) * 1000 / n).toFixed(1), "ns/op cpu"); }
}
// adds then cancels, book of ~10k orders across 100 levels
bench('add+cancel', () => {
  const m = new CidMarket(cfg); m.advanceRaw(T0); const a = m.agentIndex('a'); const o = newRawSubmit(); o.product = 0; o.agent = a; o.tif = GTC;
  const N = 500000; let id = 0;
  for (let i = 0; i < N; i++) { o.time = T0 + i; o.side = i & 1; o.priceTicks = (i & 1) ? 8001 + (i % 97) % 50 : 7999 - (i % 89) % 50; o.quantityLots = 5; m.submitRaw(o); id++;
    if (i >= 10000) m.cancelRaw(T0 + i, a, id - 10000); }
  return N * 2;
});
bench('time-only', () => { const m = new CidMarket(cfg); m.advanceRaw(T0); const N = 1000000; for (let i = 0; i < N; i++) m.advanceRaw(T0 + i); return N; });
