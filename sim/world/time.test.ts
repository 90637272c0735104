import { describe, expect, it } from 'vitest';
import {
  berlinLocal,
  berlinOffsetMs,
  consecutiveDays,
  HOUR_MS,
  STEP_MS,
  StepGrid,
  utcDayStartMs,
} from './time.js';

describe('StepGrid', () => {
  it('lays 96 quarter-hours on each listed day, gaps allowed', () => {
    const g = new StepGrid(['2024-06-01', '2024-06-05']);
    expect(g.steps).toBe(192);
    expect(g.startMs(0)).toBe(Date.parse('2024-06-01T00:00:00Z'));
    expect(g.startMs(95)).toBe(Date.parse('2024-06-01T23:45:00Z'));
    expect(g.startMs(96)).toBe(Date.parse('2024-06-05T00:00:00Z'));
    expect(g.stepAt(Date.parse('2024-06-05T00:14:59Z'))).toBe(96);
    expect(g.stepAt(Date.parse('2024-06-03T12:00:00Z'))).toBeUndefined();
    expect(g.firstStepAtOrAfter(Date.parse('2024-06-02T00:00:00Z'))).toBe(96);
    expect(g.firstStepAtOrAfter(Date.parse('2024-06-01T00:00:01Z'))).toBe(1);
    expect(g.firstStepAtOrAfter(Date.parse('2024-06-09T00:00:00Z'))).toBe(192);
    expect(() => g.startMs(192)).toThrow(RangeError);
  });

  it('rejects unsorted, duplicate and impossible days', () => {
    expect(() => new StepGrid(['2024-06-02', '2024-06-01'])).toThrow(/ascending/);
    expect(() => new StepGrid(['2024-06-01', '2024-06-01'])).toThrow(/ascending/);
    expect(() => new StepGrid(['2024-02-30'])).toThrow(/calendar day/);
    expect(() => new StepGrid([])).toThrow(/at least one day/);
  });

  it('counts consecutive days across month ends', () => {
    expect(consecutiveDays('2024-02-28', 3)).toEqual(['2024-02-28', '2024-02-29', '2024-03-01']);
    expect(utcDayStartMs('2024-03-01') - utcDayStartMs('2024-02-28')).toBe(2 * 24 * HOUR_MS);
    expect(STEP_MS).toBe(900_000);
  });
});

describe('German local time', () => {
  it('switches between CET and CEST on the last Sundays of March and October at 01:00 UTC', () => {
    expect(berlinOffsetMs(Date.parse('2024-03-31T00:59:59Z'))).toBe(HOUR_MS);
    expect(berlinOffsetMs(Date.parse('2024-03-31T01:00:00Z'))).toBe(2 * HOUR_MS);
    expect(berlinOffsetMs(Date.parse('2024-10-27T00:59:59Z'))).toBe(2 * HOUR_MS);
    expect(berlinOffsetMs(Date.parse('2024-10-27T01:00:00Z'))).toBe(HOUR_MS);
  });

  it('gives local hour, weekday and day of year', () => {
    const lt = berlinLocal(Date.parse('2024-06-02T22:30:00Z')); // Monday 00:30 CEST
    expect(lt.hour).toBeCloseTo(0.5, 9);
    expect(lt.dow).toBe(1);
    expect(Math.floor(lt.doy)).toBe(154); // 3 June (leap year)
  });
});
