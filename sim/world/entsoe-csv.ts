// Import of ENTSO-E Transparency CSV exports of prices (day-ahead prices 12.1.D, imbalance
// prices 17.1.G, …) as a series of price ticks per 15-minute step, usable instead of the
// synthetic price path.
//
// Accepted: tab-, semicolon- or comma-separated (detected from the header), double-quoted fields
// with "" escapes, a UTF-8 BOM, CRLF. Columns are found by name (case and spaces ignored):
//   DateTime(UTC)        start of the period: "2024-06-01 00:00:00[.000]", ISO "2024-06-01T00:00Z"
//                        or "01.06.2024 00:00" — always UTC
//   ResolutionCode       PT15M, PT30M or PT60M; a longer period fills all its quarter-hours
//   Price[Currency/MWh]  or `priceColumn`, or the one column that looks like "…Price…[…/MWh]"
//   Currency             optional; must be EUR
//   MapCode / AreaMapCode / AreaCode   optional; `mapCode` keeps the rows of one area
// Other columns (AreaDisplayName, UpdateTime(UTC), ContractType, Sequence, …) are kept for
// `where` filters and otherwise ignored. A row needs exactly the header's number of fields; a price
// must be on the tick grid and, when limits are given, inside them. Every problem is an EntsoeCsvError naming the line
// (1-based, the header is line 1), the column and the offending value.

import { FlexArenaError } from '../../lib/index.js';
import { eurToTicks, isOnTickGrid } from '../../market/index.js';
import { DAY_MS, isoDayOf, STEP_MS, utcDayStartMs } from './time.js';

export class EntsoeCsvError extends FlexArenaError {
  constructor(
    readonly source: string,
    readonly line: number,
    readonly column: string | undefined,
    readonly value: string | undefined,
    readonly reason: string,
  ) {
    super(
      `${source}:${line}${column === undefined ? '' : ` column ${column}`}: ${reason}` +
        (value === undefined ? '' : ` (got ${JSON.stringify(value)})`),
    );
  }
}

export interface EntsoeParseOptions {
  /** The series starts at 00:00 UTC of this day; earlier rows are ignored. */
  startDay: string;
  /** Number of days; default: up to the end of the last period in the file. */
  days?: number;
  /** Keep only rows whose MapCode (or AreaMapCode, or AreaCode) equals this. */
  mapCode?: string;
  /** Keep only rows whose columns have these values (e.g. { ContractType: 'Day-ahead', Sequence: ['', '1'] }). */
  where?: Record<string, string | string[]>;
  /** Name of the price column when the default detection does not fit. */
  priceColumn?: string;
  /**
   * Prices outside [priceMinEur, priceMaxEur] are refused (the world passes its price floor and
   * cap): a price in the wrong unit or a typo is an error, not the run's price. Default: no limit.
   */
  priceMinEur?: number;
  priceMaxEur?: number;
  /** Where the limits come from, for the message (e.g. the configuration fields). */
  priceLimitsName?: string;
  /** Name used in error messages (the file path). */
  source?: string;
}

export interface EntsoePriceSeries {
  startDay: string;
  startMs: number;
  /** One price per 15-minute step from startMs, in ticks of 0.01 EUR/MWh. */
  priceTicks: number[];
  /** The area of the rows used ('' when the file has no area column). */
  area: string;
  /** Per step, the CSV line its price came from. */
  lines: number[];
}

const RESOLUTION_STEPS: Record<string, number> = { PT15M: 1, PT30M: 2, PT60M: 4 };
const DATETIME = 'DateTime(UTC)';
const RESOLUTION = 'ResolutionCode';
const norm = (s: string) => s.replace(/\s+/g, '').toLowerCase();

/** Splits one CSV line; throws (via `fail`) on an unterminated quote. */
function splitLine(line: string, delim: string, fail: (reason: string) => never): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let val = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) fail('unterminated quoted field');
        val += line.slice(i, q);
        if (line[q + 1] === '"') {
          val += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      // Tolerate spaces between the closing quote and the delimiter.
      while (line[i] === ' ') i++;
      if (i < line.length && line[i] !== delim)
        fail(`unexpected text after a quoted field at character ${i + 1}`);
      out.push(val);
    } else {
      const d = line.indexOf(delim, i);
      const end = d < 0 ? line.length : d;
      out.push(line.slice(i, end).trim());
      i = end;
    }
    if (i >= line.length) return out;
    i++; // skip the delimiter
    if (i === line.length) {
      out.push('');
      return out;
    }
  }
}

function detectDelimiter(header: string): string {
  let inQuote = false;
  const counts: Record<string, number> = { '\t': 0, ';': 0, ',': 0 };
  for (const ch of header) {
    if (ch === '"') inQuote = !inQuote;
    else if (!inQuote && ch in counts) counts[ch]!++;
  }
  if (counts['\t']! > 0) return '\t';
  return counts[';']! > counts[',']! ? ';' : ',';
}

