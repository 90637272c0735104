// Scoring from settlement records: the profit split adds up, stored energy is valued as defined,
// cycles and counters are taken from the right messages, and the scores depend only on the set of
// records — any order, any number of repeats.
import { describe, expect, it } from 'vitest';
import type { RunEnd, RunManifest, SettlementRecord } from '../gen/flexarena/v1/evaluation.js';
import { RandomStream } from '../lib/index.js';
import { EvaluationInputError, RunScorer } from './run-scorer.js';

const RUN = 'unit-run';
const T0 = Date.parse('2026-11-22T00:00:00Z');
const QH = 900_000;

const manifest: RunManifest = {
  runId: RUN,
  name: 'unit',
  seed: 1,
  day: '2026-11-22',
  days: 1,
  firstDeliveryStartMs: T0,
  quarterHours: 4,
  agents: [
    {
      agentId: 'bat',
      strategy: 'test-battery',
      role: 'trader',
      asset: {
        assetId: 'bat',
        kind: {
          $case: 'battery',
          value: {
            powerMw: 1,
            energyMwh: 2,
            etaCharge: 0.9,
            etaDischarge: 0.8,
            socMinMwh: 0,
            socMaxMwh: 2,
            socInitialMwh: 1,
            degradationEurPerMwh: 0,
          },
        },
      },
    },
    { agentId: 'liq', strategy: 'liquidity', role: 'liquidity', asset: undefined },
  ],
};

/** Battery: SoC 1 → 1.2 → 1.0 → 0.5 → 0.4; prices 40, 60, 80, 100 (DA), reference 50 … 80. */
function records(): SettlementRecord[] {
  const soc = [1.2, 1.0, 0.5, 0.4];
  const out: SettlementRecord[] = [];
  let seq = 0;
  for (let i = 0; i < 4; i++) {
    for (const agentId of ['bat', 'liq']) {
      const bat = agentId === 'bat';
      out.push({
        runId: RUN,
        seq: ++seq,
        agentId,
        strategy: bat ? 'test-battery' : 'liquidity',
        productId: `qh-20261122-00${String(i * 15).padStart(2, '0')}`,
        deliveryStartMs: T0 + i * QH,
        settledAtMs: T0 + (i + 1) * QH,
        cash: {
          cid: bat ? 1_000_000 * (i - 1) : -1_000_000 * (i - 1),
          auction: bat ? 500_000 : -500_000,
          capacity: bat ? 100_000 : 0,
          balancingEnergy: 0,
          imbalance: bat ? -20_000 : 0,
          penalty: 0,
          positionValue: 0,
        },
        costs: { degradation: bat ? 30_000 : 0, lostRental: 0, tariff: 0, assetPenalty: 0 },
        profitCashUnits: bat
          ? 1_000_000 * (i - 1) + 500_000 + 100_000 - 20_000 - 30_000
          : -1_000_000 * (i - 1) - 500_000,
        positionKwh: 0,
        activatedUpKwh: 0,
        activatedDownKwh: 0,
        scheduleKwh: 0,
        meteredKwh: 0,
        imbalanceKwh: bat ? (i % 2 === 0 ? 10 : -30) : 0,
        imbalancePriceTicks: 5_000,
        tradedKwh: bat ? 250 : 250,
        socMwh: bat ? soc[i]! : 0,
        clipped: bat && i === 2,
        referencePriceTicks: 5_000 + i * 1_000,
        prices: {
          dayAheadTicks: 4_000 + i * 2_000,
          intradayAuctionTicks: [],
          cidLowTicks: 3_000 + i * 2_000,
          cidHighTicks: 5_000 + i * 2_000,
          cidVolumeLots: 10,
          cidTurnoverTickLots: 10 * (4_000 + i * 2_000),
        },
      });
    }
  }
  return out;
}

const end: RunEnd = {
  runId: RUN,
  settlementRecords: 8,
  agents: [
    { agentId: 'bat', missedDeadlines: 2, orders: 17, rejects: 1, finalAssetState: undefined },
    { agentId: 'liq', missedDeadlines: 0, orders: 99, rejects: 0, finalAssetState: undefined },
  ],
};

function fullScorer(recs = records()): RunScorer {
  const s = new RunScorer(RUN);
  s.addManifest(manifest);
  for (const r of recs) s.add(r);
  s.addEnd(end);
  return s;
}

