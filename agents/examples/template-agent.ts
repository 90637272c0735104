// A complete FlexArena agent: buys 1 MW where the best ask is 5 EUR/MWh below the forecast.
// node --import tsx agents/examples/template-agent.ts   (FLEXARENA_ARENA, FLEXARENA_TOKEN set)

import type { Strategy, WakeUp, Welcome } from '../sdk/index.js';
import { AgentSdkError, MarketView, priceTicks, quantityLots, runAgent, submit } from '../sdk/index.js';

class BargainHunter implements Strategy {
  readonly name = 'bargain-hunter';
  private view?: MarketView;
  onWelcome(welcome: Welcome) {
    this.view = MarketView.fromWelcome(welcome);
  }
  decide(wake: WakeUp) {
    const forecasts = MarketView.forecasts(wake);
    const books = MarketView.books(wake);
    for (const p of this.view?.tradableQuarterHours(wake.timeMs) ?? []) {
      const ask = books.get(p.productId)?.asks[0];
      const forecast = forecasts.get(p.productId);
      if (!ask || forecast === undefined || ask.priceTicks > forecast - priceTicks(5)) continue;
      const order = { productId: p.productId, priceTicks: ask.priceTicks, quantityLots: quantityLots(1) };
      return [submit({ ...order, side: 'buy', tif: 'IOC' })];
    }
    return [];
  }
}

const out = await runAgent(new BargainHunter(), {
  address: process.env.FLEXARENA_ARENA ?? '127.0.0.1:50051',
  token: process.env.FLEXARENA_TOKEN ?? '',
}).catch((err) => {
  if (!(err instanceof AgentSdkError)) throw err; // a bug: with its stack
  console.error(err.message); // a wrong token, no arena there: one line that says so
  if (err.name === 'StrategyError') console.error(err.cause); // decide() threw: its own stack
  process.exit(1);
});
console.log(`${out.welcome?.agentId}: ${out.wakeUps} wake-ups; ${out.ended?.reason}`);
