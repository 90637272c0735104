import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Side, TimeInForce } from '../../gen/flexarena/v1/market.js';
import type { WakeUp } from '../../gen/flexarena/v1/session.js';
import { quarterHourId } from '../../lib/product-id.js';
import { AgentSdkError, ParamError } from '../sdk/errors.js';
import { HOUR_MS, QH_MS } from './strategy-utils.js';
import {
  bucketOf,
  forecastRank,
  Q_ACTIONS,
  type QTableFile,
  qUpdate,
  rankBucket,
  TabularQ,
} from './tabular-q.js';
import {
  assetState,
  BATTERY,
  batteryAsset,
  book,
  DAY,
  fill,
  forecasts,
  makeWakeUp,
  makeWelcome,
  position,
  signedLots,
  submitsOf,
} from './test-fixtures.js';

const NOW = DAY + 9 * HOUR_MS; // target 09:15
const FLAT = (t: number) =>
  forecasts(
    t + QH_MS,
    Array.from({ length: 8 }, () => 8_000),
  );

function tableFile(table: Record<string, number[]>): string {
  const dir = mkdtempSync(join(tmpdir(), 'flexarena-q-'));
  const path = join(dir, 'q.json');
  const file: QTableFile = {
    version: 1,
    actions: [...Q_ACTIONS],
    socBuckets: 5,
    priceBucketsEur: [-10, -3, 3, 10],
    updates: 0,
    table,
  };
  writeFileSync(path, JSON.stringify(file));
  return path;
}

function ready(params: Record<string, unknown> = {}): TabularQ {
  const s = new TabularQ({ epsilon: 0, socShaping: false, ...params });
  s.onWelcome(makeWelcome({ assets: [batteryAsset()] }));
  return s;
}

describe('qUpdate and bucketOf', () => {
  it('applies seed 003 eq. (2)', () => {
    // 0.8 × 2 + 0.2 × (10 + 0.9 × 5) = 1.6 + 2.9
    expect(qUpdate(2, 10, 5, 0.2, 0.9)).toBeCloseTo(4.5, 12);
    expect(qUpdate(0, -200, 50, 0.2, 0.9)).toBeCloseTo(-31, 12);
    expect(qUpdate(7, 1, 3, 0, 0.9)).toBe(7);
  });

  it('counts the edges at or below a value', () => {
    const edges = [-10, -3, 3, 10];
    expect([-11, -10, -5, 0, 3, 9.99, 10, 50].map((x) => bucketOf(x, edges))).toEqual([
      0, 1, 1, 2, 3, 3, 4, 4,
    ]);
  });
});

describe('forecastRank and rankBucket', () => {
  it('gives the share of the other forecasts below, ties half, and 0.5 alone', () => {
    expect(forecastRank(50, [60, 70, 80])).toBe(0);
    expect(forecastRank(90, [60, 70, 80])).toBe(1);
    expect(forecastRank(70, [60, 70, 80, 90])).toBeCloseTo(1.5 / 4, 12);
    expect(forecastRank(70, [])).toBe(0.5);
  });

  it('puts a rank into n equal buckets, rank 1 into the top one', () => {
    expect([0, 0.19, 0.2, 0.5, 0.99, 1].map((r) => rankBucket(r, 5))).toEqual([0, 0, 1, 2, 4, 4]);
    expect(rankBucket(1, 1)).toBe(0);
  });
});

