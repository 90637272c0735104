import { join } from 'node:path';
import { createStrategy } from '../../agents/strategies/index.js';
import { loadRunConfig } from '../../arena/index.js';
import { runLocal } from './run-local.js';

const [scenario, seed, slot, strategy] = process.argv.slice(2);
const cfg0 = loadRunConfig(join(import.meta.dirname, '..', '..', 'scenarios', `${scenario}.yaml`));
const cfg = {
  ...cfg0,
  seed: Number(seed),
  agents: cfg0.agents.map((a) => (a.id === slot ? { ...a, strategy: strategy!, params: {} } : a)),
};
const run = await runLocal(cfg, {
  agents: new Map([[slot!, createStrategy(strategy!, {})]]),
  keepTape: true,
});
const types = new Map<string, number>();
for (const r of run.tape) types.set(r.type as string, (types.get(r.type as string) ?? 0) + 1);
console.log([...types]);
const orders = new Map<number, { ref: string; agent: string }>();
for (const r of run.tape)
  if (r.type === 'accepted')
    orders.set(r.orderId as number, { ref: String(r.clientRef ?? ''), agent: String(r.agentId) });
console.log(JSON.stringify(run.tape.find((r) => r.type === 'trade')));
console.log(JSON.stringify(run.tape.find((r) => r.type === 'accepted')));
const realised = run.realisedPriceTicks;
const day0 = run.settlements[0]!.deliveryStartMs;
const acc = new Map<string, { lots: number; edge: number }>();
for (const r of run.tape) {
  if (r.type !== 'trade') continue;
  const buy = r.buyAgentId === slot,
    sell = r.sellAgentId === slot;
  if (!buy && !sell) continue;
  const start = Date.UTC(
    +String(r.productId).slice(3, 7),
    +String(r.productId).slice(7, 9) - 1,
    +String(r.productId).slice(9, 11),
    +String(r.productId).slice(12, 14),
    +String(r.productId).slice(14, 16),
  );
  const k = Math.round((start - day0) / 900000);
  const ref = realised[k] ?? NaN;
  const aggressive = (buy && r.aggressorSide === 'buy') || (sell && r.aggressorSide === 'sell');
  const counter = buy ? r.sellAgentId : r.buyAgentId;
  const key = `${buy ? 'buy' : 'sell'} ${aggressive ? 'aggr' : 'pass'} vs ${counter}`;
  const e = acc.get(key) ?? { lots: 0, edge: 0 };
  e.lots += r.quantityLots as number;
  // Edge in EUR against the realised price: buying below / selling above it is good.
  e.edge +=
    ((buy ? ref - (r.priceTicks as number) : (r.priceTicks as number) - ref) / 100) *
    ((r.quantityLots as number) / 10) *
    0.25;
  acc.set(key, e);
}
for (const [k, v] of acc)
  console.log(k.padEnd(40), 'MWh', (v.lots / 40).toFixed(1), 'edge EUR', v.edge.toFixed(0));
// Order ids → client refs: match accepted records to the agent's submits by product, side, price, lots.
const pending: { key: string; ref: string }[] = [];
const refOf = new Map<number, string>();
for (const r of run.tape) {
  if (r.type === 'batch' && r.agent === slot)
    for (const a of r.actions as {
      clientRef: string;
      kind: { $case: string; value: Record<string, unknown> };
    }[])
      if (a.kind.$case === 'submit')
        pending.push({
          key: `${a.kind.value.productId}|${a.kind.value.side === 1 ? 'buy' : 'sell'}|${a.kind.value.priceTicks}|${a.kind.value.quantityLots}`,
          ref: a.clientRef,
        });
  if (r.type === 'accepted' && r.agentId === slot) {
    const key = `${r.productId}|${r.side}|${r.priceTicks}|${r.quantityLots}`;
    const i = pending.findIndex((p) => p.key === key);
    if (i >= 0) {
      refOf.set(r.orderId as number, pending[i]!.ref);
      pending.splice(i, 1);
    }
  }
}
const cash = new Map<string, { mwh: number; eur: number }>();
for (const r of run.tape) {
  if (r.type !== 'trade') continue;
  const buy = r.buyAgentId === slot,
    sell = r.sellAgentId === slot;
  if (!buy && !sell) continue;
  const ref = refOf.get((buy ? r.buyOrderId : r.sellOrderId) as number) ?? '?';
  const key = `${ref} ${buy ? 'buy' : 'sell'}`;
  const e = cash.get(key) ?? { mwh: 0, eur: 0 };
  const mwh = ((r.quantityLots as number) / 10) * 0.25;
  e.mwh += mwh;
  e.eur += (buy ? -1 : 1) * ((r.priceTicks as number) / 100) * mwh;
  cash.set(key, e);
}
for (const [k, v] of cash)
  console.log(
    k.padEnd(24),
    'MWh',
    v.mwh.toFixed(1),
    'cash',
    v.eur.toFixed(0),
    'avg',
    (Math.abs(v.eur) / v.mwh).toFixed(2),
  );
