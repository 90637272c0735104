// What a strategy's parameters are — names, types, defaults, limits, steps — read from the zod
// schema the strategy validates them with (through zod's JSON Schema export), so a listing built
// from it says exactly what the strategy accepts.
import * as z from 'zod';

export interface ParamInfo {
  name: string;
  /** number, integer, boolean, string, array, object, or the allowed values of an enum. */
  type: string;
  required: boolean;
  default?: unknown;
  min?: number;
  max?: number;
  /** The limit itself is not allowed (e.g. a rate that must be > 0). */
  minExclusive?: boolean;
  maxExclusive?: boolean;
  /** The value must be a multiple of this (price ticks, the seed's 0.1 steps of λ). */
  step?: number;
  values?: unknown[];
  description?: string;
}

interface JsonProperty {
  type?: string | string[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
  enum?: unknown[];
  description?: string;
  anyOf?: JsonProperty[];
}

export function describeParams(schema: z.ZodType): ParamInfo[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, JsonProperty>;
    required?: string[];
  };
  const required = new Set(json.required ?? []);
  return Object.entries(json.properties ?? {}).map(([name, p]) => {
    // A nullable or union parameter: the first branch that says what it is.
    const q = p.type === undefined && p.anyOf ? { ...p.anyOf.find((x) => x.type !== 'null'), ...p } : p;
    const info: ParamInfo = {
      name,
      type: q.enum ? 'enum' : Array.isArray(q.type) ? q.type.join('|') : (q.type ?? 'any'),
      required: required.has(name) && q.default === undefined,
    };
    if (q.default !== undefined) info.default = q.default;
    const min = q.minimum ?? q.exclusiveMinimum;
    const max = q.maximum ?? q.exclusiveMaximum;
    if (min !== undefined) info.min = min;
    if (max !== undefined) info.max = max;
    if (q.minimum === undefined && q.exclusiveMinimum !== undefined) info.minExclusive = true;
    if (q.maximum === undefined && q.exclusiveMaximum !== undefined) info.maxExclusive = true;
    if (q.multipleOf !== undefined) info.step = q.multipleOf;
    if (q.enum) info.values = q.enum;
    if (q.description) info.description = q.description;
    return info;
  });
}

/** One line per parameter: `name  type  default …  [min, max]  step …`. */
export function formatParam(p: ParamInfo): string {
  const parts = [p.name, p.values ? `one of ${p.values.map((v) => JSON.stringify(v)).join('|')}` : p.type];
  parts.push(
    p.default !== undefined ? `default ${JSON.stringify(p.default)}` : p.required ? 'required' : 'optional',
  );
  if (p.min !== undefined || p.max !== undefined)
    parts.push(
      `${p.minExclusive || p.min === undefined ? '(' : '['}${p.min ?? '−∞'}, ${p.max ?? '∞'}${p.maxExclusive || p.max === undefined ? ')' : ']'}`,
    );
  if (p.step !== undefined) parts.push(`step ${p.step}`);
  if (p.description) parts.push(`— ${p.description}`);
  return parts.join('  ');
}
