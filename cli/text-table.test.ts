import { describe, expect, it } from 'vitest';
import { fixed } from './text-table.js';

describe('fixed', () => {
  it('shows a small negative value that rounds to zero without a sign', () => {
    expect((-0.3).toFixed(0)).toBe('-0');
    expect(fixed(-0.3, 0)).toBe('0');
    expect(fixed(-0.004, 2)).toBe('0.00');
    expect(fixed(-0, 1)).toBe('0.0');
  });

  it('keeps the sign of every value that does not show as zero', () => {
    expect(fixed(-0.5, 0)).toBe('-1');
    expect(fixed(-0.006, 2)).toBe('-0.01');
    expect(fixed(-12.34, 1)).toBe('-12.3');
    expect(fixed(7.25, 1)).toBe((7.25).toFixed(1));
  });
});
