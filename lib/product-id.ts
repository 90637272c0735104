// The one place that knows the shape of FlexArena's ids. Product ids are safe as NATS subject
// tokens and carry their delivery time (UTC):
//   qh-YYYYMMDD-HHMM   a quarter-hour            h-YYYYMMDD-HH00   an hour
//   afrr-YYYYMMDD-K    a 4-hour aFRR capacity product, K = 0..5 (00-04 … 20-24)
//   da-YYYYMMDD, ida1-YYYYMMDD …                 an auction for delivery day YYYY-MM-DD

export const QH_MS = 15 * 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
export const CAPACITY_BLOCK_MS = 4 * HOUR_MS;

export type ProductKindCode = 'QH' | 'H' | 'AFRR';

export interface ParsedProductId {
  kind: ProductKindCode;
  /** "YYYYMMDD" of the delivery day. */
  dayToken: string;
  deliveryStartMs: number;
  deliveryEndMs: number;
}

const PRODUCT_RE = /^(qh|h|afrr)-(\d{4})(\d{2})(\d{2})-(\d{2})?(\d{2}|[0-5])$/;

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** "YYYYMMDD-HHMM" of a UTC instant; formatted once per instant (a bounded cache). */
function stamp(ms: number): string {
  let text = stamps.get(ms);
  if (text === undefined) {
    if (stamps.size >= STAMPS_MAX) stamps.clear();
    const d = new Date(ms);
    text = `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}-${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}`;
    stamps.set(ms, text);
  }
  return text;
}
const stamps = new Map<number, string>();
const STAMPS_MAX = 10_000;

