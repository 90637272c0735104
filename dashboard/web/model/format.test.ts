import { describe, expect, it } from 'vitest';
import { eur } from './format.js';

describe('eur', () => {
  it('rounds cash units to the cent as results.json does, from the integer', () => {
    // 1 724.725 EUR: the binary float of units / 100 000 lies just below the half cent.
    expect(eur(172_472_500)).toBe('1724.73');
    expect(eur(-97_986_113)).toBe('-979.86');
    expect(eur(35_463_750)).toBe('354.64');
    expect(eur(0)).toBe('0.00');
    expect(eur(499)).toBe('0.00');
    expect(eur(500)).toBe('0.01');
  });

  it('gives the profitEur of results.json for every half cent up to 10 000 EUR', () => {
    // results.json's profitEur is Math.round(units / 1000) / 100 (sim/results/results.ts); the
    // run's results table prints it with toFixed(2).
    for (let cents = -1_000_000; cents <= 1_000_000; cents += 37) {
      const units = cents * 1_000 + 500;
      expect(eur(units)).toBe((Math.round(units / 1_000) / 100).toFixed(2));
    }
  });
});