describe('tabular-q with the price level (levelBuckets)', () => {
  // 09:15 is the target; the forecasts of the day rise by 1 EUR per quarter-hour from it on, so it
  // is the cheapest of its window (bucket 0); a dear one 96 quarter-hours long falling: the top.
  const rising = (t: number) =>
    forecasts(
      t + QH_MS,
      Array.from({ length: 96 }, (_, i) => 5_000 + 100 * i),
    );
  const falling = (t: number) =>
    forecasts(
      t + QH_MS,
      Array.from({ length: 96 }, (_, i) => 15_000 - 100 * i),
    );
  const keyAfter = (s: TabularQ, priceForecasts: WakeUp['priceForecasts']) => {
    s.decide(makeWakeUp({ timeMs: NOW, assets: [assetState({ socMwh: 10 })], priceForecasts }));
    return s.saveState().pending?.key;
  };

  it('adds the rank bucket of the traded quarter-hour as a fourth key part; without it the key is as before', () => {
    expect(keyAfter(ready({ levelBuckets: 5 }), rising(NOW))).toBe('9|2|2|0');
    expect(keyAfter(ready({ levelBuckets: 5 }), falling(NOW))).toBe('9|2|2|4');
    expect(keyAfter(ready({ levelBuckets: 3 }), FLAT(NOW))).toBe('9|2|2|1');
    expect(keyAfter(ready(), rising(NOW))).toBe('9|2|2');
  });

  it('only ranks within the 24 h from the target: a dearer quarter-hour a day later does not count', () => {
    // 96 quarter-hours at 80 then one at 1 EUR after 24 h: the target is not above anything counted.
    const prices = forecasts(NOW + QH_MS, [...Array.from({ length: 96 }, () => 8_000), 100]);
    expect(keyAfter(ready({ levelBuckets: 4 }), prices)).toBe('9|2|2|2');
  });

  it('discounts per hour with gammaPer hour: γ^(1/4) per quarter-hour decision', () => {
    const s = ready({ alpha: 1, gamma: 0.9, gammaPer: 'hour', levelBuckets: 2 });
    expect(s.gamma).toBeCloseTo(0.9 ** 0.25, 12);
    expect(ready({ gamma: 0.9 }).gamma).toBe(0.9);
    // Reward 0 and a next state worth 40 in its idle action: Q = 0.9^(1/4) × 40.
    const path = join(mkdtempSync(join(tmpdir(), 'flexarena-q-')), 'q.json');
    writeFileSync(
      path,
      JSON.stringify({
        version: 2,
        actions: [...Q_ACTIONS],
        socBuckets: 5,
        priceBucketsEur: [-10, -3, 3, 10],
        levelBuckets: 2,
        updates: 0,
        table: { '9|2|2|1': [-1, -1, 40, -1, -1] },
      }),
    );
    const t = ready({
      alpha: 1,
      gamma: 0.9,
      gammaPer: 'hour',
      levelBuckets: 2,
      qTablePath: path,
      saveQTable: false,
    });
    t.decide(makeWakeUp({ timeMs: NOW, assets: [assetState({ socMwh: 10 })], priceForecasts: FLAT(NOW) }));
    t.decide(
      makeWakeUp({
        timeMs: NOW + QH_MS,
        assets: [assetState({ socMwh: 10 })],
        priceForecasts: FLAT(NOW + QH_MS),
      }),
    );
    expect(t.qValues('9|2|2|1')[2]).toBeCloseTo(0.9 ** 0.25 * 40, 9);
  });

  it('saves a version-2 table and reads it back; refuses to mix it with a version-1 table, naming the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flexarena-q-'));
    const path = join(dir, 'q2.json');
    const a = ready({ qTablePath: path, levelBuckets: 3 });
    a.decide(makeWakeUp({ timeMs: NOW, assets: [assetState()], priceForecasts: FLAT(NOW) }));
    a.decide(makeWakeUp({ timeMs: NOW + QH_MS, assets: [assetState()], priceForecasts: FLAT(NOW + QH_MS) }));
    a.onEnd();
    const saved = JSON.parse(readFileSync(path, 'utf8')) as QTableFile;
    expect(saved).toMatchObject({ version: 2, levelBuckets: 3 });
    expect(Object.keys(saved.table)).toEqual(['9|2|2|1']);
    expect(ready({ qTablePath: path, levelBuckets: 3 }).qValues('9|2|2|1')).toEqual(saved.table['9|2|2|1']);
    expect(() => new TabularQ({ qTablePath: path })).toThrow(
      `params.qTablePath: ${path} is a version-2 table with levelBuckets 3; params.levelBuckets is 0`,
    );
    expect(() => new TabularQ({ qTablePath: path, levelBuckets: 4 })).toThrow(
      /levelBuckets 3; params.levelBuckets is 4/,
    );
    const v1 = tableFile({ '9|2|2': [0, 0, 0, 0, 1] });
    expect(() => new TabularQ({ qTablePath: v1, levelBuckets: 3 })).toThrow(
      /is a version-1 table \(no price level in its states\); it is read with levelBuckets 0, not 3/,
    );
    writeFileSync(path, JSON.stringify({ ...saved, version: 3 }));
    expect(() => new TabularQ({ qTablePath: path, levelBuckets: 3 })).toThrow(/unknown Q-table version 3/);
  });

  it('still reads a version-1 table written before levelBuckets existed, and writes it back as version 1', () => {
    const path = tableFile({ '9|2|2': [0, 0, 0, 0, 1] });
    const s = ready({ qTablePath: path });
    expect(s.qValues('9|2|2')).toEqual([0, 0, 0, 0, 1]);
    s.onEnd();
    const saved = JSON.parse(readFileSync(path, 'utf8')) as QTableFile;
    expect(saved.version).toBe(1);
    expect('levelBuckets' in saved).toBe(false);
  });
});

