import { describe, expect, it } from 'vitest';
import {
  auctionId,
  capacityProductId,
  capacityProductIdAt,
  dayTokenOf,
  deliveryStartOf,
  hourIdOf,
  ProductIdError,
  parseProductId,
  periodOfDay,
  quarterHourId,
  quarterHoursOf,
} from './product-id.js';

describe('product ids', () => {
  it('formats and parses quarter-hours, hours and capacity products as UTC', () => {
    const start = Date.UTC(2026, 10, 22, 9, 15);
    expect(quarterHourId(start)).toBe('qh-20261122-0915');
    expect(parseProductId('qh-20261122-0915')).toEqual({
      kind: 'QH',
      dayToken: '20261122',
      deliveryStartMs: start,
      deliveryEndMs: start + 15 * 60_000,
    });
    expect(parseProductId('h-20261122-2300')?.deliveryEndMs).toBe(Date.UTC(2026, 10, 23));
    expect(capacityProductId('2026-11-22', 2)).toBe('afrr-20261122-2');
    expect(parseProductId('afrr-20261122-2')?.deliveryStartMs).toBe(Date.UTC(2026, 10, 22, 8));
    expect(auctionId('IDA1', '2026-11-22')).toBe('ida1-20261122');
  });

  it('names the capacity block that holds an instant', () => {
    for (const [iso, id] of [
      ['2026-11-22T00:00:00Z', 'afrr-20261122-0'],
      ['2026-11-22T03:45:00Z', 'afrr-20261122-0'],
      ['2026-11-22T04:00:00Z', 'afrr-20261122-1'],
      ['2026-11-22T23:59:59.999Z', 'afrr-20261122-5'],
      ['2024-02-29T12:15:00Z', 'afrr-20240229-3'],
      ['1969-12-31T22:00:00Z', 'afrr-19691231-5'],
    ] as const) {
      const ms = Date.parse(iso);
      expect(capacityProductIdAt(ms)).toBe(id);
      const p = parseProductId(id)!;
      expect(ms >= p.deliveryStartMs && ms < p.deliveryEndMs).toBe(true);
    }
  });

  it('refuses ids that name no product', () => {
    for (const id of [
      'x-20261122-0015',
      'qh-20261122-0010', // not a quarter-hour boundary
      'h-20261122-0915', // an hour starts on the hour
      'qh-20260230-0000', // no such day
      'qh-20261122-2400',
      'afrr-20261122-6',
      'afrr-20261122-02',
      'qh-20261122-0915 ',
    ])
      expect(parseProductId(id), id).toBeUndefined();
    expect(() => deliveryStartOf('x-20261122-0015')).toThrow(ProductIdError);
  });

  it('relates products to their quarter-hours', () => {
    expect(hourIdOf('qh-20261122-0945')).toBe('h-20261122-0900');
    expect(hourIdOf('h-20261122-0900')).toBeUndefined();
    expect(periodOfDay('qh-20261122-2345')).toBe(95);
    expect(dayTokenOf('afrr-20261123-0')).toBe('20261123');
    expect(quarterHoursOf('h-20261122-0900')).toEqual([
      'qh-20261122-0900',
      'qh-20261122-0915',
      'qh-20261122-0930',
      'qh-20261122-0945',
    ]);
    const block = quarterHoursOf('afrr-20261122-5');
    expect(block).toHaveLength(16);
    expect(block[15]).toBe('qh-20261122-2345');
  });
});