/** ms since the epoch of an ENTSO-E UTC timestamp, or NaN. */
export function parseEntsoeDateTime(s: string): number {
  let m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|\+00:00)?$/.exec(s);
  let y: number;
  let mo: number;
  let d: number;
  let h: number;
  let mi: number;
  let sec = 0;
  let ms = 0;
  if (m) {
    [y, mo, d, h, mi] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])];
    sec = Number(m[6] ?? 0);
    ms = Number((m[7] ?? '0').padEnd(3, '0'));
  } else {
    m = /^(\d{2})\.(\d{2})\.(\d{4}) (\d{2}):(\d{2})(?::(\d{2}))?$/.exec(s);
    if (!m) return Number.NaN;
    [d, mo, y, h, mi] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])];
    sec = Number(m[6] ?? 0);
  }
  const t = Date.UTC(y, mo - 1, d, h, mi, sec, ms);
  const back = new Date(t);
  if (
    back.getUTCFullYear() !== y ||
    back.getUTCMonth() !== mo - 1 ||
    back.getUTCDate() !== d ||
    back.getUTCHours() !== h ||
    back.getUTCMinutes() !== mi ||
    sec > 59
  ) {
    return Number.NaN;
  }
  return t;
}

function parsePrice(s: string, delim: string): number {
  const ok = delim === ',' ? /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/ : /^[+-]?(\d+([.,]\d*)?|[.,]\d+)$/;
  if (!ok.test(s)) return Number.NaN;
  return Number(s.replace(',', '.'));
}