describe('TabularQ', () => {
  it('refuses a run without a battery and validates its parameters', () => {
    expect(() => new TabularQ().onWelcome(makeWelcome())).toThrow(AgentSdkError);
    expect(() => new TabularQ({ alpha: 2 })).toThrow(ParamError);
    expect(() => new TabularQ({ priceBucketsEur: [3, 1] })).toThrow(ParamError);
    expect(() => new TabularQ({ seed: 1.5 })).toThrow(ParamError);
  });

  it('acts greedily as an IOC order on the next quarter-hour and learns the hand-computed transition', () => {
    // s = (09, SoC 10 of [1, 19] → bucket 2, no book → price diff 0 → bucket 2); Q(s) prefers +1 (charge).
    // s' = (09, SoC 10 + 2.375 = 12.375 → bucket 3, bucket 2) with max Q = 50.
    const path = tableFile({ '9|2|2': [0, 0, 0, 0, 1], '9|3|2': [0, 0, 0, 20, 50] });
    const s = ready({ qTablePath: path, saveEvery: 0 });
    const first = submitsOf(
      s.decide(makeWakeUp({ timeMs: NOW, assets: [assetState({ socMwh: 10 })], priceForecasts: FLAT(NOW) })),
    );
    expect(first).toEqual([
      expect.objectContaining({
        productId: quarterHourId(NOW + QH_MS),
        side: Side.SIDE_BUY,
        quantityLots: 100, // 1 × P̄ = 10 MW
        priceTicks: 9_000,
        timeInForce: TimeInForce.TIME_IN_FORCE_IOC,
        clientRef: 'q1',
      }),
    ]);
    // It bought 100 lots at 80.00: −80 EUR/MWh × 10 MW × 0.25 h = −200 EUR; an imbalance credit of
    // 3 EUR and a 1 EUR penalty arrive too: r = −198.
    const t2 = NOW + QH_MS;
    s.decide(
      makeWakeUp({
        timeMs: t2,
        assets: [assetState({ socMwh: 10 })],
        positions: [position(quarterHourId(t2), 100)],
        fills: [fill(quarterHourId(t2), Side.SIDE_BUY, 8_000, 100)],
        settlements: [
          {
            productId: quarterHourId(NOW),
            positionKwh: 0,
            meteredKwh: 0,
            imbalanceKwh: 0,
            imbalancePriceTicks: 0,
            imbalanceCashUnits: 300_000,
            activatedKwh: 0,
            penaltyCashUnits: 100_000,
          },
        ],
        priceForecasts: FLAT(t2),
      }),
    );
    // 0.8 × 1 + 0.2 × (−198 + 0.9 × 50) = 0.8 − 30.6
    expect(s.qValues('9|2|2')[4]).toBeCloseTo(-29.8, 9);
    expect(s.qValues('9|2|2').slice(0, 4)).toEqual([0, 0, 0, 0]);
    expect(s.updateCount).toBe(1);
  });

  it('does not decide twice for the same quarter-hour, and accumulates the reward in between', () => {
    const s = ready({ alpha: 1, gamma: 0 });
    s.decide(makeWakeUp({ timeMs: NOW, assets: [assetState()], priceForecasts: FLAT(NOW) }));
    // Five minutes later the target is still 09:15: nothing, but the fill counts.
    expect(
      s.decide(
        makeWakeUp({
          timeMs: NOW + 5 * 60_000,
          fills: [fill('qh-20261122-0915', Side.SIDE_SELL, 4_000, 10)],
          priceForecasts: FLAT(NOW),
        }),
      ),
    ).toEqual([]);
    s.decide(
      makeWakeUp({
        timeMs: NOW + QH_MS,
        fills: [fill('qh-20261122-0915', Side.SIDE_SELL, 4_000, 10)],
        priceForecasts: FLAT(NOW + QH_MS),
      }),
    );
    // Idle was chosen (all zeros: ties go to 0); r = 2 × 40 × 1 MW × 0.25 h = 20.
    expect(s.qValues('9|2|2')[2]).toBeCloseTo(20, 9);
  });

  it('masks actions that would leave the SoC bounds', () => {
    const s = ready({ epsilon: 1, seed: 3 });
    for (let k = 0; k < 30; k++) {
      const t = NOW + k * QH_MS;
      const subs = submitsOf(
        s.decide(makeWakeUp({ timeMs: t, assets: [assetState({ socMwh: 18.5 })], priceForecasts: FLAT(t) })),
      );
      // 18.5 MWh of 19: any charge (≥ 50 lots = 1.19 MWh) is infeasible.
      for (const x of subs) expect(x.side).toBe(Side.SIDE_SELL);
    }
  });

  it('explores with its seeded PRNG: the same seed gives the same actions, another seed others', () => {
    const run = (seed: number) => {
      const s = ready({ epsilon: 0.5, seed });
      const out: number[] = [];
      for (let k = 0; k < 40; k++) {
        const t = NOW + k * QH_MS;
        const wake: WakeUp = makeWakeUp({
          timeMs: t,
          assets: [assetState()],
          priceForecasts: FLAT(t),
          books: [book(quarterHourId(t + QH_MS), [[7_000, 5]], [[7_100, 5]])],
        });
        out.push(submitsOf(s.decide(wake)).reduce((a, x) => a + signedLots(x), 0));
      }
      return out;
    };
    expect(run(42)).toEqual(run(42));
    expect(run(42)).not.toEqual(run(43));
    expect(new Set(run(42)).size).toBeGreaterThan(2);
  });

  it('buckets the book price against the forecast in its state', () => {
    const s = ready();
    const spec = { productId: 'qh-20261122-0915', deliveryStartMs: DAY + 9.25 * HOUR_MS } as Parameters<
      TabularQ['stateKey']
    >[0];
    const b = {
      powerMw: 10,
      energyMwh: 20,
      etaCharge: 1,
      etaDischarge: 1,
      socMinMwh: 0,
      socMaxMwh: 10,
      socInitialMwh: 5,
    };
    expect(s.stateKey(spec, 0, -1_500, b)).toBe('9|0|0');
    expect(s.stateKey(spec, 10, 400, b)).toBe('9|4|3');
    expect(s.stateKey(spec, 5, 0, b)).toBe('9|2|2');
  });

  it('leaves its table file alone when the run is interrupted: no terminal update, nothing saved', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flexarena-q-'));
    const path = join(dir, 'q.json');
    const a = ready({ qTablePath: path, alpha: 0.5, gamma: 0 });
    a.decide(makeWakeUp({ timeMs: NOW, assets: [assetState()], priceForecasts: FLAT(NOW) }));
    a.decide(
      makeWakeUp({
        timeMs: NOW + QH_MS,
        fills: [fill('qh-20261122-0915', Side.SIDE_SELL, 4_000, 10)],
        priceForecasts: FLAT(NOW + QH_MS),
      }),
    );
    a.onEnd({ reason: 'run interrupted (SIGINT)', result: undefined, finalReport: undefined });
    expect(existsSync(path)).toBe(false);
    // The update of the transition that did happen stays (Q = 0.5 × 10), not halved by a terminal one.
    expect(a.qValues('9|2|2')[2]).toBeCloseTo(5, 9);
  });

  it('saves its table at the end and a new agent continues from it; a mismatched file is refused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flexarena-q-'));
    const path = join(dir, 'sub', 'q.json');
    const a = ready({ qTablePath: path, alpha: 0.5, gamma: 0 });
    a.decide(makeWakeUp({ timeMs: NOW, assets: [assetState()], priceForecasts: FLAT(NOW) }));
    a.decide(
      makeWakeUp({
        timeMs: NOW + QH_MS,
        fills: [fill('qh-20261122-0915', Side.SIDE_SELL, 4_000, 10)],
        priceForecasts: FLAT(NOW + QH_MS),
      }),
    );
    a.onEnd();
    const saved = JSON.parse(readFileSync(path, 'utf8')) as QTableFile;
    // Idle in (09, 2, 2) earned 10 EUR: Q = 0.5 × 10 = 5; the next decision is idle in the same
    // state again, and the terminal transition (reward 0, no bootstrap) halves it: 2.5.
    expect(saved.table['9|2|2']![2]).toBeCloseTo(2.5, 9);
    expect(saved.updates).toBe(2);
    const b = ready({ qTablePath: path });
    expect(b.qValues('9|2|2')).toEqual(saved.table['9|2|2']);
    expect(() => new TabularQ({ qTablePath: path, socBuckets: 7 })).toThrow(/other actions or buckets/);
    writeFileSync(path, JSON.stringify({ ...saved, updates: 'x' }));
    expect(() => new TabularQ({ qTablePath: path })).toThrow(
      `${path}: updates must be an integer >= 0, got "x"`,
    );
    writeFileSync(path, '{not json');
    expect(() => new TabularQ({ qTablePath: path })).toThrow(ParamError);
  });

  it('only reads its table with saveQTable: false or learn: false, and says which file it carries state in', () => {
    const path = tableFile({ '9|2|2': [0, 0, 0, 0, 1] });
    const before = readFileSync(path, 'utf8');
    for (const params of [{ saveQTable: false }, { learn: false }]) {
      const s = ready({ qTablePath: path, alpha: 0.5, gamma: 0, saveEvery: 1, ...params });
      expect(s.carriesStateIn).toBeUndefined();
      s.decide(makeWakeUp({ timeMs: NOW, assets: [assetState()], priceForecasts: FLAT(NOW) }));
      s.decide(
        makeWakeUp({
          timeMs: NOW + QH_MS,
          fills: [fill('qh-20261122-0915', Side.SIDE_SELL, 4_000, 10)],
          priceForecasts: FLAT(NOW + QH_MS),
        }),
      );
      s.onEnd();
      expect(readFileSync(path, 'utf8')).toBe(before);
    }
    expect(new TabularQ({ qTablePath: path }).carriesStateIn).toMatchObject({ param: 'qTablePath', path });
    expect(new TabularQ().carriesStateIn).toBeUndefined();
  });

  it('names the table it only reads (saveQTable: false or learn: false), which the configuration checks find missing', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'flexarena-q-')), 'q.json');
    for (const params of [{ saveQTable: false }, { learn: false }])
      expect(new TabularQ({ qTablePath: path, ...params }).readsStateFrom).toEqual({
        param: 'qTablePath',
        path,
      });
    expect(new TabularQ({ qTablePath: path }).readsStateFrom).toBeUndefined();
    expect(new TabularQ({ learn: false }).readsStateFrom).toBeUndefined();
  });
});

