// Reading back a built-in strategy's saved state (Strategy.loadState): the resume file is the SDK's
// own, so a field of the wrong shape means a file of another strategy or version, said by name.
import { AgentSdkError } from '../sdk/errors.js';

export class LoadStateError extends AgentSdkError {
  constructor(
    readonly strategy: string,
    readonly field: string,
    reason: string,
  ) {
    super(
      `strategy ${strategy}: loadState: state${field ? `.${field}` : ''} ${reason} (a resume file of another strategy?)`,
    );
  }
}

/** The saved state as an object of fields. */
export function stateObject(strategy: string, state: unknown): Record<string, unknown> {
  if (state === null || typeof state !== 'object' || Array.isArray(state))
    throw new LoadStateError(strategy, '', 'must be an object');
  return state as Record<string, unknown>;
}

export function stringList(strategy: string, s: Record<string, unknown>, field: string): string[] {
  const v = s[field];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string'))
    throw new LoadStateError(strategy, field, 'must be a list of strings');
  return v;
}

/** An object of finite numbers by key (a Map<string, number> as JSON holds it). */
export function numberRecord(
  strategy: string,
  s: Record<string, unknown>,
  field: string,
): [string, number][] {
  const v = s[field];
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw new LoadStateError(strategy, field, 'must be an object of numbers');
  const entries = Object.entries(v);
  if (!entries.every(([, x]) => typeof x === 'number' && Number.isFinite(x)))
    throw new LoadStateError(strategy, field, 'must be an object of numbers');
  return entries as [string, number][];
}

/** A finite number, or undefined where the state has null (JSON has no undefined). */
export function optionalNumber(
  strategy: string,
  s: Record<string, unknown>,
  field: string,
): number | undefined {
  const v = s[field];
  if (v === null || v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new LoadStateError(strategy, field, 'must be a number or null');
  return v;
}
