import { join } from 'node:path';
import { loadSync } from '@grpc/proto-loader';
import { describe, expect, it } from 'vitest';
import { Action } from '../gen/flexarena/v1/session.js';
import { WIRE_FIELDS } from '../gen/flexarena/v1/wire_fields.js';
import { PROJECT_ROOT } from './project-root.js';
import {
  checkWire,
  compileWireSchema,
  expectedWireText,
  isValidUtf8,
  WireMalformed,
  type WireMismatch,
  type WireUnits,
} from './wire-check.js';

// ---- a tiny encoder for hand-made bytes ----
function varint(n: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  do {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v > 0n ? b | 0x80 : b);
  } while (v > 0n);
  return out;
}
const tag = (field: number, wt: number) => varint((field << 3) | wt);
const vint = (field: number, n: number | bigint) => [...tag(field, 0), ...varint(n)];
const len = (field: number, body: number[]) => [...tag(field, 2), ...varint(body.length), ...body];
const f64 = (field: number, x: number) => {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(x);
  return [...tag(field, 1), ...b];
};
const f32 = (field: number, x: number) => {
  const b = Buffer.alloc(4);
  b.writeFloatLE(x);
  return [...tag(field, 5), ...b];
};
const str = (field: number, s: string) => len(field, [...Buffer.from(s)]);
const bytes = (...parts: number[][]) => Uint8Array.from(parts.flat());

// ---- a table with one field of each kind ----
const TEST = compileWireSchema({
  't.Inner': [
    { number: 1, name: 'price_ticks', type: 'int64' },
    { number: 2, name: 'ratio', type: 'double' },
  ],
  't.Outer': [
    { number: 1, name: 'id', type: 'string' },
    { number: 2, name: 'count', type: 'int64' },
    { number: 3, name: 'weight', type: 'double' },
    { number: 4, name: 'share', type: 'float' },
    { number: 5, name: 'inner', type: 'message', message: 't.Inner' },
    { number: 6, name: 'items', type: 'message', repeated: true, message: 't.Inner' },
    { number: 7, name: 'ticks', type: 'int64', repeated: true },
    { number: 8, name: 'levels', type: 'double', repeated: true },
    { number: 9, name: 'flags', type: 'fixed32', repeated: true },
    { number: 10, name: 'names', type: 'string', repeated: true },
    { number: 11, name: 'on', type: 'bool' },
    { number: 12, name: 'blob', type: 'bytes' },
  ],
});
const OUTER = TEST.get('t.Outer')!;
const INNER = TEST.get('t.Inner')!;

function mismatch(b: Uint8Array): { path: string; got: number; expected: string } | undefined {
  const m = checkWire(OUTER, b);
  return m && { path: m.path, got: m.got, expected: expectedWireText(m.field) };
}

function malformed(b: Uint8Array): WireMalformed {
  try {
    checkWire(OUTER, b);
  } catch (err) {
    if (err instanceof WireMalformed) return err;
    throw err;
  }
  throw new Error('no WireMalformed');
}