describe('tabular-q hourBuckets: the hour of day in blocks', () => {
  const keyOf = (s: TabularQ) => {
    s.decide(makeWakeUp({ timeMs: NOW, assets: [assetState({ socMwh: 10 })], priceForecasts: FLAT(NOW) }));
    return s.saveState().pending?.key;
  };

  it('puts 09:15 into block 9 div (24 / n); 24 (the default) keeps the hour', () => {
    expect(keyOf(ready())).toBe('9|2|2');
    expect(keyOf(ready({ hourBuckets: 4 }))).toBe('1|2|2');
    expect(keyOf(ready({ hourBuckets: 1, levelBuckets: 3 }))).toBe('0|2|2|1');
  });

  it('refuses a count that does not divide 24, naming the field', () => {
    expect(() => new TabularQ({ hourBuckets: 5 })).toThrow(/hourBuckets.*must divide 24/);
    expect(() => new TabularQ({ hourBuckets: 0 })).toThrow(/hourBuckets/);
  });

  it('writes the blocks into the table file and refuses to read it with other blocks', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flexarena-q-'));
    const path = join(dir, 'q.json');
    const a = ready({ qTablePath: path, hourBuckets: 4, levelBuckets: 2 });
    keyOf(a);
    a.onEnd();
    const saved = JSON.parse(readFileSync(path, 'utf8')) as QTableFile;
    expect(saved).toMatchObject({ version: 2, levelBuckets: 2, hourBuckets: 4 });
    expect(() => new TabularQ({ qTablePath: path, levelBuckets: 2 })).toThrow(
      /has hourBuckets 4; params.hourBuckets is 24/,
    );
    // A table without the field is one of hours: read with hourBuckets 24 only.
    const v1 = tableFile({ '9|2|2': [0, 0, 0, 0, 1] });
    expect(() => new TabularQ({ qTablePath: v1, hourBuckets: 1 })).toThrow(
      /has hourBuckets 24; params.hourBuckets is 1/,
    );
    expect(new TabularQ({ qTablePath: v1 }).qValues('9|2|2')).toEqual([0, 0, 0, 0, 1]);
  });
});

