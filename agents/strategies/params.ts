// Strategy parameters are validated like every other input: an error names the field.
import type { z } from 'zod';
import { ParamError } from '../sdk/errors.js';

export function parseParams<S extends z.ZodType>(strategy: string, schema: S, params: unknown): z.infer<S> {
  const res = schema.safeParse(params ?? {});
  if (res.success) return res.data;
  const first = res.error.issues[0]!;
  throw new ParamError(strategy, first.path.join('.') || '(root)', first.message);
}