describe('checkWire', () => {
  it('takes each field with the wire type of its proto type', () => {
    const ok = bytes(
      str(1, 'a'),
      vint(2, -5),
      f64(3, 81.25),
      f32(4, 0.5),
      len(5, [...vint(1, 100), ...f64(2, 1.5)]),
      len(6, vint(1, 1)),
      len(6, vint(1, 2)),
      vint(7, 3),
      f64(8, 2.5),
      [...tag(9, 5), 1, 0, 0, 0],
      str(10, 'x'),
      vint(11, 1),
    );
    expect(checkWire(OUTER, ok)).toBeUndefined();
    expect(checkWire(OUTER, new Uint8Array(0))).toBeUndefined();
  });

  it('names a field with another wire type, what it must be and what came', () => {
    expect(mismatch(bytes(str(1, 'a'), f64(2, 81.25)))).toEqual({
      path: 'count',
      got: 1,
      expected: 'wire type 0 (VARINT)',
    });
    expect(mismatch(bytes(f32(2, 0.5)))).toMatchObject({ path: 'count', got: 5 });
    expect(mismatch(bytes(str(2, '12')))).toMatchObject({ path: 'count', got: 2 });
    expect(mismatch(bytes(vint(1, 7)))).toMatchObject({ path: 'id', got: 0, expected: 'wire type 2 (LEN)' });
    expect(mismatch(bytes(vint(3, 8)))).toMatchObject({
      path: 'weight',
      got: 0,
      expected: 'wire type 1 (I64)',
    });
    expect(mismatch(bytes(f64(4, 0.5)))).toMatchObject({
      path: 'share',
      got: 1,
      expected: 'wire type 5 (I32)',
    });
    expect(mismatch(bytes(vint(5, 1)))).toMatchObject({ path: 'inner', got: 0 });
    expect(mismatch(bytes(f32(11, 1)))).toMatchObject({ path: 'on', got: 5 });
    // A group (wire type 3) where a scalar belongs: well-formed, and still not the field's type.
    expect(mismatch(bytes(tag(2, 3), vint(1, 1), tag(2, 4)))).toMatchObject({ path: 'count', got: 3 });
  });

  it('reports the first mismatch and still checks that the rest is protobuf', () => {
    expect(mismatch(bytes(f64(2, 1), vint(3, 1)))).toMatchObject({ path: 'count' });
    expect(() => checkWire(OUTER, bytes(f64(2, 1), [...tag(3, 1), 1, 2]))).toThrow(WireMalformed);
  });

  it('walks embedded messages, naming the element of a repeated one', () => {
    expect(mismatch(bytes(len(5, f64(1, 81.25))))).toEqual({
      path: 'inner.price_ticks',
      got: 1,
      expected: 'wire type 0 (VARINT)',
    });
    const items = bytes(len(6, vint(1, 1)), vint(2, 3), len(6, vint(1, 2)), len(6, vint(2, 9)));
    expect(mismatch(items)).toMatchObject({ path: 'items[2].ratio', got: 0 });
  });

  it('takes packed repeated scalars (wire type 2) and checks that they are whole values', () => {
    expect(checkWire(OUTER, bytes(len(7, [...varint(1), ...varint(300), ...varint(-1)])))).toBeUndefined();
    expect(checkWire(OUTER, bytes(len(8, [...Buffer.alloc(16)])))).toBeUndefined();
    expect(checkWire(OUTER, bytes(len(9, [1, 0, 0, 0, 2, 0, 0, 0])))).toBeUndefined();
    expect(mismatch(bytes(f32(7, 1)))).toMatchObject({
      path: 'ticks',
      expected: 'wire type 0 (VARINT) or 2 (LEN, packed)',
    });
    // A repeated string is never packed: a varint there is a mismatch.
    expect(mismatch(bytes(vint(10, 1)))).toMatchObject({ path: 'names', got: 0 });
    expect(malformed(bytes(len(7, [0x96])))).toMatchObject({ path: 'ticks' });
    expect(malformed(bytes(len(8, [...Buffer.alloc(12)]))).message).toMatch(/ticks|levels/);
    expect(malformed(bytes(len(9, [1, 0, 0]))).message).toBe(
      'flags: packed fixed32 values take 4 bytes each; got 3 bytes',
    );
  });

  it('lets unknown field numbers pass with any wire type (forward compatibility)', () => {
    const unknown = bytes(
      vint(99, 5),
      f64(100, 1),
      str(101, 'later'),
      f32(102, 1),
      [...tag(103, 3), ...vint(1, 1), ...str(2, 'g'), ...tag(103, 4)],
      len(5, [...vint(1, 1), ...f64(77, 1)]),
    );
    expect(checkWire(OUTER, unknown)).toBeUndefined();
  });

  it('throws WireMalformed for bytes that are not protobuf, naming where', () => {
    expect(malformed(bytes([...tag(2, 0), 0x80])).message).toBe(
      'count: field 2: the bytes end inside a varint',
    );
    expect(malformed(bytes([...tag(3, 1), 1, 2, 3])).message).toMatch(/^weight: .*64-bit value/);
    expect(malformed(bytes([...tag(4, 5), 1])).message).toMatch(/^share: .*32-bit value/);
    expect(malformed(bytes([...tag(1, 2), 5, 0x61])).message).toBe(
      'id: field 1: a length of 5 bytes where 1 remain',
    );
    expect(malformed(bytes(len(5, [...tag(1, 0)]))).path).toBe('inner.price_ticks');
    expect(malformed(bytes(len(6, vint(1, 1)), len(6, [...tag(2, 1), 0]))).path).toBe('items[1].ratio');
    expect(malformed(bytes(tag(50, 3), vint(1, 1))).message).toMatch(/before its end-group tag/);
    expect(malformed(bytes(tag(50, 3), tag(51, 4))).message).toMatch(
      /closed by an end-group tag of field 51/,
    );
    expect(malformed(bytes(tag(2, 4))).message).toMatch(/end-group tag without its start/);
    expect(malformed(bytes(tag(2, 6), [0])).message).toMatch(/wire type 6 does not exist/);
    expect(malformed(bytes(tag(2, 7), [0])).message).toMatch(/wire type 7 does not exist/);
    expect(malformed(bytes([0x00, 0x01])).message).toMatch(/field number 0/);
    expect(malformed(bytes([0x80, 0x80])).message).toMatch(/tag: the bytes end inside a varint/);
    expect(malformed(bytes(tag(2, 0), Array(11).fill(0x80))).message).toMatch(/longer than 10 bytes/);
    // An embedded message's bytes that end inside its own bounds, though the buffer goes on.
    expect(malformed(bytes(len(5, [...tag(1, 0), 0x80]), vint(2, 1))).path).toBe('inner.price_ticks');
  });

  it('splits the walk at a unit type: each unit reports its own mismatch, by index', () => {
    const seen: [number, string | undefined, number][] = [];
    let parents = 0;
    const units: WireUnits = {
      unit: INNER,
      onParent: () => {
        parents++;
        seen.length = 0;
      },
      onUnit: (i, m: WireMismatch | undefined, start, end) => seen.push([i, m?.path, end - start]),
    };
    const b = bytes(len(6, vint(1, 1)), len(6, f64(1, 2)), vint(2, 1), len(6, vint(1, 3)), f64(2, 1));
    // A mismatch outside the units is the whole's; the units' are theirs.
    expect(checkWire(OUTER, b, 0, b.length, units)?.path).toBe('count');
    expect(parents).toBe(1);
    expect(seen).toEqual([
      [0, undefined, 2],
      [1, 'price_ticks', 9],
      [2, undefined, 2],
    ]);
  });
});