/** UTC midnight of an ISO day "YYYY-MM-DD". */
export function dayStartMs(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

/** "20261122" for "2026-11-22". */
export function dayToken(day: string): string {
  return day.replaceAll('-', '');
}

/** UTC midnight of "YYYYMMDD". */
export function dayTokenStartMs(token: string): number {
  return Date.UTC(Number(token.slice(0, 4)), Number(token.slice(4, 6)) - 1, Number(token.slice(6, 8)));
}

export function quarterHourId(startMs: number): string {
  return cachedId(quarterHourIds, 'qh-', startMs);
}

export function hourId(startMs: number): string {
  return cachedId(hourIds, 'h-', startMs);
}

/**
 * The id of a product starting at `ms`, the same string object every time: strategies build the
 * ids of their whole horizon at every wake-up and look them up in maps, and a string built anew
 * is hashed anew at every lookup.
 */
function cachedId(cache: Map<number, string>, prefix: string, ms: number): string {
  let id = cache.get(ms);
  if (id === undefined) {
    if (cache.size >= STAMPS_MAX) cache.clear();
    id = `${prefix}${stamp(ms)}`;
    cache.set(ms, id);
  }
  return id;
}
const quarterHourIds = new Map<number, string>();
const hourIds = new Map<number, string>();

/** aFRR capacity product K (0..5) of an ISO day. */
export function capacityProductId(day: string, k: number): string {
  return `afrr-${dayToken(day)}-${k}`;
}

/** The aFRR capacity product whose 4-hour block holds the UTC instant `ms`. */
export function capacityProductIdAt(ms: number): string {
  const dayStart = ms - (((ms % DAY_MS) + DAY_MS) % DAY_MS);
  const k = Math.floor((ms - dayStart) / CAPACITY_BLOCK_MS);
  // stamp() is cached per instant: a settlement asks this for every agent and quarter-hour.
  return `afrr-${stamp(dayStart).slice(0, 8)}-${k}`;
}

/** An auction's id: its schedule entry ("DA", "IDA1"…) in lower case and the delivery day. */
export function auctionId(entryId: string, day: string): string {
  return `${entryId.toLowerCase()}-${dayToken(day)}`;
}

/**
 * Kind, day and delivery window of a product id; undefined for anything that is not a well-formed
 * id of an existing calendar time (so "qh-20260230-0000" or "qh-20261122-0010" are not products).
 */
export function parseProductId(id: string): ParsedProductId | undefined {
  // Strategies and the core ask about the same few hundred ids at every wake-up.
  const known = parsedIds.get(id);
  if (known !== undefined || parsedIds.has(id)) return known;
  if (parsedIds.size >= PARSED_IDS_MAX) parsedIds.clear();
  const parsed = parseUncached(id);
  parsedIds.set(id, parsed === undefined ? undefined : Object.freeze(parsed));
  return parsed === undefined ? undefined : parsedIds.get(id);
}

/** Parsed ids by text; bounded, since ids can come from agents. */
const parsedIds = new Map<string, ParsedProductId | undefined>();
const PARSED_IDS_MAX = 10_000;

function parseUncached(id: string): ParsedProductId | undefined {
  const m = PRODUCT_RE.exec(id);
  if (!m) return undefined;
  const [, kind, y, mo, d, hh, last] = m;
  const day = Date.UTC(Number(y), Number(mo) - 1, Number(d));
  const token = `${y}${mo}${d}`;
  if (new Date(day).toISOString().slice(0, 10).replaceAll('-', '') !== token) return undefined;
  if (kind === 'afrr') {
    if (hh !== undefined || last!.length !== 1) return undefined;
    const start = day + Number(last) * CAPACITY_BLOCK_MS;
    return {
      kind: 'AFRR',
      dayToken: token,
      deliveryStartMs: start,
      deliveryEndMs: start + CAPACITY_BLOCK_MS,
    };
  }
  if (hh === undefined || last!.length !== 2) return undefined;
  const hour = Number(hh);
  const minute = Number(last);
  if (hour > 23) return undefined;
  if (kind === 'h' && minute !== 0) return undefined;
  if (kind === 'qh' && minute % 15 !== 0) return undefined;
  const start = day + hour * HOUR_MS + minute * 60_000;
  return kind === 'qh'
    ? { kind: 'QH', dayToken: token, deliveryStartMs: start, deliveryEndMs: start + QH_MS }
    : { kind: 'H', dayToken: token, deliveryStartMs: start, deliveryEndMs: start + HOUR_MS };
}

/** Thrown where a caller needs a product id and got something else (a bug, never agent input). */
export class ProductIdError extends Error {
  constructor(readonly id: string) {
    super(`"${id}" is not a product id (qh-YYYYMMDD-HHMM, h-YYYYMMDD-HH00 or afrr-YYYYMMDD-K)`);
    this.name = 'ProductIdError';
  }
}

/** Delivery start of a quarter-hour, hour or capacity product id (UTC). */
export function deliveryStartOf(id: string): number {
  const p = parseProductId(id);
  if (!p) throw new ProductIdError(id);
  return p.deliveryStartMs;
}

/** Quarter-hour of the UTC day, 0..95, of "qh-YYYYMMDD-HHMM"; undefined for other ids. */
export function periodOfDay(id: string): number | undefined {
  const p = parseProductId(id);
  return p?.kind === 'QH' ? (p.deliveryStartMs - dayTokenStartMs(p.dayToken)) / QH_MS : undefined;
}

/** "YYYYMMDD" of a quarter-hour, hour or capacity product id. */
export function dayTokenOf(id: string): string | undefined {
  return parseProductId(id)?.dayToken;
}

/** The hourly product a quarter-hour belongs to ("qh-20261122-0915" → "h-20261122-0900"). */
export function hourIdOf(qhId: string): string | undefined {
  // Asked for every quarter-hour of a horizon at every wake-up: one lookup instead of two.
  const known = hourOfQuarterHour.get(qhId);
  if (known !== undefined || hourOfQuarterHour.has(qhId)) return known;
  if (hourOfQuarterHour.size >= PARSED_IDS_MAX) hourOfQuarterHour.clear();
  const p = parseProductId(qhId);
  const hour = p?.kind === 'QH' ? hourId(p.deliveryStartMs - (p.deliveryStartMs % HOUR_MS)) : undefined;
  hourOfQuarterHour.set(qhId, hour);
  return hour;
}

/** hourIdOf's answers by id; bounded as parsedIds. */
const hourOfQuarterHour = new Map<string, string | undefined>();

/** The quarter-hour ids a product delivers in: itself, the 4 of an hour, the 16 of a capacity block. */
export function quarterHoursOf(id: string): string[] {
  const p = parseProductId(id);
  if (!p) return [];
  const n = (p.deliveryEndMs - p.deliveryStartMs) / QH_MS;
  return Array.from({ length: n }, (_, i) => quarterHourId(p.deliveryStartMs + i * QH_MS));
}
