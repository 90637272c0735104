// Units of the wire (ticks of 0.01 EUR/MWh, lots of 0.1 MW, cash units of 0.00001 EUR, kWh) as
// people read them, and the product ids' delivery times. Formatting only: the page keeps the
// integers it received and computes with them.

export const eurPerMwh = (ticks: number) => (ticks / 100).toFixed(2);
export const mw = (lots: number) => (lots / 10).toFixed(1);
/**
 * Cash units as EUR with cents, rounded as results.json rounds them (to the nearest cent, a half
 * upward) from the integer: toFixed on cashUnits / 100 000 rounds the binary float instead, and
 * 172 472 500 units (1 724.725 EUR) came out as 1 724.72 where results.json says 1 724.73.
 */
export const eur = (cashUnits: number) => (Math.round(cashUnits / 1_000) / 100).toFixed(2);
export const mwh = (kwh: number) => (kwh / 1000).toFixed(2);

/** "2026-11-22 14:15" (UTC, as every time in FlexArena). */
export function utcMinute(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

export function utcSecond(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

const PRODUCT = /^(qh|h)-(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})$/;

/** Delivery start of a quarter-hour or hour product (qh-YYYYMMDD-HHMM, h-YYYYMMDD-HH00). */
export function productStart(id: string): { kind: 'qh' | 'h'; startMs: number } | undefined {
  const m = PRODUCT.exec(id);
  if (!m) return undefined;
  const startMs = Date.UTC(Number(m[2]), Number(m[3]) - 1, Number(m[4]), Number(m[5]), Number(m[6]));
  return { kind: m[1] as 'qh' | 'h', startMs };
}

/** Start of the delivery day of an auction id (da-YYYYMMDD, ida2-YYYYMMDD). */
export function auctionDayStart(auctionId: string): number | undefined {
  const m = /-(\d{4})(\d{2})(\d{2})$/.exec(auctionId);
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : undefined;
}

export const QH_MS = 15 * 60_000;
/** A lot (0.1 MW) over a quarter-hour. */
export const KWH_PER_LOT_QH = 25;
