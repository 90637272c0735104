// Facts about one agent read back from a run's tape.jsonl, for tests that compare what an agent
// saw with what the arena recorded.
export interface TapeTrade {
  tradeId: number;
  productId: string;
  quantityLots: number;
  buyAgentId: string;
  sellAgentId: string;
}

export function tradesOf(tape: Record<string, unknown>[], agentId: string): TapeTrade[] {
  return tape.filter(
    (r) => r.type === 'trade' && (r.buyAgentId === agentId || r.sellAgentId === agentId),
  ) as unknown as TapeTrade[];
}

/** Net lots (bought − sold) per product, from the trades; products that net to 0 are kept. */
export function netLotsByProduct(trades: TapeTrade[], agentId: string): Map<string, number> {
  const net = new Map<string, number>();
  for (const t of trades) {
    const sign = t.buyAgentId === agentId ? 1 : -1;
    net.set(t.productId, (net.get(t.productId) ?? 0) + sign * t.quantityLots);
  }
  return net;
}
