// The compliance checks must be able to fail: each is fed a session history that breaks its rule.
import { describe, expect, it } from 'vitest';
import type { SessionResponse } from '../gen/flexarena/v1/arena_service.js';
import { allChecks, fillsExactlyOnce, type Observed, resume } from './checks.js';
import type { SessionRecord } from './session-log.js';

function wake(wakeId: number, reportSeq: number, fills: number[] = []): SessionResponse {
  return {
    kind: {
      $case: 'wakeUp',
      value: { wakeId, reportSeq, fills: fills.map((tradeId) => ({ tradeId })) },
    },
  } as unknown as SessionResponse;
}

function observed(sessions: SessionRecord[], tapeTrades: number[]): Observed {
  return {
    sessions,
    tapeTrades,
    missedDeadlines: 0,
    faults: [],
    injected: { stale: true, duplicate: true },
    dropped: true,
    exit: { code: 0, signal: null },
  };
}

const first: SessionRecord = {
  lastReportSeq: 0,
  resumed: false,
  sent: [wake(1, 1, [10]), wake(2, 2, [11])],
  answered: [1, 2],
};

describe('compliance checks', () => {
  it('pass a resume from the last answered wake-up with every fill once', () => {
    const second: SessionRecord = {
      lastReportSeq: 2,
      resumed: true,
      sent: [wake(3, 3, [12])],
      answered: [3],
    };
    const o = observed([first, second], [10, 11, 12]);
    expect(resume(o).pass).toBe(true);
    expect(fillsExactlyOnce(o).pass).toBe(true);
  });

  it('fail a resume point below an answered wake-up: its fills would come twice', () => {
    // Resuming from 1 although wake 2 was answered: the arena re-sends wake 2's fill 11.
    const second: SessionRecord = {
      lastReportSeq: 1,
      resumed: true,
      sent: [wake(3, 3, [11, 12])],
      answered: [3],
    };
    const o = observed([first, second], [10, 11, 12]);
    expect(resume(o).detail).toMatch(/resumed from 1, below report 2/);
    expect(resume(o).pass).toBe(false);
    const fills = fillsExactlyOnce(o);
    expect(fills.pass).toBe(false);
    expect(fills.detail).toMatch(/twice: 11/);
  });

  it('fail when a trade of the tape never reached the agent, or no reconnect came', () => {
    expect(fillsExactlyOnce(observed([first], [10, 11, 13])).detail).toMatch(/missing: 13/);
    expect(resume(observed([first], [10, 11])).detail).toBe('no reconnect after the drop');
  });

  it('pass nothing for an agent that never had a session, and say why its process did not start', () => {
    // A command that could not be started: Node gives exit code -2 (minus ENOENT) and an error.
    const o: Observed = {
      ...observed([], []),
      exit: { code: -2, signal: null },
      startError: 'spawn ./no-such-agent ENOENT',
    };
    const checks = allChecks(o);
    expect(checks.filter((c) => c.pass)).toEqual([]);
    expect(checks[0]!.detail).toBe(
      'the agent never said hello (or its token was refused); its command could not be started (spawn ./no-such-agent ENOENT)',
    );
    expect(fillsExactlyOnce(o).detail).toBe('not checked: the agent never had a session');
    expect(checks.at(-1)!.detail).toBe('RunEnded not delivered; process could not be started');
  });
});
