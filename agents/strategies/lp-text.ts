// What the battery LPs (battery-lp.ts, battery-book-lp.ts, stochastic-lp.ts) write and check
// alike: linear expressions in CPLEX LP text and the battery's physical limits. Each LP keeps
// its own name in its error texts, so a failure still says which model refused the input.

import type { BatteryLimits } from '../../lib/index.js';

/** A check's failure: throws RangeError("<lp>: <field> <why>"). */
export type FieldError = (field: string, why: string) => never;

export function fieldError(lp: string): FieldError {
  return (field, why) => {
    throw new RangeError(`${lp}: ${field} ${why}`);
  };
}

/**
 * Coefficients as plain decimal text for the LP reader (15 significant digits, never an
 * exponent); `lp` names the model in the error for a coefficient that is not finite.
 */
export function lpNumber(lp: string): (x: number) => string {
  return (x) => {
    if (!Number.isFinite(x)) throw new RangeError(`${lp} coefficient ${x} is not finite`);
    if (Math.abs(x) < 1e-12) return '0';
    const text = String(Number(x.toPrecision(15)));
    return /e/i.test(text) ? x.toFixed(12).replace(/0+$/, '').replace(/\.$/, '') : text;
  };
}

/**
 * A linear expression from (coefficient, variable) terms, e.g. "2.5 d0 - 2.5 c0"; zero
 * coefficients are left out, and an expression with no term left is `empty`.
 */
export function linearExpr(
  terms: Iterable<readonly [number, string]>,
  num: (x: number) => string,
  empty: string,
): string {
  const parts: string[] = [];
  for (const [coef, v] of terms) {
    if (coef === 0) continue;
    const sign = coef < 0 ? '-' : '+';
    parts.push(`${parts.length === 0 && sign === '+' ? '' : `${sign} `}${num(Math.abs(coef))} ${v}`);
  }
  return parts.length ? parts.join(' ') : empty;
}

/** Period length and power, for the LPs whose periods all last the problem's `hours`. */
export function checkPeriodAndPower(p: Pick<BatteryLimits, 'hours' | 'powerMw'>, bad: FieldError): void {
  if (!(p.hours > 0)) bad('hours', 'must be > 0');
  if (!(p.powerMw >= 0)) bad('powerMw', 'must be >= 0');
}

/** Efficiencies in (0, 1] and an SoC range that is not empty. */
export function checkEfficiencyAndSoc(
  p: Pick<BatteryLimits, 'etaCharge' | 'etaDischarge' | 'socMinMwh' | 'socMaxMwh'>,
  bad: FieldError,
): void {
  if (!(p.etaCharge > 0 && p.etaCharge <= 1)) bad('etaCharge', 'must be in (0, 1]');
  if (!(p.etaDischarge > 0 && p.etaDischarge <= 1)) bad('etaDischarge', 'must be in (0, 1]');
  if (!(p.socMinMwh <= p.socMaxMwh)) bad('socMinMwh', 'must be <= socMaxMwh');
}
