import { describe, expect, it } from 'vitest';
import { ConfigError, type ConfigIssue } from '../../lib/errors.js';
import { PHASE } from '../core/phases.js';
import { Simulation } from '../core/simulation.js';
import { unitContext } from '../core/test-support.js';
import { bidGates } from '../venues/gate-times.js';
import { createVenues } from '../venues/registry.js';
import { parseRunConfig } from './run-config.js';

const OFF = { auctions: { dayAhead: false, intraday: false }, balancing: { enabled: false } };

function doc(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { day: '2026-11-22', nats: { enabled: false }, agents: [{ id: 'a', strategy: 'idle' }], ...extra };
}

/** The issues of `d`, which must be refused. */
function issuesOf(d: Record<string, unknown>): ConfigIssue[] {
  try {
    parseRunConfig(d, 'test.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).issues;
  }
  throw new Error('expected a ConfigError');
}

function startIssue(d: Record<string, unknown>): string {
  const issues = issuesOf(d);
  expect(issues.map((i) => i.path)).toEqual(['simStartHoursBeforeDay']);
  return issues[0]!.message;
}

describe('the clock starts before every gate of the run', () => {
  it('refuses a start after the day-ahead, IDA1 and capacity gates, naming each, the limit and the switches', () => {
    const issues = issuesOf(doc({ simStartHoursBeforeDay: 4 }));
    expect(issues).toEqual([
      {
        path: 'simStartHoursBeforeDay',
        value: 4,
        message:
          'starts the clock at 2026-11-21 20:00 UTC, at or after the gate closure of the aFRR capacity auction for ' +
          '2026-11-22 (2026-11-21 09:00 UTC), the day-ahead auction da-20261122 (2026-11-21 12:00 UTC) and the ' +
          'intraday auction ida1-20261122 (2026-11-21 15:00 UTC): their bids could not be placed before they ' +
          'close; start at least 15.25 h before the day (simStartHoursBeforeDay >= 15.25) or move or switch off ' +
          'those gates (a smaller market.balancing.capacityGateHoursBeforeDay, or market.balancing.enabled: false; ' +
          'market.auctions.dayAhead: false; market.auctions.intraday: false)',
      },
    ]);
    expect(String(new ConfigError('run.yaml', issues).message.split('\n')[1])).toMatch(
      /^ {2}- simStartHoursBeforeDay: starts the clock at .* \(got 4\)$/,
    );
  });

  it('refuses a gate at the start itself: it clears before the first decision point', () => {
    const market = { auctions: { intraday: false }, balancing: { enabled: false } };
    expect(startIssue(doc({ simStartHoursBeforeDay: 12, market }))).toMatch(
      /^starts the clock at 2026-11-21 12:00 UTC, at or after the gate closure of the day-ahead auction da-20261122 \(2026-11-21 12:00 UTC\): its bids could not be placed before it closes; start at least 12.25 h before the day \(simStartHoursBeforeDay >= 12.25\) or move or switch off that gate \(market.auctions.dayAhead: false\)$/,
    );
    expect(parseRunConfig(doc({ simStartHoursBeforeDay: 12.25, market })).simStartHoursBeforeDay).toBe(12.25);
    // The smallest start is on the decision grid.
    expect(startIssue(doc({ simStartHoursBeforeDay: 12, decisionIntervalMinutes: 60, market }))).toContain(
      'simStartHoursBeforeDay >= 13)',
    );
  });

  it('lets a continuous book that opened before the start simply be open at the start', () => {
    // Quarter-hours open 8 h, hours 9 h before the day: both before a start 4 h before it.
    const cfg = parseRunConfig(doc({ simStartHoursBeforeDay: 4, market: OFF }));
    expect(cfg.simStartHoursBeforeDay).toBe(4);
  });

  it("refuses a start after a continuous product's gate closure and after balancing energy gates", () => {
    expect(startIssue(doc({ simStartHoursBeforeDay: 0, market: OFF }))).toBe(
      'starts the clock at 2026-11-22 00:00 UTC, at or after the gate closure of continuous trading of ' +
        'h-20261122-0000 (2026-11-21 23:55 UTC): its bids could not be placed before it closes; start at least ' +
        '0.25 h before the day (simStartHoursBeforeDay >= 0.25) or move or switch off that gate (a smaller ' +
        'market.cid.localGateMinutes)',
    );
    expect(parseRunConfig(doc({ simStartHoursBeforeDay: 0.25, market: OFF })).simStartHoursBeforeDay).toBe(
      0.25,
    );
    const balancing = { enabled: true, capacityGateHoursBeforeDay: 0.25 };
    const message = startIssue(
      doc({ simStartHoursBeforeDay: 0.25, market: { auctions: OFF.auctions, balancing } }),
    );
    expect(message).toContain(
      'gate closure of the balancing energy bids for qh-20261122-0000 (2026-11-21 23:35 UTC) and the aFRR capacity auction for 2026-11-22 (2026-11-21 23:45 UTC)',
    );
    expect(message).toContain('simStartHoursBeforeDay >= 0.5)');
  });

  it("names the first day's gate in a run of several days", () => {
    const balancing = { enabled: true, capacityGateHoursBeforeDay: 40 };
    const message = startIssue(doc({ days: 3, market: { balancing } }));
    expect(message).toContain('the aFRR capacity auction for 2026-11-22 (2026-11-20 08:00 UTC)');
    expect(message).toContain('simStartHoursBeforeDay >= 40.25)');
    // A gate beyond the latest start can only be moved or switched off.
    const far = startIssue(doc({ market: { balancing: { capacityGateHoursBeforeDay: 72 } } }));
    expect(far).not.toContain('start at least');
    expect(far).toMatch(
      /; move or switch off that gate \(a smaller market\.balancing\.capacityGateHoursBeforeDay/,
    );
  });

  it('checks the gates only once the fields they are computed from are valid', () => {
    // A number of days beyond the limit is refused as such, without building its products.
    const issues = issuesOf(doc({ simStartHoursBeforeDay: 4, days: 100_000_000 }));
    expect(issues.map((i) => i.path)).toEqual(['days']);
  });

  it('computes the gates the venues schedule: every gate and clearing event is one of them', () => {
    const { ctx } = unitContext(doc({ days: 2 }));
    const gates = new Set(bidGates(ctx.cfg).map((g) => g.timeMs));
    const events = createVenues(ctx).all.flatMap((v) => v.scheduledEvents());
    const gateEvents = events.filter((e) => e.phase === PHASE.GATES_AND_CLEARING);
    expect(gateEvents.length).toBe(2 * 4 + 2 + 2 * 96);
    for (const e of gateEvents) expect(gates.has(e.time), e.label).toBe(true);
    // The continuous market's gate closures (its clock events are openings and closures).
    for (const p of ctx.products.all) expect(gates.has(p.gateClosureMs), p.id).toBe(true);
  });

  it('refuses a configuration built in code without the schema when the simulation is made', async () => {
    const cfg = { ...parseRunConfig(doc()), simStartHoursBeforeDay: 4 };
    const made = Simulation.create(cfg, { runId: 'late' });
    await expect(made).rejects.toBeInstanceOf(ConfigError);
    await expect(made).rejects.toThrow(/simStartHoursBeforeDay: starts the clock at 2026-11-21 20:00 UTC/);
  });
});