const utf8Of = (...b: number[]) => isValidUtf8(Uint8Array.from(b), 0, b.length);

describe('isValidUtf8', () => {
  it('takes ASCII and well-formed multi-byte sequences, up to U+10FFFF', () => {
    expect(utf8Of()).toBe(true);
    for (const s of [
      'ID-2026-12-03T10:15',
      'é',
      '€',
      '日本語',
      '𝄞',
      'a€b𝄞c',
      '\u{10FFFF}',
      '\u{D7FF}\u{E000}',
    ])
      expect(isValidUtf8(Buffer.from(s), 0, Buffer.byteLength(s)), s).toBe(true);
    expect(utf8Of(0x7f, 0xc2, 0x80, 0xdf, 0xbf, 0xe0, 0xa0, 0x80, 0xf4, 0x8f, 0xbf, 0xbf)).toBe(true);
  });

  it('refuses overlong forms', () => {
    expect(utf8Of(0xc0, 0x80)).toBe(false); // NUL in two bytes
    expect(utf8Of(0xc1, 0xbf)).toBe(false);
    expect(utf8Of(0xe0, 0x80, 0x80)).toBe(false);
    expect(utf8Of(0xe0, 0x9f, 0xbf)).toBe(false); // U+07FF in three bytes
    expect(utf8Of(0xf0, 0x80, 0x80, 0x80)).toBe(false);
    expect(utf8Of(0xf0, 0x8f, 0xbf, 0xbf)).toBe(false); // U+FFFF in four bytes
  });

  it('refuses surrogates and code points above U+10FFFF', () => {
    expect(utf8Of(0xed, 0xa0, 0x80)).toBe(false); // U+D800
    expect(utf8Of(0xed, 0xbf, 0xbf)).toBe(false); // U+DFFF
    expect(utf8Of(0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80)).toBe(false); // a CESU-8 pair
    expect(utf8Of(0xf4, 0x90, 0x80, 0x80)).toBe(false); // U+110000
    expect(utf8Of(0xf5, 0x80, 0x80, 0x80)).toBe(false);
  });

  it('refuses truncated sequences, stray continuation bytes and bytes UTF-8 never uses', () => {
    expect(utf8Of(0xc3)).toBe(false);
    expect(utf8Of(0xe2, 0x82)).toBe(false);
    expect(utf8Of(0xf0, 0x9f, 0x98)).toBe(false);
    expect(utf8Of(0xe2, 0x82, 0x41)).toBe(false); // cut short by an ASCII byte
    expect(utf8Of(0x61, 0x80)).toBe(false);
    expect(utf8Of(0xbf, 0x61)).toBe(false);
    expect(utf8Of(0x61, 0xfe)).toBe(false);
    expect(utf8Of(0xff)).toBe(false);
  });

  it('looks only at its range of the buffer', () => {
    const b = Uint8Array.from([0xff, 0x61, 0xe2, 0x82, 0xac, 0xc3]);
    expect(isValidUtf8(b, 1, 5)).toBe(true);
    expect(isValidUtf8(b, 0, 5)).toBe(false);
    expect(isValidUtf8(b, 1, 6)).toBe(false);
    expect(isValidUtf8(b, 2, 4)).toBe(false); // '€' cut by the range's end
  });

  it('agrees with a fatal TextDecoder on random bytes', () => {
    const fatal = new TextDecoder('utf-8', { fatal: true });
    let seed = 42;
    const next = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    // Code points at the edges of each encoded length and of the surrogates.
    const points = [0x41, 0x7f, 0x80, 0x7ff, 0x800, 0xd7ff, 0xe000, 0xfffd, 0xffff, 0x10000, 0x10ffff];
    let invalid = 0;
    for (let n = 0; n < 5000; n++) {
      const text = Array.from({ length: 1 + (next() % 4) }, () =>
        String.fromCodePoint(points[next() % points.length]!),
      ).join('');
      const b = new Uint8Array(Buffer.from(text));
      // Half of them spoilt: one byte replaced by any byte, or the last one cut off.
      const spoil = next() % 4;
      if (spoil === 0) b[next() % b.length] = next() & 0xff;
      const input = spoil === 1 ? b.subarray(0, b.length - 1) : b;
      let expected = true;
      try {
        fatal.decode(input);
      } catch {
        expected = false;
        invalid++;
      }
      expect(isValidUtf8(input, 0, input.length), Buffer.from(input).toString('hex')).toBe(expected);
    }
    expect(invalid).toBeGreaterThan(500);
    expect(invalid).toBeLessThan(4500);
  });
});

