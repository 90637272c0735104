import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EntsoeCsvError, parseEntsoeDateTime, parseEntsoePriceCsv } from './entsoe-csv.js';

const SAMPLE = fileURLToPath(new URL('./data/entsoe-sample-de-2024-06-01.csv', import.meta.url));
const TEXT = readFileSync(SAMPLE, 'utf8');
const LINES = TEXT.trimEnd().split('\n');
const HEADER = LINES[0]!;

function parse(lines: string[], opts: Partial<Parameters<typeof parseEntsoePriceCsv>[1]> = {}) {
  return parseEntsoePriceCsv(`${lines.join('\n')}\n`, {
    startDay: '2024-06-01',
    source: 'test.csv',
    ...opts,
  });
}

function csvError(fn: () => unknown): EntsoeCsvError {
  try {
    fn();
  } catch (e) {
    if (e instanceof EntsoeCsvError) return e;
    throw e;
  }
  throw new Error('expected an EntsoeCsvError');
}

/** The sample with one field of one line replaced (line numbers 1-based, header = 1). */
function withField(line: number, column: string, value: string): string[] {
  const cols = HEADER.split('\t');
  const i = cols.indexOf(column);
  return LINES.map((l, k) => {
    if (k !== line - 1) return l;
    const f = l.split('\t');
    f[i] = value;
    return f.join('\t');
  });
}

