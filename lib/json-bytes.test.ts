import { describe, expect, it } from 'vitest';
import { JSON_BYTES_UNSUPPORTED, writeJsonBytes } from './json-bytes.js';
import { RandomStream } from './random.js';

/** The bytes written for `value`, or undefined when the writer gave up. */
function bytesOf(value: unknown, room = 1 << 16): string | undefined {
  const buf = Buffer.alloc(room + 8, 0xff);
  const end = writeJsonBytes(value, buf.subarray(0, room + 4) as Buffer, 4);
  if (end === JSON_BYTES_UNSUPPORTED) return undefined;
  expect(buf.subarray(0, 4)).toEqual(Buffer.alloc(4, 0xff));
  return buf.subarray(4, end).toString('utf8');
}

const TRICKY_STRINGS = [
  '',
  'plain',
  'quote " and backslash \\',
  'tab\tnewline\ncr\rnul\u0000unit\u001f',
  'del \u007f',
  'é ü ß',
  '€ 漢字',
  'emoji 😀',
  'lone high \ud800 and low \udc00',
  '</script>',
];

const TRICKY_NUMBERS = [
  0,
  -0,
  1,
  -1,
  9,
  10,
  99,
  100,
  1795276800026,
  -1795276800026,
  Number.MAX_SAFE_INTEGER,
  -Number.MAX_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER + 2,
  1e20,
  1e21,
  1.5,
  -0.1,
  0.1 + 0.2,
  1e-7,
  5e-324,
  Number.MAX_VALUE,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
];

describe('writeJsonBytes', () => {
  it('writes the bytes of JSON.stringify for strings, numbers, literals and nesting', () => {
    for (const s of TRICKY_STRINGS) expect(bytesOf(s)).toBe(JSON.stringify(s));
    for (const n of TRICKY_NUMBERS) expect(bytesOf(n)).toBe(JSON.stringify(n));
    for (const v of [true, false, null, [], {}, [[[]]], { a: { b: { c: [1, 'x', null] } } }])
      expect(bytesOf(v)).toBe(JSON.stringify(v));
  });

  it('leaves out what JSON.stringify leaves out, in objects, and writes null for it in arrays', () => {
    const v = {
      a: undefined,
      b: () => 1,
      c: Symbol('s'),
      d: 1,
      list: [undefined, () => 1, Symbol('t'), 2],
      [Symbol('key')]: 3,
    };
    expect(bytesOf(v)).toBe(JSON.stringify(v));
    const holes: unknown[] = [1];
    holes[2] = 3; // a hole at index 1
    expect(bytesOf(holes)).toBe(JSON.stringify(holes));
  });

  it('keeps JSON.stringify key order (integer keys first) and escapes keys', () => {
    const v = { b: 1, 10: 'ten', a: 2, 2: 'two', '01': 'not an index', 'k"ey\n': 3, é: 4 };
    expect(bytesOf(v)).toBe(JSON.stringify(v));
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { x: 1, y: [2] });
    expect(bytesOf(bare)).toBe(JSON.stringify(bare));
  });

  it('gives up on what is not plain data, so the caller asks JSON.stringify', () => {
    for (const v of [
      new Date(0),
      { at: new Date(0) },
      { toJSON: () => 'x' },
      new Map([[1, 2]]),
      [new Uint8Array([1, 2])],
      { n: new Number(1) },
      { n: 1n },
      new (class Point {
        x = 1;
      })(),
    ])
      expect(bytesOf(v)).toBeUndefined();
  });

  it('gives up when the bytes do not fit, and never writes before its offset', () => {
    const v = { seq: 1, type: 'accepted', note: 'x'.repeat(100), price: 12.5, list: [1, 2, 3] };
    const exact = Buffer.byteLength(JSON.stringify(v));
    expect(bytesOf(v, exact)).toBe(JSON.stringify(v));
    for (let room = 0; room < exact; room++) expect(bytesOf(v, room)).toBeUndefined();
    expect(bytesOf({ s: 'é'.repeat(50) }, 60)).toBeUndefined();
  });

  it('matches JSON.stringify on random nested values', () => {
    const rng = RandomStream.fromSeed(20261130);
    const pick = <T>(xs: readonly T[]): T => xs[rng.int(0, xs.length - 1)]!;
    const value = (depth: number): unknown => {
      const kind = rng.int(0, depth > 3 ? 4 : 7);
      if (kind === 0) return pick(TRICKY_STRINGS) + rng.int(0, 9);
      if (kind === 1) return pick(TRICKY_NUMBERS);
      if (kind === 2) return rng.int(-1e6, 1e6) * (rng.int(0, 1) ? 1 : 0.01);
      if (kind === 3) return pick([true, false, null, undefined]);
      if (kind === 4) return `id-${rng.int(0, 1000)}`;
      if (kind === 5) return Array.from({ length: rng.int(0, 4) }, () => value(depth + 1));
      const o: Record<string, unknown> = {};
      for (let i = rng.int(0, 5); i > 0; i--)
        o[pick(['a', 'seq', 't', '7', 'k"q', 'ü', 'x'])] = value(depth + 1);
      return o;
    };
    for (let i = 0; i < 3000; i++) {
      const v = value(0);
      expect(bytesOf(v)).toBe(JSON.stringify(v));
    }
  });
});
