import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BatteryTwin, type BatteryTwinSpec } from './battery.js';

/** 10 MW / 20 MWh, η 0.9 each way, SoC in [2, 18] MWh, starting at 10 MWh. */
function spec(over: Partial<BatteryTwinSpec> = {}): BatteryTwinSpec {
  return {
    type: 'battery',
    powerMw: 10,
    energyMwh: 20,
    etaCharge: 0.9,
    etaDischarge: 0.9,
    socMin: 0.1,
    socMax: 0.9,
    socInitial: 0.5,
    ...over,
  };
}
const QH = 0.25;

describe('BatteryTwin degradation', () => {
  it('costs nothing without degradationEurPerMwh but still counts throughput', () => {
    const b = new BatteryTwin('b', spec());
    b.step(1000, QH);
    b.step(-400, QH);
    expect(b.degradationEurPerMwh).toBe(0);
    expect(b.throughputMwh).toBe(1.4);
    expect(b.degradationCostEur).toBe(0);
  });

  it('charges € per MWh of grid-side charge + discharge', () => {
    // | step | schedule kWh | metered kWh | throughput kWh | cost € (× 20 €/MWh) |
    // |  1   |   +1000      |   +1000     |     1000       |  20                 |
    // |  2   |    −500      |    −500     |     1500       |  30                 |
    // |  3   |       0      |       0     |     1500       |  30                 |
    const b = new BatteryTwin('b', spec({ degradationEurPerMwh: 20 }));
    b.step(1000, QH);
    expect(b.degradationCostEur).toBeCloseTo(20, 12);
    b.step(-500, QH);
    expect(b.throughputMwh).toBe(1.5);
    expect(b.degradationCostEur).toBeCloseTo(30, 12);
    b.step(0, QH);
    expect(b.degradationCostEur).toBeCloseTo(30, 12);
  });

  it('counts what was metered, not what was scheduled, when clipping', () => {
    // 10 MW for 15 min caps a step at 2500 kWh; a 4000 kWh schedule meters 2500.
    const b = new BatteryTwin('b', spec({ degradationEurPerMwh: 8 }));
    const s = b.step(4000, QH);
    expect(s.clipped).toBe(true);
    expect(s.meteredKwh).toBe(2500);
    expect(b.throughputMwh).toBe(2.5);
    expect(b.degradationCostEur).toBeCloseTo(20, 12);
  });

  it('rejects a negative or non-finite degradation cost', () => {
    expect(() => new BatteryTwin('b', spec({ degradationEurPerMwh: -1 }))).toThrow(RangeError);
    expect(() => new BatteryTwin('b', spec({ degradationEurPerMwh: Number.NaN }))).toThrow(RangeError);
  });

  it('throughput is the exact sum of |metered| in whole kWh and the cost is proportional (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -4000, max: 4000 }), { minLength: 1, maxLength: 60 }),
        fc.double({ min: 0, max: 500, noNaN: true }),
        (schedules, eur) => {
          const b = new BatteryTwin('b', spec({ degradationEurPerMwh: eur }));
          let sum = 0;
          for (const s of schedules) sum += Math.abs(b.step(s, QH).meteredKwh);
          expect(b.throughputMwh).toBe(sum / 1000);
          expect(b.degradationCostEur).toBeCloseTo((sum / 1000) * eur, 6);
        },
      ),
      { numRuns: 200, seed: 1 },
    );
  });

  it('headroomKwh is exactly what step lets through for integer schedules (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.1, max: 0.9, noNaN: true }),
        fc.integer({ min: -6000, max: 6000 }),
        (soc0, schedule) => {
          const b = new BatteryTwin('b', spec({ socInitial: soc0 }));
          const h = b.headroomKwh(QH);
          const expected = Math.min(h.maxChargeKwh, Math.max(-h.maxDischargeKwh, schedule));
          expect(b.step(schedule, QH).meteredKwh + 0).toBe(expected + 0);
        },
      ),
      { numRuns: 300, seed: 2 },
    );
  });
});
