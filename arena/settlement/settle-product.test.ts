import { describe, expect, it } from 'vitest';
import { Side } from '../../gen/flexarena/v1/market.js';
import type { ProductDef } from '../../market/index.js';
import { BatteryTwin } from '../assets/battery.js';
import type { AgentConfig, BatteryConfig } from '../config/run-config.js';
import { AgentLedger } from '../core/agent-ledger.js';
import { isLiquidityAgent, kwhPerLot, type SettlementInput, settleProduct } from './settle-product.js';

const START = Date.UTC(2026, 10, 22, 12, 0);
const QH: ProductDef = {
  id: 'qh-20261122-1200',
  kind: 'QH',
  deliveryStartMs: START,
  deliveryEndMs: START + 15 * 60_000,
  openMs: START - 8 * 3_600_000,
  gateClosureMs: START - 5 * 60_000,
};
const HOUR: ProductDef = { ...QH, id: 'h-20261122-1200', kind: 'H', deliveryEndMs: START + 60 * 60_000 };

/** 80 EUR/MWh reference, 50 EUR/MWh imbalance spread, in ticks of 0.01 EUR/MWh. */
const REF = 8_000;
const SPREAD = 5_000;

/** 10 MW / 20 MWh, eta 0.9, SoC in [2, 18] MWh. */
const BATTERY: BatteryConfig = {
  type: 'battery',
  powerMw: 10,
  energyMwh: 20,
  etaCharge: 0.9,
  etaDischarge: 0.9,
  socMin: 0.1,
  socMax: 0.9,
  socInitial: 0.5,
};

function agentConfig(id: string, over: Partial<AgentConfig> = {}): AgentConfig {
  return {
    id,
    strategy: 'test',
    params: {},
    role: 'trader',
    launch: true,
    latencyMs: { min: 0, max: 0 },
    ...over,
  };
}

/** Records a fill that moves `ledger`'s net position in `product` by `netLots`. */
function addPosition(ledger: AgentLedger, product: ProductDef, netLots: number): AgentLedger {
  if (netLots !== 0)
    ledger.recordFill(
      {
        tradeId: 1,
        orderId: 1,
        productId: product.id,
        side: netLots > 0 ? Side.SIDE_BUY : Side.SIDE_SELL,
        priceTicks: REF,
        quantityLots: Math.abs(netLots),
        timeMs: product.gateClosureMs - 60_000,
        aggressor: true,
      },
      0,
    );
  return ledger;
}

/** A ledger holding `netLots` of `product` (bought if > 0, sold if < 0). */
function ledgerWith(id: string, product: ProductDef, netLots: number): AgentLedger {
  return addPosition(new AgentLedger(id, 'test'), product, netLots);
}

function settleOne(
  product: ProductDef,
  config: AgentConfig,
  ledger: AgentLedger,
  battery: BatteryTwin | undefined,
) {
  const input: SettlementInput = {
    product,
    referencePriceTicks: REF,
    spreadTicks: SPREAD,
    agents: [{ config, ledger, battery }],
  };
  return settleProduct(input);
}

describe('kwhPerLot', () => {
  it('is 0.1 MW over the period in kWh', () => {
    expect(kwhPerLot(15)).toBe(25);
    expect(kwhPerLot(60)).toBe(100);
    expect(kwhPerLot(30)).toBe(50);
  });
});

