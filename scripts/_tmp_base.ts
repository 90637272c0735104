import { OrderBook, SelfTradePreventionMode, Side } from 'nodejs-order-book';

let s = 12345 >>> 0;
const rnd = () => {
  s ^= s << 13;
  s >>>= 0;
  s ^= s >>> 17;
  s ^= s << 5;
  s >>>= 0;
  return s / 4294967296;
};
const N = 1_000_000;
const kind = new Uint8Array(N),
  side = new Uint8Array(N),
  price = new Int32Array(N),
  qty = new Int32Array(N),
  tgt = new Int32Array(N);
let mid = 8000,
  nAdds = 0;
for (let i = 0; i < N; i++) {
  if (i % 1000 === 0) mid += rnd() < 0.5 ? -1 : 1;
  const r = rnd();
  const sd = rnd() < 0.5 ? 0 : 1;
  side[i] = sd;
  if (r < 0.7) {
    kind[i] = 0;
    price[i] = sd === 0 ? mid - 1 - Math.floor(rnd() * 50) : mid + 1 + Math.floor(rnd() * 50);
    qty[i] = 1 + Math.floor(rnd() * 20);
    nAdds++;
  } else if (r < 0.95) {
    kind[i] = 1;
    tgt[i] = 1 + Math.floor(rnd() * Math.max(1, nAdds));
  } else {
    kind[i] = 2;
    price[i] = sd === 0 ? mid + 5 : mid - 5;
    qty[i] = 200;
  }
}
const ids: string[] = [];
for (let i = 0; i <= N; i++) ids.push(String(i));
for (let run = 0; run < 3; run++) {
  const ob = new OrderBook();
  let next = 1,
    traded = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) {
    const k = kind[i];
    if (k === 0)
      ob.limit({
        id: ids[next++]!,
        side: side[i] === 0 ? Side.BUY : Side.SELL,
        size: qty[i]!,
        price: price[i]!,
        accountId: 'a' + (i & 7),
        stpMode: SelfTradePreventionMode.EXPIRE_TAKER,
      });
    else if (k === 1) ob.cancel(ids[tgt[i]!]!);
    else {
      const r = ob.limit({
        id: ids[next++]!,
        side: side[i] === 0 ? Side.BUY : Side.SELL,
        size: qty[i]!,
        price: price[i]!,
        timeInForce: 'IOC' as never,
      });
      traded += qty[i]! - r.quantityLeft;
    }
  }
  const dt = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(`run ${run}: ${(N / dt / 1e6).toFixed(3)} Mops/s traded ${traded}`);
}
