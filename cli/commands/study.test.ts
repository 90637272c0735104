// `flexarena study … > file`: the table at the end had cli-table3's colour escapes (a red heading,
// grey borders) in the file, unlike the run, evaluate and tournament tables.
import { describe, expect, it } from 'vitest';
import { formatStudy } from './study.js';

describe('formatStudy', () => {
  it('has no terminal colour codes when the output is not a terminal', () => {
    // vitest's workers write to a pipe, as a redirected `flexarena study` does.
    expect(process.stdout.isTTY).not.toBe(true);
    const table = formatStudy({
      study: 's',
      metric: 'socNeutralProfit',
      seeds: 3,
      resamples: 2000,
      variants: [],
      sizeCurve: [],
      fleetCurve: [],
    });
    expect(table).toContain('variant');
    expect(table).not.toContain('\u001b[');
  });
});
