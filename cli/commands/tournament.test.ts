import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseWorkerTimeout } from './tournament.js';

describe('--worker-timeout', () => {
  it('takes seconds ≥ 0 as given, 0 meaning wait forever', () => {
    expect(parseWorkerTimeout('0')).toBe(0);
    expect(parseWorkerTimeout('2.5')).toBe(2.5);
    expect(parseWorkerTimeout('600')).toBe(600);
  });

  it('refuses what is not a number of seconds ≥ 0, naming the flag and the limit', () => {
    for (const bad of ['-1', 'soon', '', 'Infinity', 'NaN'])
      expect(() => parseWorkerTimeout(bad), bad).toThrow(InvalidArgumentError);
    expect(() => parseWorkerTimeout('-1')).toThrow(
      '--worker-timeout must be a number of seconds ≥ 0 (0: wait forever), got "-1"',
    );
  });
});
