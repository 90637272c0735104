import { describe, expect, it } from 'vitest';
import { readTapeAnswers } from './tape-answers.js';

describe('readTapeAnswers', () => {
  // The answers are kept as the lines they are on, and read from the tape when asked for: parsed
  // at once, a month's batches of the pace line-up held 54 MB of heap for the whole replay.
  it('reads a batch from its line when asked for, each time afresh', () => {
    const tape = [
      '{"seq":0,"type":"run-start"}',
      '{"seq":1,"type":"batch","t":0,"agent":"a","wakeId":7,"actions":[{"n":1}]}',
      '{"seq":2,"type":"missed-deadline","t":0,"agent":"b","wakeId":7}',
      '',
    ].join('\n');
    const { answers } = readTapeAnswers(tape, 't.jsonl');
    expect(answers.size).toBe(2);
    const first = answers.get('a:7');
    expect(first).toEqual({ kind: 'batch', actions: [{ n: 1 }] });
    expect(answers.get('a:7')).not.toBe(first);
    expect(answers.get('b:7')).toEqual({ kind: 'missed' });
    expect(answers.get('a:8')).toBeUndefined();
  });
});