describe('checkWire: strings must be UTF-8', () => {
  const raw = (field: number, body: number[]) => len(field, body);

  it('reports a string field whose bytes are not UTF-8, with where they are', () => {
    const b = bytes(vint(2, 1), raw(1, [0x70, 0xff, 0x31]));
    const m = checkWire(OUTER, b);
    expect(m).toMatchObject({ path: 'id', got: 2, invalidUtf8: { start: 4, end: 7 } });
    expect(m?.field.name).toBe('id');
    expect(checkWire(OUTER, bytes(str(1, 'p€1'), str(10, '𝄞')))).toBeUndefined();
  });

  it('names the element of a repeated string and the path of a nested one', () => {
    expect(checkWire(OUTER, bytes(str(10, 'a'), str(10, 'b'), raw(10, [0xc0, 0x80])))?.path).toBe('names[2]');
    const nested = compileWireSchema({
      'n.Leaf': [{ number: 1, name: 'product_id', type: 'string' }],
      'n.Root': [{ number: 2, name: 'leaves', type: 'message', repeated: true, message: 'n.Leaf' }],
    }).get('n.Root')!;
    const b = bytes(len(2, str(1, 'ok')), len(2, raw(1, [0xed, 0xa0, 0x80])));
    expect(checkWire(nested, b)).toMatchObject({
      path: 'leaves[1].product_id',
      invalidUtf8: { start: 10, end: 13 },
    });
  });

  it('leaves bytes fields and unknown field numbers as they are', () => {
    expect(checkWire(OUTER, bytes(raw(12, [0xff, 0xfe, 0xc0]), raw(99, [0xff])))).toBeUndefined();
    expect(
      compileWireSchema({ x: [{ number: 1, name: 'b', type: 'bytes' }] })
        .get('x')!
        .field('b').utf8,
    ).toBe(false);
  });

  it('reports whichever comes first: a bad string or a wrong wire type', () => {
    expect(checkWire(OUTER, bytes(raw(1, [0xff]), f64(2, 1)))?.path).toBe('id');
    expect(checkWire(OUTER, bytes(f64(2, 1), raw(1, [0xff])))?.path).toBe('count');
  });

  it('gives a unit its own bad string', () => {
    const strings = compileWireSchema({
      's.Act': [{ number: 1, name: 'client_ref', type: 'string' }],
      's.Batch': [{ number: 2, name: 'actions', type: 'message', repeated: true, message: 's.Act' }],
    });
    const seen: [number, string | undefined][] = [];
    const units: WireUnits = {
      unit: strings.get('s.Act')!,
      onParent: () => {},
      onUnit: (i, m) => seen.push([i, m?.path]),
    };
    const b = bytes(len(2, str(1, 'a')), len(2, raw(1, [0xe2, 0x82])), len(2, str(1, 'c')));
    expect(checkWire(strings.get('s.Batch')!, b, 0, b.length, units)).toBeUndefined();
    expect(seen).toEqual([
      [0, undefined],
      [1, 'client_ref'],
      [2, undefined],
    ]);
  });
});