describe('ENTSO-E CSV import', () => {
  it('reads the sample: PT60M day expanded to quarter-hours, PT15M day as is', () => {
    const s = parseEntsoePriceCsv(TEXT, { startDay: '2024-06-01' });
    expect(s.priceTicks).toHaveLength(192);
    expect(s.area).toBe('DE_LU');
    expect(s.startMs).toBe(Date.parse('2024-06-01T00:00:00Z'));
    // 2024-06-01 00:00 PT60M 88.41 fills four quarter-hours, from line 2.
    expect(s.priceTicks.slice(0, 4)).toEqual([8841, 8841, 8841, 8841]);
    expect(s.lines.slice(0, 5)).toEqual([2, 2, 2, 2, 3]);
    // 13:00 UTC on day 1 is negative (-3.50).
    expect(s.priceTicks[13 * 4]).toBe(-350);
    // Day 2 is quarter-hourly: the four quarter-hours of an hour differ (sawtooth).
    const h = s.priceTicks.slice(96 + 19 * 4, 96 + 20 * 4);
    expect(new Set(h).size).toBe(4);
    expect(s.priceTicks[96]).toBe(9131);
    expect(Math.min(...s.priceTicks)).toBeLessThan(0);
  });

  it('reads a sub-range of days and checks the file covers it', () => {
    const s = parseEntsoePriceCsv(TEXT, { startDay: '2024-06-02', days: 1 });
    expect(s.priceTicks).toHaveLength(96);
    expect(s.priceTicks[0]).toBe(9131);
    const e = csvError(() => parseEntsoePriceCsv(TEXT, { startDay: '2024-06-02', days: 2 }));
    expect(e.column).toBe('DateTime(UTC)');
    expect(e.message).toMatch(/file ends at 2024-06-03T00:00:00.000Z/);
  });

  it('accepts comma-separated files with quoted fields, CRLF, a BOM and ISO timestamps', () => {
    const rows = LINES.map((l) =>
      l
        .split('\t')
        .map((f) => (f.startsWith('"') ? f : `"${f.replace(/"/g, '""')}"`))
        .join(','),
    );
    const iso = rows.map((r, i) =>
      i === 0 ? r : r.replace(/"(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}):00"/, '"$1T$2Z"'),
    );
    const s = parseEntsoePriceCsv(`\uFEFF${iso.join('\r\n')}\r\n`, { startDay: '2024-06-01' });
    expect(s.priceTicks).toEqual(parseEntsoePriceCsv(TEXT, { startDay: '2024-06-01' }).priceTicks);
  });

  it('parses the date-time formats ENTSO-E exports use', () => {
    const t = Date.parse('2024-06-01T13:15:00Z');
    expect(parseEntsoeDateTime('2024-06-01 13:15:00')).toBe(t);
    expect(parseEntsoeDateTime('2024-06-01 13:15:00.000')).toBe(t);
    expect(parseEntsoeDateTime('2024-06-01T13:15Z')).toBe(t);
    expect(parseEntsoeDateTime('01.06.2024 13:15')).toBe(t);
    expect(parseEntsoeDateTime('2024-06-31 13:15:00')).toBeNaN();
    expect(parseEntsoeDateTime('2024-06-01 25:00:00')).toBeNaN();
    expect(parseEntsoeDateTime('yesterday')).toBeNaN();
  });

  it('filters one area out of a multi-area file, and refuses a mixed file without a filter', () => {
    const at = LINES.slice(1, 25).map((l) =>
      l.replace('DE_LU', 'AT').replace('10Y1001A1001A82H', '10YAT-APG------L'),
    );
    const mixed = [...LINES, ...at];
    expect(parse(mixed, { mapCode: 'DE_LU' }).priceTicks).toHaveLength(192);
    expect(parse(mixed, { mapCode: 'AT' }).priceTicks).toHaveLength(96);
    const e = csvError(() => parse(mixed));
    expect(e.line).toBe(LINES.length + 1);
    expect(e.column).toBe('MapCode');
    expect(e.value).toBe('AT');
  });

  it('filters rows with `where` (e.g. ContractType, Sequence)', () => {
    const second = LINES.slice(1, 25).map((l) => l.replace('\tDay-ahead\t1\t', '\tDay-ahead\t2\t'));
    const e = csvError(() => parse([...LINES, ...second]));
    expect(e.message).toMatch(/duplicate price/);
    expect(parse([...LINES, ...second], { where: { Sequence: ['', '1'] } }).priceTicks).toHaveLength(192);
  });

  describe('typed errors with line, column and value', () => {
    it('missing column', () => {
      const noPrice = LINES.map((l) =>
        l
          .split('\t')
          .filter((_, i) => i !== 8)
          .join('\t'),
      );
      const e = csvError(() => parse(noPrice));
      expect(e).toBeInstanceOf(EntsoeCsvError);
      expect(e.line).toBe(1);
      expect(e.column).toBe('Price[Currency/MWh]');
      const noTime = LINES.map((l) => l.split('\t').slice(1).join('\t'));
      expect(csvError(() => parse(noTime)).column).toBe('DateTime(UTC)');
    });

    it('bad date', () => {
      const e = csvError(() => parse(withField(7, 'DateTime(UTC)', '2024-06-01 5:00')));
      expect([e.line, e.column, e.value]).toEqual([7, 'DateTime(UTC)', '2024-06-01 5:00']);
      expect(e.message).toMatch(/^test\.csv:7 column DateTime\(UTC\)/);
    });

    it('non-numeric price', () => {
      const e = csvError(() => parse(withField(10, 'Price[Currency/MWh]', 'n/e')));
      expect([e.line, e.column, e.value]).toEqual([10, 'Price[Currency/MWh]', 'n/e']);
      const empty = csvError(() => parse(withField(30, 'Price[Currency/MWh]', '')));
      expect([empty.line, empty.value]).toEqual([30, '']);
    });

    it('gap', () => {
      // Drop the PT60M row of 05:00 (line 7): the gap is reported at the next row (line 7 after removal).
      const e = csvError(() => parse(LINES.filter((_, k) => k !== 6)));
      expect(e.line).toBe(7);
      expect(e.column).toBe('DateTime(UTC)');
      expect(e.value).toBe('2024-06-01 06:00:00');
      expect(e.message).toMatch(/gap: no price for 2024-06-01T05:00:00.000Z/);
      // A missing quarter-hour in the PT15M day.
      const q = csvError(() => parse(LINES.filter((_, k) => k !== 40)));
      expect(q.message).toMatch(/gap: no price for 2024-06-02T03:45:00.000Z/);
    });

    it('duplicate (also a PT15M row inside a PT60M hour)', () => {
      const dup = [...LINES.slice(0, 5), LINES[4]!, ...LINES.slice(5)];
      const e = csvError(() => parse(dup));
      expect([e.line, e.column]).toEqual([6, 'DateTime(UTC)']);
      expect(e.message).toMatch(/duplicate price for 2024-06-01T03:00:00.000Z \(also line 5\)/);
      const overlap = [...LINES, LINES[30]!.replace('2024-06-02 01:15:00', '2024-06-01 01:15:00')];
      const o = csvError(() => parse(overlap));
      expect(o.line).toBe(LINES.length + 1);
      expect(o.message).toMatch(/also line 3/);
    });

    it('unsupported or misaligned resolution, wrong currency, broken quotes, short rows', () => {
      const r = csvError(() => parse(withField(3, 'ResolutionCode', 'P1D')));
      expect([r.line, r.column, r.value]).toEqual([3, 'ResolutionCode', 'P1D']);
      const m = csvError(() => parse(withField(3, 'DateTime(UTC)', '2024-06-01 01:15:00')));
      expect(m.message).toMatch(/PT60M period must start on a multiple of 60 minutes/);
      const c = csvError(() => parse(withField(4, 'Currency', 'PLN')));
      expect([c.line, c.column, c.value]).toEqual([4, 'Currency', 'PLN']);
      const q = csvError(() => parse(withField(5, 'AreaDisplayName', '"DE-LU')));
      expect(q.line).toBe(5);
      expect(q.message).toMatch(/unterminated quoted field/);
      const short = LINES.map((l, k) => (k === 8 ? l.split('\t').slice(0, 5).join('\t') : l));
      const s = csvError(() => parse(short));
      expect([s.line, s.column]).toEqual([9, 'MapCode']);
    });

    it('a row with more fields than the header (an unquoted delimiter would shift its columns)', () => {
      const longer = LINES.map((l, k) => (k === 6 ? `${l}\t7` : l));
      const e = csvError(() => parse(longer));
      expect([e.line, e.column, e.value]).toEqual([7, undefined, '7']);
      expect(e.message).toMatch(/12 fields, the header has 11 columns/);
      // Comma-separated, an unquoted comma inside the area name: without the area column (nothing
      // else to trip over) the price column read the next field, 1 EUR/MWh, without a word.
      const H = 'DateTime(UTC),ResolutionCode,AreaDisplayName,Sequence,Price[Currency/MWh]';
      const rows = Array.from({ length: 24 }, (_, h) => {
        const name = h === 5 ? 'Germany, Luxembourg' : '"Germany, Luxembourg"';
        return `2024-06-01 ${String(h).padStart(2, '0')}:00:00,PT60M,${name},1,50.00`;
      });
      const c = csvError(() =>
        parseEntsoePriceCsv([H, ...rows].join('\n'), { startDay: '2024-06-01', days: 1 }),
      );
      expect(c.line).toBe(7);
      expect(c.message).toMatch(/6 fields, the header has 5 columns/);
    });

    it('a column the import reads that the header names twice', () => {
      // The last of the two was read without a word: 0.05 EUR/MWh where the first said 50.00.
      const H = 'DateTime(UTC),ResolutionCode,Price[Currency/MWh],Price [Currency/MWh]';
      const rows = Array.from(
        { length: 24 },
        (_, h) => `2024-06-01 ${String(h).padStart(2, '0')}:00:00,PT60M,50.00,0.05`,
      );
      const e = csvError(() =>
        parseEntsoePriceCsv([H, ...rows].join('\n'), { startDay: '2024-06-01', source: 'x.csv' }),
      );
      expect([e.line, e.column]).toEqual([1, 'Price[Currency/MWh]']);
      expect(e.message).toMatch(/named twice in the header \(columns 3 and 4\)/);
      // A repeated column nothing reads is no matter.
      const other = LINES.map((l) => `${l}\t${l.split('\t')[3]}`);
      other[0] = `${HEADER}\tAreaDisplayName`;
      expect(parse(other).priceTicks).toHaveLength(192);
    });

    it('a price outside the limits it is given (a price in EUR/kWh or ct/kWh, a typo)', () => {
      const limits = { priceMinEur: -500, priceMaxEur: 4000 };
      const hi = csvError(() => parse(withField(7, 'Price[Currency/MWh]', '1000000'), limits));
      expect([hi.line, hi.column, hi.value]).toEqual([7, 'Price[Currency/MWh]', '1000000']);
      expect(hi.message).toMatch(/outside -500 … 4000 EUR\/MWh/);
      const lo = csvError(() => parse(withField(4, 'Price[Currency/MWh]', '-500.01'), limits));
      expect([lo.line, lo.value]).toEqual([4, '-500.01']);
      // At the limits is inside.
      expect(parse(withField(4, 'Price[Currency/MWh]', '-500'), limits).priceTicks[8]).toBe(-50000);
      expect(parse(withField(4, 'Price[Currency/MWh]', '4000.00'), limits).priceTicks[8]).toBe(400000);
    });

    it('empty file', () => {
      expect(csvError(() => parseEntsoePriceCsv('', { startDay: '2024-06-01' })).line).toBe(1);
      expect(csvError(() => parse([HEADER])).message).toMatch(/no price rows/);
    });
  });
});
