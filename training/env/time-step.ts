// The training API in the style of dm_env: reset() → the first time step, step(action) → the next
// one with its reward and discount, and specs that say what an observation and an action are.
// An action the environment cannot take is never an exception: it comes back as a typed
// rejection inside the time step (field, limit, message — the door's convention), and the step
// is taken as if the agent had done nothing (an inverter disconnects; a market sees no order).

export const StepType = { FIRST: 0, MID: 1, LAST: 2 } as const;
export type StepType = (typeof StepType)[keyof typeof StepType];

/** Why an action was not (fully) taken; same fields as the door's rejections. */
export interface ActionRejection {
  /** A stable code: 'type', 'non-finite', 'out-of-bounds', 'shape', 'not-an-index', 'charge-limit', 'no-tradable-quarter-hour', … */
  code: string;
  /** Which part of the action: 'action', 'action[0]', or a proto field path in the market env. */
  field: string;
  /** The limit, in words and numbers. */
  limit: string;
  message: string;
}

export interface TimeStep<O = Float32Array> {
  stepType: StepType;
  /** Reward for the transition into this step (0 on FIRST). */
  reward: number;
  /** γ-free continuation: 1 in the middle, 0 on a terminal LAST step, 1 on a truncated one. */
  discount: number;
  observation: O;
  /** Rejections of the action that led here (empty when it was taken as given). */
  rejections: readonly ActionRejection[];
}

export interface ArraySpec {
  kind: 'array';
  name: string;
  shape: readonly number[];
  dtype: 'float32';
  /** Per-element bounds; absent: unbounded. */
  minimum?: readonly number[];
  maximum?: readonly number[];
  /** What each element is, in order (observations). */
  labels?: readonly string[];
}

export interface DiscreteSpec {
  kind: 'discrete';
  name: string;
  /** Actions are the integers 0 … n − 1. */
  n: number;
  /** The value each index stands for (e.g. seed 003's {−1, −0.5, 0, 0.5, 1}). */
  values?: readonly number[];
}

export type Spec = ArraySpec | DiscreteSpec;

/** A single-agent environment. Actions: a number (discrete index or scalar) or a vector. */
export interface Environment<A = number | ArrayLike<number>, O = Float32Array> {
  observationSpec(): ArraySpec;
  actionSpec(): Spec;
  reset(): TimeStep<O>;
  step(action: A): TimeStep<O>;
}

/** The rejections of an action taken as given: one frozen empty list, not a new one every step. */
export const NO_REJECTIONS: readonly ActionRejection[] = Object.freeze([]);

/** What reset() returns: the episode's first observation, no reward yet, nothing rejected. */
export function firstStep<O>(observation: O): TimeStep<O> {
  return { stepType: StepType.FIRST, reward: 0, discount: 1, observation, rejections: NO_REJECTIONS };
}

export const isFirst = (t: TimeStep<unknown>) => t.stepType === StepType.FIRST;
export const isLast = (t: TimeStep<unknown>) => t.stepType === StepType.LAST;

/** Thrown for a misuse of the API (step before reset, step after LAST) — a bug, not an action. */
export class EnvironmentUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvironmentUsageError';
  }
}

/**
 * Checks an action against a spec without throwing: the action as numbers, or the rejections.
 * A scalar is accepted for a one-element array spec.
 */
export function checkAction(
  spec: Spec,
  action: unknown,
): { ok: true; values: number[] } | { ok: false; rejections: ActionRejection[] } {
  if (spec.kind === 'discrete') {
    if (typeof action !== 'number')
      return {
        ok: false,
        rejections: [
          {
            code: 'type',
            field: 'action',
            limit: `an integer in [0, ${spec.n - 1}]`,
            message: `action is ${describeType(action)}, not an action index`,
          },
        ],
      };
    const a = action;
    if (!Number.isInteger(a) || a < 0 || a >= spec.n)
      return {
        ok: false,
        rejections: [
          {
            code: 'not-an-index',
            field: 'action',
            limit: `an integer in [0, ${spec.n - 1}]`,
            message: `action ${String(action)} is not one of the ${spec.n} action indices`,
          },
        ],
      };
    return { ok: true, values: [a] };
  }
  const size = spec.shape.length === 1 ? spec.shape[0]! : spec.shape.reduce((p, x) => p * x, 1);
  // Fast path of the hot loop: one finite number within bounds.
  if (size === 1) {
    const v =
      typeof action === 'number'
        ? action
        : (action as ArrayLike<number> | null)?.length === 1
          ? (action as ArrayLike<number>)[0]
          : undefined;
    if (
      typeof v === 'number' &&
      v >= (spec.minimum?.[0] ?? Number.NEGATIVE_INFINITY) &&
      v <= (spec.maximum?.[0] ?? Number.POSITIVE_INFINITY)
    )
      return { ok: true, values: [v] };
  }
  const limit = `${size} number(s), shape [${spec.shape.join(', ')}]`;
  // A string has a length too: its characters are not the numbers of an action.
  const values =
    typeof action === 'number'
      ? [action]
      : typeof action === 'object' &&
          action !== null &&
          typeof (action as ArrayLike<number>).length === 'number'
        ? Array.from(action as ArrayLike<number>)
        : null;
  if (!values)
    return {
      ok: false,
      rejections: [
        { code: 'type', field: 'action', limit, message: `action is ${describeType(action)}, not numbers` },
      ],
    };
  if (values.length !== size)
    return {
      ok: false,
      rejections: [
        {
          code: 'shape',
          field: 'action',
          limit,
          message: `action has ${values.length} element(s)`,
        },
      ],
    };
  const rejections: ActionRejection[] = [];
  values.forEach((v, i) => {
    const field = size === 1 ? 'action' : `action[${i}]`;
    const lo = spec.minimum?.[i] ?? Number.NEGATIVE_INFINITY;
    const hi = spec.maximum?.[i] ?? Number.POSITIVE_INFINITY;
    if (typeof v !== 'number')
      rejections.push({
        code: 'type',
        field,
        limit: 'a finite number',
        message: `${field} is ${describeType(v)}, not a number`,
      });
    else if (!Number.isFinite(v))
      rejections.push({ code: 'non-finite', field, limit: 'a finite number', message: `${field} is ${v}` });
    else if (v < lo || v > hi)
      rejections.push({
        code: 'out-of-bounds',
        field,
        limit: `within [${lo}, ${hi}]`,
        message: `${field} = ${v} is outside [${lo}, ${hi}]`,
      });
  });
  return rejections.length ? { ok: false, rejections } : { ok: true, values };
}

/** What a value of the wrong type is, for a rejection's message: 'a string ("0.5")', 'null'. */
function describeType(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'string') return `a string (${JSON.stringify(v.length > 20 ? `${v.slice(0, 20)}…` : v)})`;
  if (typeof v === 'boolean') return `a boolean (${v})`;
  if (typeof v === 'object') return Array.isArray(v) ? 'a list' : 'an object';
  return `a ${typeof v}`;
}