describe('the generated table (gen/flexarena/v1/wire_fields.ts)', () => {
  it('has every field of every message of proto/, with its number, type and label', () => {
    // An independent reading of the .proto files (protobufjs, through @grpc/proto-loader): the
    // table must say the same, so a field added to a .proto without regenerating fails here.
    const pkg = loadSync(
      ['flexarena/v1/arena_service.proto', 'flexarena/v1/evaluation.proto', 'flexarena/v1/public.proto'],
      { includeDirs: [join(PROJECT_ROOT, 'proto')], keepCase: true },
    );
    const fromProto: Record<
      string,
      { number: number; name: string; type: string; repeated?: boolean; message?: string }[]
    > = {};
    for (const [name, def] of Object.entries(pkg)) {
      const d = def as { type?: { field?: unknown[] }; format?: string };
      if (d.format !== 'Protocol Buffer 3 DescriptorProto' || !name.startsWith('flexarena.')) continue;
      fromProto[name] = (
        d.type!.field as { name: string; number: number; type: string; label: string; typeName: string }[]
      )
        .map((f) => {
          const type = f.type.replace(/^TYPE_/, '').toLowerCase();
          return {
            number: f.number,
            name: f.name,
            type,
            ...(f.label === 'LABEL_REPEATED' ? { repeated: true } : {}),
            // proto-loader names a message type of the same package without the package.
            ...(type === 'message'
              ? {
                  message: f.typeName.includes('.')
                    ? f.typeName
                    : `${name.replace(/\.[^.]+$/, '')}.${f.typeName}`,
                }
              : {}),
          };
        })
        .sort((a, b) => a.number - b.number);
    }
    expect(Object.keys(fromProto).length).toBeGreaterThan(50);
    expect(WIRE_FIELDS).toEqual(fromProto);
    // The UTF-8 check follows the proto type: every string field of proto/ is checked, bytes never.
    const schema = compileWireSchema(WIRE_FIELDS);
    let strings = 0;
    for (const [name, fields] of Object.entries(fromProto))
      for (const f of fields) {
        expect(schema.get(name)!.fields[f.number]!.utf8, `${name}.${f.name}`).toBe(f.type === 'string');
        if (f.type === 'string') strings++;
      }
    expect(strings).toBeGreaterThan(50);
  });

  it('finds no mismatch in what the generated encoders write', () => {
    const schema = compileWireSchema(WIRE_FIELDS);
    const action = schema.get('flexarena.v1.Action')!;
    const actions: Action[] = [
      {
        clientRef: 'a',
        kind: {
          $case: 'submit',
          value: {
            productId: 'p',
            side: 1,
            priceTicks: -8125,
            quantityLots: 3,
            timeInForce: 1,
            restriction: 1,
            peakLots: 1,
          },
        },
      },
      {
        clientRef: 'b',
        kind: { $case: 'modify', value: { orderId: 2 ** 40, priceTicks: 1, quantityLots: 1 } },
      },
      { clientRef: 'c', kind: { $case: 'cancel', value: { orderId: 9 } } },
      {
        clientRef: 'd',
        kind: {
          $case: 'auctionBid',
          value: {
            auctionId: 'da',
            bidId: 'b',
            bid: {
              $case: 'curve',
              value: {
                period: 3,
                interpolation: 2,
                points: [
                  { priceTicks: -5, quantityLots: -2 },
                  { priceTicks: 9, quantityLots: 4 },
                ],
              },
            },
          },
        },
      },
      {
        clientRef: 'e',
        kind: {
          $case: 'auctionBid',
          value: {
            auctionId: 'da',
            bidId: 'k',
            bid: {
              $case: 'block',
              value: { side: 2, firstPeriod: 1, lastPeriod: 4, priceTicks: 7, quantityLots: 1 },
            },
          },
        },
      },
      { clientRef: 'f', kind: { $case: 'cancelAuctionBid', value: { auctionId: 'da', bidId: 'b' } } },
      {
        clientRef: 'g',
        kind: {
          $case: 'capacityBid',
          value: { productId: 'c', direction: 1, quantityLots: 2, priceTicks: 3, indivisible: true },
        },
      },
      {
        clientRef: 'h',
        kind: {
          $case: 'energyBid',
          value: { productId: 'e', direction: 2, quantityLots: 2, priceTicks: -3 },
        },
      },
    ].map((a) => Action.fromPartial(a as Action));
    for (const a of actions)
      expect(checkWire(action, Action.encode(a).finish()), a.clientRef).toBeUndefined();
  });
});