describe('RunScorer', () => {
  it('adds up the profit split, values stored energy and counts cycles as defined', () => {
    const scores = fullScorer().scores();
    expect(scores.complete).toBe(true);
    const bat = scores.agents.find((a) => a.agentId === 'bat')!;
    // CID −1, 0, 1, 2 × 10 EUR; auctions 4 × 5; capacity 4 × 1; imbalance 4 × −0.2; degradation 4 × 0.3.
    expect(bat.cashUnits.cid).toBe(2_000_000);
    expect(bat.split).toMatchObject({ cid: 20, auction: 20, capacity: 4, imbalance: -0.8, assetCosts: -1.2 });
    expect(bat.profitCashUnits).toBe(2_000_000 + 2_000_000 + 400_000 - 80_000 - 120_000);
    expect(bat.profitEur).toBeCloseTo(42, 9);
    expect(bat.profitPerMwEur).toBeCloseTo(42, 9);
    expect(bat.profitPerMwhEur).toBeCloseTo(21, 9);
    // Reference price: mean of 50, 60, 70, 80 = 65 EUR/MWh; the SoC fell by 0.6 MWh, rebought at 65 / 0.9.
    expect(scores.referencePriceEurPerMwh).toBeCloseTo(65, 9);
    expect(bat.storedEnergyChangeMwh).toBeCloseTo(-0.6, 9);
    expect(bat.storedEnergyValueEur).toBeCloseTo((-0.6 * 65) / 0.9, 9);
    expect(bat.socNeutralProfitEur).toBeCloseTo(42 - (0.6 * 65) / 0.9, 9);
    // |ΔSoC| = 0.2 + 0.2 + 0.5 + 0.1 = 1.0 MWh over 2 × 2 MWh.
    expect(bat.fullCycles).toBeCloseTo(0.25, 9);
    expect(bat).toMatchObject({
      tradedMwh: 1,
      imbalanceMwh: 0.08,
      netImbalanceMwh: -0.04,
      clippedPeriods: 1,
    });
    expect(bat).toMatchObject({ missedDeadlines: 2, orders: 17, rejects: 1 });
    expect(bat.pop?.dayAhead.boundEur).toBeGreaterThan(0);
    const liq = scores.agents.find((a) => a.agentId === 'liq')!;
    expect(liq.pop).toBeNull();
    expect(liq.socNeutralProfitEur).toBe(liq.profitEur);
    // The records of both agents sum to zero here, as the market's cash does.
    expect(bat.profitCashUnits + liq.profitCashUnits).toBe(400_000 - 80_000 - 120_000);
    expect(scores.series.cidVwapEur).toEqual([40, 60, 80, 100]);
    expect(scores.series.agents.bat!.cumulativeProfitEur.at(-1)).toBeCloseTo(42, 9);
  });

  it('gives the same scores for any order and any number of repeats, and counts the repeats', () => {
    const reference = JSON.stringify(fullScorer().scores());
    const rng = new RandomStream('scorer-test', 8);
    for (let k = 0; k < 5; k++) {
      const recs = records();
      const shuffled = [...recs, ...recs.filter(() => rng.next() < 0.5)];
      for (let i = shuffled.length - 1; i > 0; i--) {
        const j = Math.floor(rng.next() * (i + 1));
        [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
      }
      const s = new RunScorer(RUN);
      s.addEnd(end);
      for (const r of shuffled) s.add(r);
      s.addManifest(manifest);
      expect(s.duplicates).toBe(shuffled.length - recs.length);
      const { duplicates: _d, ...rest } = s.scores();
      const { duplicates: _r, ...expected } = JSON.parse(reference);
      expect(JSON.parse(JSON.stringify(rest))).toEqual(expected);
    }
  });

  it('records the digest of what it scored: another record, a missing one or no end message changes it', () => {
    const full = fullScorer();
    const digest = full.scores().inputsSha256;
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect(full.inputsSha256()).toBe(digest);
    const changed = records();
    changed[3] = { ...changed[3]!, profitCashUnits: changed[3]!.profitCashUnits + 1 };
    expect(fullScorer(changed).inputsSha256()).not.toBe(digest);
    expect(fullScorer(records().slice(0, 7)).inputsSha256()).not.toBe(digest);
    const noEnd = new RunScorer(RUN);
    noEnd.addManifest(manifest);
    for (const r of records()) noEnd.add(r);
    expect(noEnd.inputsSha256()).not.toBe(digest);
  });

  it('is provisional while a record is missing, and says how many', () => {
    const s = fullScorer(records().filter((r) => r.seq !== 5));
    expect(s.complete).toBe(false);
    const scores = s.scores();
    expect(scores).toMatchObject({ complete: false, records: 7, expectedRecords: 8, missing: 1 });
    expect(scores.agents.find((a) => a.agentId === 'bat')!.pop).toBeNull();
  });

  it('keeps the first of two different records under one seq and counts the conflict', () => {
    const s = fullScorer();
    const other = { ...records()[0]!, profitCashUnits: 1 };
    expect(s.add(other)).toBe('conflict');
    expect(s.add(records()[0]!)).toBe('duplicate');
    expect(s.conflicts).toBe(1);
    expect(s.scores().agents[0]!.profitCashUnits).toBe(fullScorer().scores().agents[0]!.profitCashUnits);
  });

  it('refuses a record of another run or without a valid seq, naming the field', () => {
    const s = new RunScorer(RUN);
    expect(() => s.add({ ...records()[0]!, runId: 'other' })).toThrow(EvaluationInputError);
    expect(() => s.add({ ...records()[0]!, seq: 0 })).toThrow(/record\.seq 0|seq 0 is not an integer >= 1/);
  });

  // Taken in, it kept the scores provisional for ever, saying "8 of 8 records".
  it("refuses a record beyond the end message's count, and an end message below a record's seq", () => {
    const s = fullScorer();
    expect(() => s.add({ ...records()[0]!, seq: 9 })).toThrow(
      /record seq 9 is beyond the 8 records the run's end message counts/,
    );
    expect(s.scores().complete).toBe(true);
    const early = new RunScorer(RUN);
    early.addManifest(manifest);
    early.add({ ...records()[0]!, seq: 9 });
    expect(() => early.addEnd(end)).toThrow(EvaluationInputError);
    expect(() => early.addEnd(end)).toThrow(/the end message counts 8 records, but record seq 9 is in/);
  });
});

describe('a manifest with a battery the scores cannot be of', () => {
  // An efficiency of 0 (a damaged run-manifest.json: proto3 JSON leaves a missing field at 0)
  // valued the stored energy at −Infinity and made the bound throw a RangeError with a stack.
  it('is refused, naming the agent and its field', () => {
    const broken = structuredClone(manifest);
    const kind = broken.agents[0]!.asset!.kind!;
    if (kind.$case !== 'battery') throw new Error('the fixture has a battery');
    kind.value.etaCharge = 0;
    const scorer = new RunScorer(RUN);
    expect(() => scorer.addManifest(broken)).toThrow(EvaluationInputError);
    expect(() => scorer.addManifest(broken)).toThrow(
      'manifest.agents[0].asset.battery.etaCharge (agent bat) must be in (0, 1], got 0',
    );
    kind.value.etaCharge = 0.9;
    kind.value.socInitialMwh = 3;
    expect(() => scorer.addManifest(broken)).toThrow(
      'manifest.agents[0].asset.battery.socInitialMwh (agent bat) must be within [0, 2], got 3',
    );
    expect(scorer.hasManifest).toBe(false);
    expect(scorer.addManifest(manifest)).toBe('added');
  });
});

// Damaged or hand-made records were scored without a word: a profit of "abc" (NaN) became a
// profit of null in scores marked final, a fraction of a cash unit went into the exact sums, a
// record of an agent the manifest does not name was scored as an agent of its own, and one outside
// the run's quarter-hours was put at an index of no quarter-hour — the run still "complete".
describe('a record or manifest the scores cannot be of', () => {
  const first = () => records()[0]!;

  it('is refused when an integer field is not an integer or the SoC not a number, naming the field', () => {
    const s = new RunScorer(RUN);
    s.addManifest(manifest);
    expect(() => s.add({ ...first(), profitCashUnits: Number.NaN })).toThrow(EvaluationInputError);
    expect(() => s.add({ ...first(), profitCashUnits: 1.5 })).toThrow(
      'record seq 1: record.profit_cash_units must be an integer, got 1.5',
    );
    expect(() => s.add({ ...first(), cash: { ...first().cash!, balancingEnergy: 12.5 } })).toThrow(
      'record.cash.balancing_energy must be an integer, got 12.5',
    );
    expect(() =>
      s.add({ ...first(), prices: { ...first().prices!, intradayAuctionTicks: [4000, 4000.5] } }),
    ).toThrow('record.prices.intraday_auction_ticks[1] must be an integer');
    expect(() => s.add({ ...first(), socMwh: Number.NaN })).toThrow(
      'record.soc_mwh must be a finite number, got NaN',
    );
    expect(s.recordCount).toBe(0);
  });

  it("is refused when its agent or quarter-hour is not the manifest's, before or after the manifest came", () => {
    const s = new RunScorer(RUN);
    s.addManifest(manifest);
    expect(() => s.add({ ...first(), agentId: 'ghost' })).toThrow(
      `record.agent_id must be an agent of the run's manifest (bat, liq), got "ghost"`,
    );
    expect(() => s.add({ ...first(), deliveryStartMs: T0 + 4 * QH })).toThrow(
      "record.delivery_start_ms must be the start of one of the run's 4 quarter-hours",
    );
    expect(() => s.add({ ...first(), deliveryStartMs: T0 + 1 })).toThrow(EvaluationInputError);
    const early = new RunScorer(RUN);
    early.add({ ...first(), agentId: 'ghost' });
    expect(() => early.addManifest(manifest)).toThrow('record.agent_id');
    expect(early.hasManifest).toBe(false);
  });

  it('is refused when the manifest has no quarter-hour grid, instead of a RangeError', () => {
    const s = new RunScorer(RUN);
    expect(() => s.addManifest({ ...manifest, quarterHours: -5 })).toThrow(
      'manifest.quarter_hours must be an integer >= 0, got -5',
    );
    expect(() => s.addManifest({ ...manifest, firstDeliveryStartMs: T0 + 0.5 })).toThrow(
      'manifest.first_delivery_start_ms must be a whole quarter-hour',
    );
    expect(s.hasManifest).toBe(false);
  });
});
