// Time helpers of the world model: the 15-minute step grid over a list of delivery days (UTC, as
// the products are) and German local time (CET/CEST), which drives the shapes of demand and sun.

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
export const STEP_MS = 15 * MINUTE_MS;
export const STEPS_PER_DAY = 96;

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** 00:00 UTC of an ISO day; throws on anything that is not a calendar day. */
export function utcDayStartMs(day: string): number {
  const ms = Date.parse(`${day}T00:00:00Z`);
  if (!ISO_DAY.test(day) || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== day) {
    throw new RangeError(`not a calendar day (YYYY-MM-DD): ${JSON.stringify(day)}`);
  }
  return ms;
}

export function isoDayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The next `n` days from `day`, `day` included. */
export function consecutiveDays(day: string, n: number): string[] {
  const start = utcDayStartMs(day);
  return Array.from({ length: n }, (_, i) => isoDayOf(start + i * DAY_MS));
}

/**
 * The step grid of a world: 96 quarter-hours per listed day. Days must be ascending and unique;
 * they need not be consecutive (step i + 1 may then start days after step i).
 */
export class StepGrid {
  readonly days: readonly string[];
  readonly dayStarts: readonly number[];
  readonly steps: number;

  constructor(days: readonly string[]) {
    if (days.length === 0) throw new RangeError('a world needs at least one day');
    const starts = days.map(utcDayStartMs);
    for (let i = 1; i < starts.length; i++) {
      if (starts[i]! <= starts[i - 1]!) {
        throw new RangeError(`days must be ascending and unique: ${days[i - 1]} then ${days[i]}`);
      }
    }
    this.days = [...days];
    this.dayStarts = starts;
    this.steps = days.length * STEPS_PER_DAY;
  }

  startMs(step: number): number {
    const d = Math.floor(step / STEPS_PER_DAY);
    const start = this.dayStarts[d];
    if (start === undefined || step < 0 || !Number.isInteger(step)) {
      throw new RangeError(`step ${step} outside the world (0 … ${this.steps - 1})`);
    }
    return start + (step - d * STEPS_PER_DAY) * STEP_MS;
  }

  /** Index of the first step starting at or after `ms` (`steps` if none). */
  firstStepAtOrAfter(ms: number): number {
    let lo = 0;
    let hi = this.days.length;
    // Last day whose start is <= ms.
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.dayStarts[mid]! <= ms) lo = mid + 1;
      else hi = mid;
    }
    const d = lo - 1;
    if (d < 0) return 0;
    const q = Math.ceil((ms - this.dayStarts[d]!) / STEP_MS);
    return q >= STEPS_PER_DAY ? (d + 1) * STEPS_PER_DAY : d * STEPS_PER_DAY + q;
  }

  /** The step whose delivery contains `ms`, or undefined. */
  stepAt(ms: number): number | undefined {
    const s = this.firstStepAtOrAfter(ms + 1) - 1;
    if (s < 0) return undefined;
    const start = this.startMs(s);
    return ms >= start && ms < start + STEP_MS ? s : undefined;
  }
}

// --- German local time -------------------------------------------------------------------------

/** Last Sunday of a month (0-based month), 01:00 UTC: the EU daylight-saving switch. */
function lastSundayOneUtc(year: number, month: number): number {
  const lastDay = new Date(Date.UTC(year, month + 1, 0));
  const back = lastDay.getUTCDay();
  return Date.UTC(year, month, lastDay.getUTCDate() - back, 1);
}

const dstCache = new Map<number, [number, number]>();

/** Offset of Europe/Berlin from UTC at `ms`: 1 h (CET) or 2 h (CEST). */
export function berlinOffsetMs(ms: number): number {
  const year = new Date(ms).getUTCFullYear();
  let span = dstCache.get(year);
  if (!span) {
    span = [lastSundayOneUtc(year, 2), lastSundayOneUtc(year, 9)];
    dstCache.set(year, span);
  }
  return ms >= span[0] && ms < span[1] ? 2 * HOUR_MS : HOUR_MS;
}

export interface LocalTime {
  /** Hour of the local day, fractional, [0, 24). */
  hour: number;
  /** 0 = Sunday … 6 = Saturday (local). */
  dow: number;
  /** Day of the year, 0-based, fractional (local). */
  doy: number;
}

export function berlinLocal(ms: number): LocalTime {
  const local = ms + berlinOffsetMs(ms);
  const d = new Date(local);
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  const dayMs = local - Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  return { hour: dayMs / HOUR_MS, dow: d.getUTCDay(), doy: (local - yearStart) / DAY_MS };
}
