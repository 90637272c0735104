// How `flexarena agent` ends when the strategy's own code threw: one line naming the strategy, the
// method and the wake-up, then the frames of what it threw (a bug, so where it is), exit code 1.
// Before, runAgent rejected with the strategy's bare error, printed as an untyped stack.
import { describe, expect, it } from 'vitest';
import { ParamError, SessionError, StrategyError } from '../agents/sdk/index.js';
import { errorExit } from './usage-errors.js';

const argv = ['node', 'flexarena', 'agent', 'buggy'];

function priceOf(): never {
  throw new TypeError("Cannot read properties of undefined (reading 'asks')");
}

describe('errorExit', () => {
  it("a StrategyError: its line, then the stack frames of the strategy's error", () => {
    let bug: unknown;
    try {
      priceOf();
    } catch (err) {
      bug = err;
    }
    const e = new StrategyError(
      'buggy',
      'decide',
      { wakeId: 8, timeMs: Date.UTC(2026, 10, 22) },
      'threw TypeError: …',
      {
        cause: bug,
      },
    );
    const { line, code } = errorExit(e, argv);
    expect(code).toBe(1);
    const lines = line!.split('\n');
    expect(lines[0]).toBe(
      'flexarena: strategy buggy: decide() at wake-up 8 (2026-11-22T00:00:00.000Z) threw TypeError: …',
    );
    expect(lines[1]).toMatch(/^\s+at priceOf .*usage-errors\.test\.ts/);
    expect(lines.slice(1).every((l) => /^\s+at /.test(l))).toBe(true);
  });

  it('other typed errors stay one line', () => {
    expect(errorExit(new SessionError(16, 'bad token'), argv)).toEqual({
      line: 'flexarena: session ended with gRPC status 16: bad token',
      code: 1,
    });
    const thrown = errorExit(new StrategyError('s', 'onWelcome', {}, 'threw "x"', { cause: 'x' }), argv);
    expect(thrown.line).toBe('flexarena: strategy s: onWelcome() threw "x"');
  });

  it("a strategy's own typed refusal (a parameter out of range) is its one line, not wrapped", () => {
    const refusal = new ParamError('lp-battery', 'endSocMwh', '50 MWh is outside the SoC range [1, 19] MWh');
    const e = new StrategyError('lp-battery', 'onWelcome', {}, `threw ParamError: ${refusal.message}`, {
      cause: refusal,
    });
    expect(errorExit(e, argv)).toEqual({ line: `flexarena: ${refusal.message}`, code: 1 });
  });
});