describe('settleProduct', () => {
  it('a battery agent with a feasible position has zero imbalance', () => {
    const battery = new BatteryTwin('b', BATTERY);
    const ledger = ledgerWith('b', QH, 40); // 40 lots × 25 kWh = 1000 kWh charge
    const [rec, ...rest] = settleOne(QH, agentConfig('b', { asset: BATTERY }), ledger, battery);
    expect(rest).toHaveLength(0);
    expect(rec).toMatchObject({
      agent: 'b',
      productId: QH.id,
      positionKwh: 1000,
      meteredKwh: 1000,
      imbalanceKwh: 0,
      imbalanceCashUnits: 0,
      positionValueCashUnits: 0,
      referencePriceTicks: REF,
      clipped: false,
    });
    expect(rec!.socMwh).toBeCloseTo(10.9, 9);
    expect(battery.socMwh).toBeCloseTo(10.9, 9);
    expect(ledger.imbalanceCashUnits).toBe(0);
    expect(ledger.imbalanceKwhAbs).toBe(0);
  });

  it('a feasible discharge also settles without imbalance', () => {
    const battery = new BatteryTwin('b', BATTERY);
    const ledger = ledgerWith('b', QH, -36); // 900 kWh discharge
    const [rec] = settleOne(QH, agentConfig('b', { asset: BATTERY }), ledger, battery);
    expect(rec).toMatchObject({
      positionKwh: -900,
      meteredKwh: -900,
      imbalanceKwh: 0,
      imbalanceCashUnits: 0,
    });
    expect(battery.socMwh).toBeCloseTo(9, 9);
  });

  it('a battery that cannot deliver a sale is short and pays reference + spread', () => {
    const battery = new BatteryTwin('b', BATTERY);
    // Sold 20 MW for a quarter-hour (-5000 kWh); the battery can inject only 10 MW (-2500 kWh).
    const ledger = ledgerWith('b', QH, -200);
    const [rec] = settleOne(QH, agentConfig('b', { asset: BATTERY }), ledger, battery);
    expect(rec).toMatchObject({
      positionKwh: -5000,
      meteredKwh: -2500,
      imbalanceKwh: -2500,
      imbalancePriceTicks: REF + SPREAD,
      clipped: true,
    });
    // 2.5 MWh short at 130 EUR/MWh = 325 EUR paid = 32 500 000 cash units of 0.00001 EUR.
    expect(rec!.imbalanceCashUnits).toBe(-2500 * 13_000);
    expect(rec!.imbalanceCashUnits).toBe(-32_500_000);
    expect(ledger.imbalanceCashUnits).toBe(-32_500_000);
    expect(ledger.imbalanceKwhAbs).toBe(2500);
    expect(battery.clippedCount).toBe(1);
  });

  it('a battery that cannot absorb a purchase is long and receives reference - spread', () => {
    // Almost full: 17.5 MWh, room (18 - 17.5) / 0.9 = 555.6 kWh -> 555 kWh metered.
    const battery = new BatteryTwin('b', { ...BATTERY, socInitial: 17.5 / 20 });
    const ledger = ledgerWith('b', QH, 40); // 1000 kWh
    const [rec] = settleOne(QH, agentConfig('b', { asset: BATTERY }), ledger, battery);
    expect(rec).toMatchObject({
      positionKwh: 1000,
      meteredKwh: 555,
      imbalanceKwh: 445,
      imbalancePriceTicks: REF - SPREAD,
      clipped: true,
    });
    // 0.445 MWh long at 30 EUR/MWh = 13.35 EUR received.
    expect(rec!.imbalanceCashUnits).toBe(445 * 3_000);
    expect(rec!.imbalanceCashUnits).toBe(1_335_000);
    expect(ledger.imbalanceCashUnits).toBe(1_335_000);
    expect(ledger.imbalanceKwhAbs).toBe(445);
  });

  it('accumulates imbalance cash over several products in the ledger', () => {
    const battery = new BatteryTwin('b', BATTERY);
    const ledger = ledgerWith('b', QH, -200);
    const config = agentConfig('b', { asset: BATTERY });
    settleOne(QH, config, ledger, battery);
    const next: ProductDef = {
      ...QH,
      id: 'qh-20261122-1215',
      deliveryStartMs: QH.deliveryEndMs,
      deliveryEndMs: QH.deliveryEndMs + 15 * 60_000,
    };
    addPosition(ledger, next, -200);
    settleOne(next, config, ledger, battery);
    expect(ledger.imbalanceCashUnits).toBe(-2 * 32_500_000);
    expect(ledger.imbalanceKwhAbs).toBe(5000);
  });

  it('uses the period length of an hourly product (100 kWh per lot, one hour of power)', () => {
    const battery = new BatteryTwin('b', BATTERY);
    const ledger = ledgerWith('b', HOUR, 50); // 5 MW for an hour = 5000 kWh
    const [rec] = settleOne(HOUR, agentConfig('b', { asset: BATTERY }), ledger, battery);
    expect(rec).toMatchObject({ positionKwh: 5000, meteredKwh: 5000, imbalanceKwh: 0, clipped: false });
  });

  it('a trader without an asset has its whole position as imbalance', () => {
    const longLedger = ledgerWith('t', QH, 10); // bought 250 kWh it cannot take
    const [long] = settleOne(QH, agentConfig('t'), longLedger, undefined);
    expect(long).toMatchObject({
      positionKwh: 250,
      meteredKwh: 0,
      imbalanceKwh: 250,
      imbalancePriceTicks: REF - SPREAD,
      imbalanceCashUnits: 250 * 3_000,
      positionValueCashUnits: 0,
      socMwh: null,
      clipped: false,
    });

    const shortLedger = ledgerWith('t', QH, -10);
    const [short] = settleOne(QH, agentConfig('t'), shortLedger, undefined);
    expect(short).toMatchObject({
      positionKwh: -250,
      meteredKwh: 0,
      imbalanceKwh: -250,
      imbalancePriceTicks: REF + SPREAD,
      imbalanceCashUnits: -250 * 13_000,
    });
    expect(shortLedger.imbalanceCashUnits).toBe(-3_250_000);
  });

  it('a liquidity agent is delivered in full and valued at the reference price, with no imbalance', () => {
    const config = agentConfig('liq', { role: 'liquidity' });
    expect(isLiquidityAgent(config)).toBe(true);
    expect(isLiquidityAgent(agentConfig('t'))).toBe(false);
    const ledger = ledgerWith('liq', QH, -30); // sold 750 kWh
    const [rec] = settleOne(QH, config, ledger, undefined);
    expect(rec).toMatchObject({
      positionKwh: -750,
      meteredKwh: -750,
      imbalanceKwh: 0,
      imbalanceCashUnits: 0,
      positionValueCashUnits: -750 * REF,
    });
    expect(ledger.positionValueCashUnits).toBe(-6_000_000);
    expect(ledger.imbalanceCashUnits).toBe(0);
    expect(ledger.imbalanceKwhAbs).toBe(0);

    const buyer = ledgerWith('liq', QH, 4);
    const [b] = settleOne(QH, config, buyer, undefined);
    expect(b!.positionValueCashUnits).toBe(100 * REF);
  });

  it('leaves out agents without position and asset, but reports a battery even when idle', () => {
    const battery = new BatteryTwin('b', BATTERY);
    const records = settleProduct({
      product: QH,
      referencePriceTicks: REF,
      spreadTicks: SPREAD,
      agents: [
        { config: agentConfig('nobody'), ledger: new AgentLedger('nobody', 'idle'), battery: undefined },
        { config: agentConfig('b', { asset: BATTERY }), ledger: new AgentLedger('b', 'idle'), battery },
        { config: agentConfig('t'), ledger: ledgerWith('t', QH, 2), battery: undefined },
      ],
    });
    expect(records.map((r) => r.agent)).toEqual(['b', 't']);
    expect(records[0]).toMatchObject({ positionKwh: 0, meteredKwh: 0, imbalanceKwh: 0, clipped: false });
    expect(records[0]!.socMwh).toBeCloseTo(10, 12);
    expect(records[1]!.imbalanceKwh).toBe(50);
  });

  it('only settles the given product', () => {
    const ledger = ledgerWith('t', HOUR, 10);
    expect(settleOne(QH, agentConfig('t'), ledger, undefined)).toEqual([]);
    expect(ledger.imbalanceCashUnits).toBe(0);
  });
});
