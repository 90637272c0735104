import { CidMarket } from '../market/index.js';
const T0 = Date.UTC(2026, 10, 21, 16);
const P = { id: 'p', kind: 'QH' as const, deliveryStartMs: T0 + 72_000_000, deliveryEndMs: T0 + 72_900_000, openMs: T0, gateClosureMs: T0 + 71_700_000 };
const cfg = { priceMinTicks: -999900, priceMaxTicks: 999900, maxQuantityLots: 100000, products: [P] };
for (let r = 0; r < 6; r++) {
  const m = new CidMarket(cfg);
  const N = 1000000; const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) m.advanceRaw(T0 + i);
  console.log(r, (Number(process.hrtime.bigint() - t0) / N).toFixed(1));
}
