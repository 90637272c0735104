// How much of the agents' private lists a DELTA_PRIVATE session sends in the pace line-up: every
// wake-up of an in-process run, diffed against the agent's previous one as the gateway does.
//   node --import tsx scripts/bench/private-lists-count.ts [config]
import { rmSync } from 'node:fs';
import { loadRunConfig, runArena } from '../../arena/index.js';
import { inProcessAgents } from '../../cli/commands/run.js';
import type { Order, Position } from '../../gen/flexarena/v1/market.js';
import type { WakeUp } from '../../gen/flexarena/v1/session.js';
import { diffOpenOrders, diffPositions } from '../../lib/index.js';

const cfg = loadRunConfig(process.argv[2] ?? 'scenarios/pace.yaml', {
  outDir: '/tmp/flexarena-private-lists',
});
const local = inProcessAgents(cfg);
const n = { wakes: 0, snapshots: 0, orders: 0, ordersSent: 0, positions: 0, positionsSent: 0 };
for (const agent of local.values()) {
  let held: { orders: readonly Order[]; positions: readonly Position[] } | undefined;
  const decide = agent.decide.bind(agent);
  agent.decide = (w: WakeUp) => {
    const orders = held && diffOpenOrders(held.orders, w.openOrders);
    const positions = orders && diffPositions(held!.positions, w.positions);
    n.wakes++;
    n.orders += w.openOrders.length;
    n.positions += w.positions.length;
    if (orders && positions) {
      n.ordersSent += orders.openOrders.length;
      n.positionsSent += positions.length;
    } else {
      n.snapshots++;
      n.ordersSent += w.openOrders.length;
      n.positionsSent += w.positions.length;
    }
    held = { orders: w.openOrders, positions: w.positions };
    return decide(w);
  };
}
const { runDir } = await runArena(cfg, { local, log: () => {} });
console.log(
  `${n.wakes} wake-ups (${n.snapshots} complete): open orders ${n.ordersSent} of ${n.orders} sent, ` +
    `positions ${n.positionsSent} of ${n.positions} sent`,
);
rmSync(runDir, { recursive: true, force: true });