describe("tabular-q endValue: what the energy stored at the run's end is worth to the learner", () => {
  // One idle decision (all-zero table: ties go to 0) at SoC `soc` of the initial 10 MWh, forecasts
  // flat at 80 €/MWh, then the run ends: the terminal update (α 1, γ 0.9 per decision) is the
  // target alone.
  const terminalQ = (soc: number, params: Record<string, unknown>) => {
    const s = ready({ alpha: 1, gamma: 0.9, ...params });
    s.decide(makeWakeUp({ timeMs: NOW, assets: [assetState({ socMwh: soc })], priceForecasts: FLAT(NOW) }));
    s.onEnd();
    return s.qValues('9|' + (soc > 10 ? 3 : 1) + '|2')[2]!;
  };

  it("'none' (the default): the terminal state is worth nothing, whatever the SoC", () => {
    expect(terminalQ(12, {})).toBe(0);
    expect(terminalQ(8, { endValue: 'none' })).toBe(0);
  });

  it("'socNeutral': the SoC change valued as the SoC-neutral profit does, at the mean forecast", () => {
    // +2 MWh: 0.95 × 80 × 2 = 152 €; −2 MWh: −80 / 0.95 × 2 = −168.42 €; target γ × value.
    expect(terminalQ(12, { endValue: 'socNeutral' })).toBeCloseTo(0.9 * 152, 9);
    expect(terminalQ(8, { endValue: 'socNeutral' })).toBeCloseTo((-0.9 * 160) / 0.95, 9);
    // With socShaping the potential's units: target γ (value + SoC0 × mean) − Φ(s), Φ = SoC × mean,
    // so the shaped return telescopes to the cash plus the valued change.
    expect(terminalQ(12, { endValue: 'socNeutral', socShaping: true })).toBeCloseTo(
      0.9 * (152 + 10 * 80) - 12 * 80,
      9,
    );
  });

  it('refuses another value, naming the field', () => {
    expect(() => new TabularQ({ endValue: 'stored' })).toThrow(/endValue/);
  });
  it('keeps the forecasts it values the end at over a restart, and refuses a malformed list', () => {
    const a = ready({ alpha: 1, gamma: 0.9, endValue: 'socNeutral' });
    a.decide(makeWakeUp({ timeMs: NOW, assets: [assetState({ socMwh: 12 })], priceForecasts: FLAT(NOW) }));
    const state = a.saveState();
    expect(Object.values(state.forecastsSeen ?? {})).toEqual(Array(8).fill(80));
    const b = ready({ alpha: 1, gamma: 0.9, endValue: 'socNeutral' });
    b.loadState(structuredClone(state));
    b.onEnd();
    expect(b.qValues('9|3|2')[2]).toBeCloseTo(0.9 * 152, 9);
    expect(() => ready().loadState({ ...state, forecastsSeen: { x: 'a' } })).toThrow(/forecastsSeen/);
  });
});

