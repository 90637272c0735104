import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ResumeFileError, StrategyStateError } from './errors.js';
import { readResumeFile, resumeOptions, unstorableAt, writeResumeFile } from './resume-file.js';
import type { Strategy } from './strategy.js';

const dir = () => mkdtempSync(join(tmpdir(), 'resume-file-'));

/** A strategy that keeps a list of what it saw, and counts its loads. */
class Keeper implements Strategy {
  readonly name = 'keeper';
  seen: unknown = [];
  loads = 0;
  decide() {
    return [];
  }
  saveState() {
    return this.seen;
  }
  loadState(state: unknown) {
    this.seen = state;
    this.loads++;
  }
}

const stateless: Strategy = { name: 'plain', decide: () => [] };

describe('readResumeFile', () => {
  it('starts at 0 without a file', () => {
    expect(readResumeFile(join(dir(), 'r'))).toEqual({ reportSeq: 0 });
  });

  it('reads the older format, a number alone', () => {
    const path = join(dir(), 'r');
    writeFileSync(path, '42\n');
    expect(readResumeFile(path)).toEqual({ reportSeq: 42 });
  });

  it('reads the report_seq, the strategy state and the answer', () => {
    const path = join(dir(), 'r');
    writeFileSync(
      path,
      JSON.stringify({ report_seq: 7, strategy: { a: [1] }, answer: { wakeId: 3, actions: [] } }),
    );
    expect(readResumeFile(path)).toEqual({
      reportSeq: 7,
      strategyState: { a: [1] },
      answer: { wakeId: 3, actions: [] },
    });
  });

  it.each([
    ['garbage', 'abc', /holds no report sequence number/],
    ['an empty file', '', /holds no report sequence number/],
    ['a negative number', '-1', /holds no report sequence number/],
    ['broken JSON', '{"report_seq": 4', /is not a resume file of the SDK/],
    [
      'a report_seq that is no whole number',
      '{"report_seq": 1.5}',
      /report_seq must be a whole number ≥ 0, got 1.5/,
    ],
    ['a missing report_seq', '{"strategy": {}}', /report_seq must be a whole number ≥ 0, got undefined/],
    [
      'an answer without actions',
      '{"report_seq": 1, "strategy": 1, "answer": {"wakeId": 1}}',
      /answer must be/,
    ],
  ])('refuses %s with a typed error naming the file', (_, text, re) => {
    const path = join(dir(), 'r');
    writeFileSync(path, text);
    const err = (() => {
      try {
        readResumeFile(path);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ResumeFileError);
    expect((err as ResumeFileError).path).toBe(path);
    expect((err as Error).message).toContain(path);
    expect((err as Error).message).toMatch(re);
  });

  it('refuses a file in a folder that does not exist, before the run', () => {
    expect(() => readResumeFile(join(dir(), 'no-such', 'r'), '--resume-file x')).toThrow(
      /^--resume-file x: its folder \S+no-such does not exist$/,
    );
  });
});

describe('writeResumeFile', () => {
  it('writes the number alone without a strategy state (the older readers still read it)', () => {
    const path = join(dir(), 'r');
    writeResumeFile(path, { reportSeq: 5 }, 'plain');
    expect(readFileSync(path, 'utf8')).toBe('5\n');
    expect(existsSync(`${path}.tmp`)).toBe(false);
  });

  it('writes the state and the answer with the number, and reads them back', () => {
    const path = join(dir(), 'r');
    const point = {
      reportSeq: 9,
      strategyState: { bid: ['da-1'], soc: { d: 1.5 }, none: null },
      answer: { wakeId: 4, actions: [] },
    };
    writeResumeFile(path, point, 'keeper');
    expect(readResumeFile(path)).toEqual(point);
  });

  it.each([
    [{ bid: new Set(['a']) }, '$.bid', /a Set/],
    [{ soc: new Map([['d', 1]]) }, '$.soc', /a Map/],
    [{ xs: [1, Number.NaN] }, '$.xs[1]', /NaN \(not a finite number\)/],
    [{ first: undefined }, '$.first', /a undefined/],
    [{ at: Number.POSITIVE_INFINITY }, '$.at', /Infinity/],
  ])(
    'refuses a state JSON cannot hold (%o) naming saveState and where, and keeps the last point',
    (state, at, re) => {
      const path = join(dir(), 'r');
      writeResumeFile(path, { reportSeq: 1, strategyState: { ok: true } }, 'keeper');
      const write = () => writeResumeFile(path, { reportSeq: 2, strategyState: state }, 'keeper');
      expect(write).toThrow(StrategyStateError);
      expect(write).toThrow(`strategy keeper: saveState() returned a value JSON cannot hold at ${at}`);
      expect(write).toThrow(re);
      expect(readResumeFile(path)).toEqual({ reportSeq: 1, strategyState: { ok: true } });
    },
  );

  it('says the file cannot be written when its temporary file is in the way', () => {
    const path = join(dir(), 'r');
    mkdirSync(`${path}.tmp`);
    expect(() => writeResumeFile(path, { reportSeq: 1 }, 'plain', '--resume-file r')).toThrow(
      /^--resume-file r cannot be written \(EISDIR\); the agent stops so as not to lose its resume point$/,
    );
  });

  it('accepts plain objects without a prototype, nested lists and null', () => {
    const o = Object.create(null) as Record<string, unknown>;
    o.a = [[1, 'x', null, false]];
    expect(unstorableAt(o)).toBeUndefined();
  });
});

describe('resumeOptions', () => {
  it('hands the saved state to loadState before the run, and stores the next one with its answer', () => {
    const path = join(dir(), 'r');
    writeFileSync(
      path,
      JSON.stringify({ report_seq: 3, strategy: ['f1'], answer: { wakeId: 2, actions: [] } }),
    );
    const s = new Keeper();
    const opts = resumeOptions(s, path);
    expect(s.loads).toBe(1);
    expect(s.seen).toEqual(['f1']);
    expect(opts.lastReportSeq).toBe(3);
    expect(opts.lastAnswer).toEqual({ wakeId: 2, actions: [] });
    s.seen = ['f1', 'f2'];
    opts.onProcessed(4, { wakeId: 3, actions: [] });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({
      report_seq: 4,
      strategy: ['f1', 'f2'],
      answer: { wakeId: 3, actions: [] },
    });
  });

  it('keeps the number alone for a strategy without saveState, also from a file with a state', () => {
    const path = join(dir(), 'r');
    writeFileSync(path, '12');
    const opts = resumeOptions(stateless, path);
    expect(opts).toMatchObject({ lastReportSeq: 12 });
    expect(opts.lastAnswer).toBeUndefined();
    opts.onProcessed(13, { wakeId: 5, actions: [] });
    expect(readFileSync(path, 'utf8')).toBe('13\n');
  });

  it('refuses a file with a state for a strategy that cannot load one', () => {
    const path = join(dir(), 'r');
    writeFileSync(path, JSON.stringify({ report_seq: 3, strategy: {} }));
    expect(() => resumeOptions(stateless, path)).toThrow(ResumeFileError);
    expect(() => resumeOptions(stateless, path)).toThrow(/strategy plain has no loadState/);
  });

  it('stores null for a saveState that returns undefined (nothing to keep yet)', () => {
    const path = join(dir(), 'r');
    const s = new Keeper();
    s.seen = undefined;
    resumeOptions(s, path).onProcessed(1);
    expect(readResumeFile(path)).toEqual({ reportSeq: 1, strategyState: null });
  });
});
