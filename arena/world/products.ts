// The delivery products of one day: 96 quarter-hours, ids safe as NATS subject tokens.
import type { ProductDef } from '../../market/index.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export function dayStartMs(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

export function quarterHourId(startMs: number): string {
  const d = new Date(startMs);
  return `qh-${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}-${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}`;
}

export interface ProductWindow {
  openHoursBeforeDay: number;
  gateClosureMinutes: number;
}

/** Quarter-hour products of `day` (UTC). */
export function quarterHourProducts(day: string, w: ProductWindow): ProductDef[] {
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
