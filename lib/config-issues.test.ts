import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { configIssues } from './config-issues.js';

const asset = z.object({ type: z.literal('battery'), powerMw: z.number(), energyMwh: z.number() }).strict();
const issuesOf = (doc: unknown) => {
  const r = asset.safeParse(doc);
  if (r.success) throw new Error('expected a refusal');
  return configIssues(r.error, doc, 'agents[1].asset');
};

describe('configIssues', () => {
  it('says that a required field is missing, not "received undefined"', () => {
    // A field typed with the wrong case (powerMW) is unknown, and the field it meant is missing:
    // "Invalid input: expected number, received undefined" did not say that the field is required.
    expect(issuesOf({ type: 'battery', powerMW: 10, energyMwh: 20 })).toEqual([
      { path: 'agents[1].asset.powerMw', message: 'missing: a required field (a number)' },
      { path: 'agents[1].asset.powerMW', message: 'unknown field "powerMW"', value: 10 },
    ]);
  });

  it('keeps the value and what was expected for a field of the wrong type', () => {
    expect(issuesOf({ type: 'battery', powerMw: 'ten', energyMwh: 20 })).toEqual([
      {
        path: 'agents[1].asset.powerMw',
        message: 'Invalid input: expected number, received string',
        value: 'ten',
      },
    ]);
  });
});
