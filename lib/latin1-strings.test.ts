// The content of every string stays the same; only V8's in-memory form changes, which a test cannot
// observe, so this checks the contract around it: same text, same structure, rewritten in place,
// cycles and non-plain objects handled.
import { describe, expect, it } from 'vitest';
import { compactString, compactStrings } from './latin1-strings.js';

describe('compactString / compactStrings', () => {
  it('keeps the text of Latin-1 and wider strings', () => {
    const two = 'x — liquidity'.slice(4);
    expect(compactString(two)).toBe('liquidity');
    expect(compactString('prix €')).toBe('prix €');
    expect(compactString('café ½')).toBe('café ½');
    expect(compactString('')).toBe('');
  });

  it('rewrites string values of plain objects and arrays in place, leaving other values alone', () => {
    const date = new Date(0);
    class Box {
      constructor(public s: string) {}
    }
    const box = new Box('— a');
    const cfg = {
      name: 'pace — 3 days'.slice(0, 4),
      agents: [{ id: 'liquidity', params: { levels: 15, tags: ['a', 'b €'] } }],
      date,
      box,
      none: null,
      flag: true,
    };
    const self: Record<string, unknown> = { cfg };
    (cfg as Record<string, unknown>).self = self;
    const out = compactStrings(cfg);
    expect(out).toBe(cfg);
    expect(cfg.name).toBe('pace');
    expect(cfg.agents[0]!.id).toBe('liquidity');
    expect(cfg.agents[0]!.params.tags).toEqual(['a', 'b €']);
    expect(cfg.date).toBe(date);
    expect(box.s).toBe('— a');
    expect(cfg.flag).toBe(true);
  });
});
