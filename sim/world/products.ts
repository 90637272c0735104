// The delivery products of a run: per day 96 quarter-hours and (optionally) 24 hours, with ids
// safe as NATS subject tokens ("qh-20261122-0015", "h-20261122-0100"), all times UTC.
import { dayStartMs, hourId, quarterHourId } from '../../lib/index.js';
import type { ProductDef } from '../../market/index.js';
import type { RunConfig } from '../config/run-config.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export function consecutiveDays(first: string, count: number): string[] {
  const start = dayStartMs(first);
  return Array.from({ length: count }, (_, i) => new Date(start + i * DAY).toISOString().slice(0, 10));
}

export interface ProductWindow {
  /** Quarter-hours of day D open this many hours before D starts (8: D-1 16:00). */
  openHoursBeforeDay: number;
  /** Hourly products open this many hours before D starts (9: D-1 15:00). */
  hourlyOpenHoursBeforeDay: number;
  hourlyProducts: boolean;
  /** Minutes before delivery start at which trading stops. */
  gateClosureMinutes: number;
}

/** Quarter-hour products of one day (UTC). */
export function quarterHourProducts(
  day: string,
  w: Pick<ProductWindow, 'openHoursBeforeDay' | 'gateClosureMinutes'>,
): ProductDef[] {
  const start = dayStartMs(day);
  const openMs = start - w.openHoursBeforeDay * HOUR;
  const out: ProductDef[] = [];
  for (let q = 0; q < 96; q++) {
    const deliveryStartMs = start + q * 15 * MINUTE;
    out.push({
      id: quarterHourId(deliveryStartMs),
      kind: 'QH',
      deliveryStartMs,
      deliveryEndMs: deliveryStartMs + 15 * MINUTE,
      openMs,
      gateClosureMs: deliveryStartMs - w.gateClosureMinutes * MINUTE,
    });
  }
  return out;
}

function hourlyProducts(day: string, w: ProductWindow): ProductDef[] {
  const start = dayStartMs(day);
  const openMs = start - w.hourlyOpenHoursBeforeDay * HOUR;
  return Array.from({ length: 24 }, (_, h) => {
    const deliveryStartMs = start + h * HOUR;
    return {
      id: hourId(deliveryStartMs),
      kind: 'H' as const,
      deliveryStartMs,
      deliveryEndMs: deliveryStartMs + HOUR,
      openMs,
      gateClosureMs: deliveryStartMs - w.gateClosureMinutes * MINUTE,
    };
  });
}

/** Every product of a run, and the lookups settlement and the venues need. */
export class ProductCatalog {
  /** All products, ordered by delivery start, hours before the quarter-hours they contain. */
  readonly all: ProductDef[];
  /** Quarter-hours in delivery order; the index is the run's "step". */
  readonly quarterHours: ProductDef[];
  readonly byId: Map<string, ProductDef>;
  readonly firstDayStartMs: number;

  constructor(
    readonly days: readonly string[],
    w: ProductWindow,
  ) {
    this.quarterHours = days.flatMap((d) => quarterHourProducts(d, w));
    const hours = w.hourlyProducts ? days.flatMap((d) => hourlyProducts(d, w)) : [];
    this.all = [...hours, ...this.quarterHours].sort(
      (a, b) => a.deliveryStartMs - b.deliveryStartMs || (a.kind === 'H' ? -1 : 1),
    );
    this.byId = new Map(this.all.map((p) => [p.id, p]));
    this.firstDayStartMs = dayStartMs(days[0]!);
  }

  /** The hourly product containing quarter-hour `step`, if hourly products are traded. */
  hourOf(step: number): ProductDef | undefined {
    const qh = this.quarterHours[step];
    return qh ? this.byId.get(hourId(qh.deliveryStartMs - (qh.deliveryStartMs % HOUR))) : undefined;
  }

  stepOf(quarterHourIdValue: string): number | undefined {
    const p = this.byId.get(quarterHourIdValue);
    if (p?.kind !== 'QH') return undefined;
    return Math.round((p.deliveryStartMs - this.firstDayStartMs) / (15 * MINUTE));
  }

  get endMs(): number {
    return this.quarterHours.at(-1)!.deliveryEndMs;
  }
}

/** The products of a run's days with its continuous-market windows. */
export function productCatalogFor(cfg: Pick<RunConfig, 'day' | 'days' | 'market'>): ProductCatalog {
  const cid = cfg.market.cid;
  return new ProductCatalog(consecutiveDays(cfg.day, cfg.days), {
    openHoursBeforeDay: cid.openHoursBeforeDay,
    hourlyOpenHoursBeforeDay: cid.hourlyOpenHoursBeforeDay,
    hourlyProducts: cid.hourlyProducts,
    gateClosureMinutes: cid.gateClosure === 'local' ? cid.localGateMinutes : cid.crossBorderGateMinutes,
  });
}