// The forecasts the end is valued at were kept for every quarter-hour of the run, growing with its
// length (a year of quarter-hours in the agent's state); a delivered quarter-hour is never forecast
// again, so only its share of the mean needs keeping. The value must stay the same, bit for bit:
// the shipped tournament tables were played with it.
describe('tabular-q endValue socNeutral over a long run', () => {
  const wakeAt = (k: number): WakeUp => {
    const t = NOW + k * QH_MS;
    // Prices with cents, so that the order of the sum shows in the last bits.
    const prices = Array.from({ length: 8 }, (_, j) => 8_000 + (((k + j) * 37) % 101) * 7 + j * 3);
    return makeWakeUp({
      timeMs: t,
      assets: [assetState({ socMwh: 10 })],
      priceForecasts: forecasts(t + QH_MS, prices),
    });
  };
  // The value as the whole map gave it: the latest forecast of every quarter-hour seen, summed in
  // the order first seen.
  const meanOfAll = (wakes: WakeUp[]) => {
    const all = new Map<string, number>();
    for (const w of wakes) for (const f of w.priceForecasts) all.set(f.productId, f.priceTicks / 100);
    let sum = 0;
    for (const p of all.values()) sum += p;
    return sum / all.size;
  };

  it("keeps only the quarter-hours not yet delivered, and values the end as the whole run's forecasts did", () => {
    const s = ready({ alpha: 1, gamma: 0.9, endValue: 'socNeutral', socShaping: true });
    const wakes: WakeUp[] = [];
    // 50 decisions from 09:00, each with a target among the day's quarter-hours (so each records).
    for (let k = 0; k < 50; k++) {
      wakes.push(wakeAt(k));
      s.decide(wakes[k]!);
      expect(Object.keys(s.saveState().forecastsSeen ?? {}).length).toBeLessThanOrEqual(8);
    }
    const mean = meanOfAll(wakes);
    const spec = BATTERY;
    const expected = mean * spec.etaDischarge * 2 + spec.socInitialMwh * mean;
    expect(s.endValueEur(spec, spec.socInitialMwh + 2)).toBe(expected);
    // 57 quarter-hours seen, the 49 delivered by the last decision closed.
    expect(s.saveState().forecastsClosed?.count).toBe(49);
  });

  it('carries the closed forecasts over a restart, and reads a state that kept every quarter-hour', () => {
    const a = ready({ endValue: 'socNeutral' });
    const wakes = Array.from({ length: 20 }, (_, k) => wakeAt(k));
    for (const w of wakes) a.decide(w);
    const spec = BATTERY;
    const b = ready({ endValue: 'socNeutral' });
    b.loadState(structuredClone(a.saveState()));
    expect(b.endValueEur(spec, 12)).toBe(a.endValueEur(spec, 12));
    // An older state: every quarter-hour seen in forecastsSeen, no forecastsClosed.
    const all = new Map<string, number>();
    for (const w of wakes) for (const f of w.priceForecasts) all.set(f.productId, f.priceTicks / 100);
    const c = ready({ endValue: 'socNeutral' });
    c.loadState({
      ...structuredClone(a.saveState()),
      forecastsSeen: Object.fromEntries(all),
      forecastsClosed: undefined,
    });
    expect(c.endValueEur(spec, 12)).toBe(a.endValueEur(spec, 12));
    expect(() => ready().loadState({ ...a.saveState(), forecastsClosed: { sumEur: 1, count: -1 } })).toThrow(
      /forecastsClosed/,
    );
  });
});

