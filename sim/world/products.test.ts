import { describe, expect, it } from 'vitest';
import { hourId, quarterHourId } from '../../lib/product-id.js';
import { parseRunConfig } from '../config/run-config.js';
import { ProductCatalog, productCatalogFor } from './products.js';

const MIN = 60_000;
const D = Date.UTC(2026, 10, 22);

function catalog(cid: Record<string, unknown> = {}, days = 1) {
  return productCatalogFor(
    parseRunConfig({ day: '2026-11-22', days, market: { cid }, agents: [{ id: 'a', strategy: 'idle' }] }),
  );
}

describe('product catalog', () => {
  it('has 96 quarter-hours and 24 hours per day, opening D-1 16:00 and 15:00, gate 5 minutes before delivery', () => {
    const c = catalog({}, 2);
    expect(c.quarterHours).toHaveLength(192);
    expect(c.all.filter((p) => p.kind === 'H')).toHaveLength(48);
    const qh = c.byId.get('qh-20261122-1015')!;
    expect(qh).toMatchObject({
      deliveryStartMs: D + 615 * MIN,
      deliveryEndMs: D + 630 * MIN,
      openMs: D - 8 * 60 * MIN,
      gateClosureMs: D + 610 * MIN,
    });
    expect(c.byId.get('h-20261122-1000')).toMatchObject({
      openMs: D - 9 * 60 * MIN,
      deliveryEndMs: D + 660 * MIN,
    });
    expect(c.stepOf('qh-20261123-0000')).toBe(96);
    expect(c.hourOf(41)!.id).toBe('h-20261122-1000');
  });

  it('closes the gate 60 minutes before delivery with cross-border gate closure', () => {
    const c = catalog({ gateClosure: 'cross-border' });
    for (const p of c.all) expect(p.deliveryStartMs - p.gateClosureMs).toBe(60 * MIN);
  });

  it('can trade quarter-hours only', () => {
    const c = catalog({ hourlyProducts: false });
    expect(c.all.every((p) => p.kind === 'QH')).toBe(true);
    expect(c.hourOf(0)).toBeUndefined();
  });

  it('makes ids that are valid NATS subject tokens', () => {
    expect(quarterHourId(D + 45 * MIN)).toBe('qh-20261122-0045');
    expect(hourId(D + 23 * 60 * MIN)).toBe('h-20261122-2300');
    const c = new ProductCatalog(['2026-11-22'], {
      openHoursBeforeDay: 8,
      hourlyOpenHoursBeforeDay: 9,
      hourlyProducts: true,
      gateClosureMinutes: 5,
    });
    for (const p of c.all) expect(p.id).toMatch(/^[a-z0-9-]+$/);
  });
});
