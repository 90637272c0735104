// The run configuration: a YAML file validated against a schema. Errors name the field path,
// the value found and what was expected.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError, type ConfigIssue } from '../errors.js';

const isoDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a delivery day as YYYY-MM-DD')
  // Date.parse rolls 2026-02-30 over to March 2nd; a round trip catches days that do not exist.
  .refine((s) => {
    const ms = Date.parse(`${s}T00:00:00Z`);
    return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === s;
  }, 'not a calendar day');

const batterySchema = z
  .object({
    type: z.literal('battery'),
    powerMw: z.number().positive().max(10_000),
    energyMwh: z.number().positive().max(100_000),
    etaCharge: z.number().gt(0).lte(1).default(0.95),
    etaDischarge: z.number().gt(0).lte(1).default(0.95),
    socMin: z.number().min(0).max(1).default(0.05).describe('fraction of energyMwh'),
    socMax: z.number().min(0).max(1).default(0.95).describe('fraction of energyMwh'),
    socInitial: z.number().min(0).max(1).default(0.5).describe('fraction of energyMwh'),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.socMin > b.socMax)
      ctx.addIssue({ code: 'custom', path: ['socMin'], message: `must be <= socMax (${b.socMax})` });
    if (b.socInitial < b.socMin || b.socInitial > b.socMax)
      ctx.addIssue({
        code: 'custom',
        path: ['socInitial'],
        message: `must lie within [socMin, socMax] = [${b.socMin}, ${b.socMax}]`,
      });
  });

const agentSchema = z
  .object({
    id: z
      .string()
      .regex(
        /^[a-z][a-z0-9-]{0,31}$/,
        'expected 1-32 chars: lowercase letters, digits, dashes; starting with a letter',
      ),
    strategy: z.string().min(1),
    params: z.record(z.string(), z.unknown()).default({}),
    /**
     * trader: balance responsible, imbalances settled. liquidity: stands for the rest of the
     * market (background liquidity): its position is delivered and valued at the reference price.
     */
    role: z.enum(['trader', 'liquidity']).default('trader'),
    asset: batterySchema.optional(),
    /** false: the arena does not start this agent; someone connects it by hand with the token. */
    launch: z.boolean().default(true),
    /** Fixed token for agents started by hand; launched agents get a random one. */
    token: z.string().min(8).optional(),
    latencyMs: z
      .object({ min: z.number().int().min(0).max(60_000), max: z.number().int().min(0).max(60_000) })
      .strict()
      .refine((l) => l.min <= l.max, { message: 'latencyMs.min must be <= latencyMs.max', path: ['min'] })
      .default({ min: 20, max: 200 }),
  })
  .strict();

export const runConfigSchema = z
  .object({
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'expected lowercase letters, digits and dashes')
      .default('run'),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(1),
    day: isoDay,
    mode: z.enum(['lockstep', 'realtime']).default('lockstep'),
    /** Real-time mode: virtual seconds per wall second. */
    speed: z.number().positive().max(1_000_000).default(600),
    decisionIntervalMinutes: z.number().int().min(1).max(240).default(15),
    deadlineMs: z.number().int().min(10).max(600_000).default(5_000),
    connectTimeoutMs: z.number().int().min(100).max(600_000).default(30_000),
    port: z.number().int().min(0).max(65_535).default(0),
    outDir: z.string().default('runs'),
    market: z
      .object({
        cid: z
          .object({
            /** Quarter-hour products of day D open at D-1 16:00: 8 hours before the day starts. */
            openHoursBeforeDay: z.number().min(0).max(72).default(8),
            gateClosureMinutes: z.number().int().min(0).max(240).default(5),
            priceMinEur: z.number().min(-9999).max(0).default(-9999),
            priceMaxEur: z.number().min(0).max(9999).default(9999),
            depthLevels: z.number().int().min(1).max(50).default(10),
          })
          .strict()
          .default({
            openHoursBeforeDay: 8,
            gateClosureMinutes: 5,
            priceMinEur: -9999,
            priceMaxEur: 9999,
            depthLevels: 10,
          }),
      })
      .strict()
      .default({
        cid: {
          openHoursBeforeDay: 8,
          gateClosureMinutes: 5,
          priceMinEur: -9999,
          priceMaxEur: 9999,
          depthLevels: 10,
        },
      }),
    world: z
      .object({
        baseEur: z.number().min(-500).max(4000).default(80),
        dailyAmplitudeEur: z.number().min(0).max(2000).default(25),
        eveningPeakEur: z.number().min(0).max(2000).default(40),
        middayDipEur: z.number().min(0).max(2000).default(30),
        sawtoothEur: z.number().min(0).max(200).default(4),
        noiseEur: z.number().min(0).max(500).default(5),
        /** Forecast error standard deviation one day ahead; shrinks linearly to 0 at delivery. */
        forecastErrorEur: z.number().min(0).max(500).default(8),
      })
      .strict()
      .default({
        baseEur: 80,
        dailyAmplitudeEur: 25,
        eveningPeakEur: 40,
        middayDipEur: 30,
        sawtoothEur: 4,
        noiseEur: 5,
        forecastErrorEur: 8,
      }),
    imbalance: z
      .object({
        /** Placeholder imbalance price until balancing exists: reference price ± this spread. */
        spreadEur: z.number().min(0).max(10_000).default(50),
      })
      .strict()
      .default({ spreadEur: 50 }),
    nats: z
      .object({
        /** Use this server; when absent the arena starts its own nats-server on a free port. */
        url: z.string().optional(),
        enabled: z.boolean().default(true),
      })
      .strict()
      .default({ enabled: true }),
    agents: z.array(agentSchema).min(1, 'a run needs at least one agent'),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const seen = new Map<string, number>();
    cfg.agents.forEach((a, i) => {
      const prev = seen.get(a.id);
      if (prev !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['agents', i, 'id'],
          message: `duplicate agent id (also agents[${prev}])`,
        });
      seen.set(a.id, i);
      if (!a.launch && !a.token)
        ctx.addIssue({
          code: 'custom',
          path: ['agents', i, 'token'],
          message: 'an agent with launch: false needs a token to connect with',
        });
    });
  });

export type RunConfig = z.infer<typeof runConfigSchema>;
export type AgentConfig = RunConfig['agents'][number];
export type BatteryConfig = z.infer<typeof batterySchema>;

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)),
    '',
  );
}

function valueAt(doc: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = doc;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[p];
  }
  return cur;
}

/** Validates an already parsed document; `source` names it in errors. */
export function parseRunConfig(doc: unknown, source = '<inline>'): RunConfig {
  const res = runConfigSchema.safeParse(doc);
  if (res.success) return res.data;
  const issues: ConfigIssue[] = res.error.issues.map((i) => ({
    path: formatPath(i.path),
    message: i.message,
    value: valueAt(doc, i.path),
  }));
  throw new ConfigError(source, issues);
}

export function loadRunConfig(
  file: string,
  overrides: Partial<Pick<RunConfig, 'seed' | 'port' | 'outDir'>> = {},
): RunConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new ConfigError(file, [{ path: '', message: `cannot read file: ${(cause as Error).message}` }], {
      cause,
    });
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (cause) {
    throw new ConfigError(file, [{ path: '', message: `not valid YAML: ${(cause as Error).message}` }], {
      cause,
    });
  }
  if (doc && typeof doc === 'object')
    Object.assign(doc, Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)));
  return parseRunConfig(doc, file);
}
