// Strategy parameters are validated like every other input: an error names the field.
import * as z from 'zod';
import { issueMessage } from '../../lib/index.js';
import { isOnLotGrid, isOnTickGrid } from '../../market/index.js';
import { ParamError } from '../sdk/errors.js';

/** The schema each strategy validated its parameters with, by strategy name (see paramSchemaOf). */
const declared = new Map<string, z.ZodType>();

/**
 * The schema `strategy` validates its parameters with, as recorded by parseParams. The listing of
 * `flexarena strategies` reads the parameters from here, so what it shows is what the strategy
 * enforces and cannot drift from it.
 */
export function declaredParamSchema(strategy: string): z.ZodType | undefined {
  return declared.get(strategy);
}

export function parseParams<S extends z.ZodType>(strategy: string, schema: S, params: unknown): z.infer<S> {
  declared.set(strategy, schema);
  const res = schema.safeParse(params ?? {});
  if (res.success) return res.data;
  const first = res.error.issues[0]!;
  if (first.code === 'unrecognized_keys' && first.keys.length > 0) {
    // Named as the field it is (`params.horizonHourz`), with the names the strategy does take.
    const known = schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
    throw new ParamError(
      strategy,
      [...first.path, first.keys[0]!].join('.'),
      known.length === 0
        ? `unknown parameter: ${strategy} takes none`
        : `unknown parameter; known: ${known.join(', ')}`,
    );
  }
  throw new ParamError(
    strategy,
    first.path.join('.') || '(root)',
    issueMessage(first, valueAt(params, first.path)),
  );
}

/** The value at `path` inside `params` (undefined where there is none). */
function valueAt(params: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = params ?? {};
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/** A price or price offset in EUR/MWh: within [min, max] and on the 0.01 EUR/MWh tick grid. */
export function eurPerMwh(min: number, max: number) {
  return z
    .number()
    .min(min)
    .max(max)
    .refine(isOnTickGrid, 'must be a multiple of 0.01 EUR/MWh (one price tick)')
    .meta({ multipleOf: 0.01 }); // the refinement as a step the parameter listing can show
}

/** A market quantity in MW: within [min, max] and on the 0.1 MW lot grid, never rounded to it. */
export function mwLots(min: number, max: number) {
  return z
    .number()
    .min(min)
    .max(max)
    .refine(isOnLotGrid, 'must be a multiple of 0.1 MW (one quantity lot)')
    .meta({ multipleOf: 0.1 });
}
