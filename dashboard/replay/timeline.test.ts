import { describe, expect, it } from 'vitest';
import { compacted, indexAfter, type TimedMessage } from './timeline.js';

const m = (t: number, subject: string, supersedes?: string): TimedMessage => ({
  t,
  subject,
  data: `${subject}@${t}`,
  ...(supersedes ? { supersedes } : {}),
});

describe('timeline', () => {
  const messages = [
    m(0, 'run'),
    m(0, 'clock', 'clock'),
    m(10, 'book.a', 'book:a'),
    m(10, 'trades.a'),
    m(10, 'clock', 'clock'),
    m(20, 'book.a', 'book:a'),
    m(20, 'book.b', 'book:b'),
    m(20, 'clock', 'clock'),
    m(30, 'settlement'),
  ];

  it('finds the first message after a time', () => {
    expect(indexAfter(messages, -1)).toBe(0);
    expect(indexAfter(messages, 0)).toBe(2);
    expect(indexAfter(messages, 15)).toBe(5);
    expect(indexAfter(messages, 30)).toBe(9);
  });

  it('keeps every message but the superseded book depths and clock ticks, in order', () => {
    expect(compacted(messages, 0, 9).map((x) => x.data)).toEqual([
      'run@0',
      'trades.a@10',
      'book.a@20',
      'book.b@20',
      'clock@20',
      'settlement@30',
    ]);
    // Only within the range: the book of t=10 is the last one before 15.
    expect(compacted(messages, 0, indexAfter(messages, 15)).map((x) => x.data)).toEqual([
      'run@0',
      'book.a@10',
      'trades.a@10',
      'clock@10',
    ]);
  });
});