export function parseEntsoePriceCsv(text: string, opts: EntsoeParseOptions): EntsoePriceSeries {
  const source = opts.source ?? '<csv>';
  const startMs = utcDayStartMs(opts.startDay);
  const endLimit = opts.days === undefined ? Number.POSITIVE_INFINITY : startMs + opts.days * DAY_MS;
  if (opts.days !== undefined && !(Number.isInteger(opts.days) && opts.days > 0)) {
    throw new RangeError(`days must be a positive integer, got ${opts.days}`);
  }
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const err = (
    line: number,
    column: string | undefined,
    value: string | undefined,
    reason: string,
  ): never => {
    throw new EntsoeCsvError(source, line, column, value, reason);
  };
  const headerLine = lines[0] ?? '';
  if (headerLine.trim() === '') err(1, undefined, undefined, 'empty file: expected a header line');
  const delim = detectDelimiter(headerLine);
  const header = splitLine(headerLine, delim, (r) => err(1, undefined, undefined, r)).map((h) => h.trim());
  const index = new Map<string, number>();
  /** Names the header has twice: first column of each. */
  const twice = new Map<string, [number, number]>();
  header.forEach((h, i) => {
    const first = index.get(norm(h));
    if (first === undefined) index.set(norm(h), i);
    else if (!twice.has(norm(h))) twice.set(norm(h), [first, i]);
  });
  // A column the import reads must be one column: of two, the last was read without a word.
  const col = (name: string) => {
    const both = twice.get(norm(name));
    if (both)
      err(1, name, undefined, `named twice in the header (columns ${both[0] + 1} and ${both[1] + 1})`);
    return index.get(norm(name));
  };
  const required = (name: string): number => {
    const i = col(name);
    return i ?? err(1, name, undefined, `missing column; header has ${header.join(', ')}`);
  };
  const iTime = required(DATETIME);
  const iRes = required(RESOLUTION);
  let iPrice: number;
  if (opts.priceColumn !== undefined) iPrice = required(opts.priceColumn);
  else if (col('Price[Currency/MWh]') !== undefined) iPrice = col('Price[Currency/MWh]')!;
  else {
    const cands = header.flatMap((h, i) => (/price.*\[.*\/mwh\]/i.test(h) ? [i] : []));
    if (cands.length !== 1) {
      err(
        1,
        'Price[Currency/MWh]',
        undefined,
        cands.length === 0
          ? 'missing price column'
          : `several price columns (${cands.map((i) => header[i]).join(', ')}); choose one with priceColumn`,
      );
    }
    iPrice = cands[0]!;
  }
  const iCurrency = col('Currency');
  const iArea = col('MapCode') ?? col('AreaMapCode') ?? col('AreaCode');
  const iAreaCode = col('AreaCode');
  const filters = Object.entries(opts.where ?? {}).map(([name, v]) => ({
    name,
    i: required(name),
    values: new Set(Array.isArray(v) ? v : [v]),
  }));

  const byStep = new Map<number, { ticks: number; line: number }>();
  let area: string | undefined;
  let areaLine = 0;
  let lastEnd = Number.NEGATIVE_INFINITY;
  const rowStarts: { start: number; line: number; text: string }[] = [];

  for (let li = 1; li < lines.length; li++) {
    const raw = lines[li]!;
    const lineNo = li + 1;
    if (raw.trim() === '') continue;
    const f = splitLine(raw, delim, (r) => err(lineNo, undefined, undefined, r));
    if (f.length < header.length) {
      err(lineNo, header[f.length], undefined, `missing field: ${f.length} of ${header.length} columns`);
    }
    // More fields than columns: a delimiter inside an unquoted field (an area name with a comma)
    // moves every column after it, and the price column reads another field.
    if (f.length > header.length) {
      err(
        lineNo,
        undefined,
        f[header.length],
        `${f.length} fields, the header has ${header.length} columns (a field with a delimiter in it must be quoted)`,
      );
    }
    if (filters.some((flt) => !flt.values.has(f[flt.i]!))) continue;
    if (opts.mapCode !== undefined) {
      const a = iArea === undefined ? undefined : f[iArea];
      const c = iAreaCode === undefined ? undefined : f[iAreaCode];
      if (a !== opts.mapCode && c !== opts.mapCode) continue;
    }
    if (iArea !== undefined) {
      const a = f[iArea]!;
      if (area === undefined) {
        area = a;
        areaLine = lineNo;
      } else if (a !== area) {
        err(
          lineNo,
          header[iArea],
          a,
          `a second area (line ${areaLine} has ${JSON.stringify(area)}); choose one with mapCode`,
        );
      }
    }
    const timeText = f[iTime]!;
    const start = parseEntsoeDateTime(timeText);
    if (Number.isNaN(start)) err(lineNo, DATETIME, timeText, 'not a UTC date-time like 2024-06-01 00:00:00');
    const resText = f[iRes]!;
    const quarters = RESOLUTION_STEPS[resText.toUpperCase()];
    if (quarters === undefined)
      err(lineNo, RESOLUTION, resText, 'unsupported resolution: expected PT15M, PT30M or PT60M');
    if (start % (quarters! * STEP_MS) !== 0) {
      err(
        lineNo,
        DATETIME,
        timeText,
        `a ${resText} period must start on a multiple of ${quarters! * 15} minutes`,
      );
    }
    if (iCurrency !== undefined && f[iCurrency]! !== '' && f[iCurrency]!.toUpperCase() !== 'EUR') {
      err(lineNo, header[iCurrency], f[iCurrency], 'only EUR prices are supported');
    }
    const priceText = f[iPrice]!;
    const price = parsePrice(priceText, delim);
    if (!Number.isFinite(price)) err(lineNo, header[iPrice], priceText, 'price is not a number');
    // A market price has at most two decimals; anything finer is refused, not rounded away.
    if (!isOnTickGrid(price))
      err(lineNo, header[iPrice], priceText, 'price must be a multiple of 0.01 EUR/MWh');
    if (
      price < (opts.priceMinEur ?? Number.NEGATIVE_INFINITY) ||
      price > (opts.priceMaxEur ?? Number.POSITIVE_INFINITY)
    ) {
      err(
        lineNo,
        header[iPrice],
        priceText,
        `price outside ${opts.priceMinEur ?? '-∞'} … ${opts.priceMaxEur ?? '∞'} EUR/MWh` +
          (opts.priceLimitsName === undefined ? '' : ` (${opts.priceLimitsName})`),
      );
    }
    const ticks = eurToTicks(price);
    rowStarts.push({ start, line: lineNo, text: timeText });
    for (let q = 0; q < quarters!; q++) {
      const t = start + q * STEP_MS;
      const prev = byStep.get(t);
      if (prev) {
        err(
          lineNo,
          DATETIME,
          timeText,
          `duplicate price for ${new Date(t).toISOString()} (also line ${prev.line}); narrow the rows with mapCode or where (e.g. ContractType, Sequence)`,
        );
      }
      byStep.set(t, { ticks, line: lineNo });
    }
    lastEnd = Math.max(lastEnd, start + quarters! * STEP_MS);
  }
  if (byStep.size === 0) err(lines.length, undefined, undefined, 'no price rows (after filters)');

  const end = Math.min(endLimit, lastEnd);
  if (opts.days !== undefined && lastEnd < endLimit) {
    err(
      lines.length,
      DATETIME,
      undefined,
      `the file ends at ${new Date(lastEnd).toISOString()}, before the end of the ${opts.days} requested days (${new Date(endLimit).toISOString()})`,
    );
  }
  if (end <= startMs) {
    err(lines.length, DATETIME, undefined, `no prices at or after ${opts.startDay}`);
  }
  rowStarts.sort((a, b) => a.start - b.start || a.line - b.line);
  const priceTicks: number[] = [];
  const used: number[] = [];
  let r = 0;
  for (let t = startMs; t < end; t += STEP_MS) {
    const v = byStep.get(t);
    if (!v) {
      while (r < rowStarts.length && rowStarts[r]!.start <= t) r++;
      const next = rowStarts[r];
      err(
        next?.line ?? lines.length,
        DATETIME,
        next?.text,
        `gap: no price for ${new Date(t).toISOString()}${next ? ' before this row' : ' at the end of the file'}`,
      );
    }
    priceTicks.push(v!.ticks);
    used.push(v!.line);
  }
  return { startDay: isoDayOf(startMs), startMs, priceTicks, area: area ?? '', lines: used };
}