describe('tabular-q restarted from its saved state', () => {
  it('continues its learning and exploration where it stopped', () => {
    const wakeAt = (k: number): WakeUp => {
      const t = NOW + k * QH_MS;
      return makeWakeUp({
        timeMs: t,
        assets: [assetState()],
        priceForecasts: FLAT(t),
        books: [book(quarterHourId(t + QH_MS), [[7_000, 5]], [[7_100, 5]])],
        fills: k % 3 === 0 ? [fill(quarterHourId(t), Side.SIDE_BUY, 7_000, 5)] : [],
      });
    };
    const lots = (s: TabularQ, k: number) =>
      submitsOf(s.decide(wakeAt(k))).reduce((a, x) => a + signedLots(x), 0);
    const steady = ready({ epsilon: 0.5, seed: 7 });
    const first = ready({ epsilon: 0.5, seed: 7 });
    const expected: number[] = [];
    for (let k = 0; k < 40; k++) expected.push(lots(steady, k));
    const got: number[] = [];
    for (let k = 0; k < 20; k++) got.push(lots(first, k));
    const second = ready({ epsilon: 0.5, seed: 7 });
    second.loadState(JSON.parse(JSON.stringify(first.saveState())));
    for (let k = 20; k < 40; k++) got.push(lots(second, k));
    expect(got).toEqual(expected);
    expect(second.saveState()).toEqual(steady.saveState());
    expect(second.updateCount).toBeGreaterThan(10);
  });

  it('refuses a state of another shape, naming the field', () => {
    expect(() =>
      ready().loadState({ table: { k: [1, 2] }, updates: 0, rng: 1, pending: null, reward: 0 }),
    ).toThrow(/strategy tabular-q: loadState: state.table.k must be 5 finite numbers/);
  });
});
