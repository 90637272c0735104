// The run configuration: a YAML file validated against a schema. Errors name the field path,
// the value found and what was expected.
import * as z from 'zod';
import {
  beforeFirstDayIssue,
  ConfigError,
  compactStrings,
  configIssues,
  configName,
  configSeed,
  pastLastDayIssue,
} from '../../lib/index.js';
import { isOnLotGrid, isOnTickGrid } from '../../market/index.js';
import { assetConfigSchema } from '../assets/asset-config.js';
import { TSO_PARTY, WORLD_PARTY } from '../core/run-context.js';
import { worldConfigSchema } from '../world/world-config.js';
import { CLOCK_START_FIELDS, clockStartIssue, MAX_SIM_START_HOURS } from './clock-start.js';

// Date.parse rolls 2026-02-30 over to March 2nd; a round trip catches days that do not exist.
const isCalendarDay = (s: string) => {
  const ms = Date.parse(`${s}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === s;
};

const isoDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a delivery day as YYYY-MM-DD')
  .refine(isCalendarDay, 'not a calendar day')
  .superRefine((s, ctx) => {
    const message = isCalendarDay(s) ? beforeFirstDayIssue(s) : undefined;
    if (message) ctx.addIssue({ code: 'custom', message });
  });

// The market converts these to integer ticks, lots and milliseconds; a value off that grid would be
// refused deep inside the run with a RangeError (prices) or rounded silently (quantities, times),
// so the schema refuses it here, naming the field and the grid.

/** A price limit or markup in EUR/MWh on the market's tick grid (0.01 EUR/MWh). */
const tickPrice = (min: number, max: number) =>
  z.number().min(min).max(max).refine(isOnTickGrid, 'must be a multiple of 0.01 EUR/MWh (the price tick)');

/** A quantity in MW on the market's lot grid (0.1 MW). */
const lotQuantity = (min: number, max: number) =>
  z.number().min(min).max(max).refine(isOnLotGrid, 'must be a multiple of 0.1 MW (the quantity lot)');

/** Hours before the first day, in whole minutes: the clock's events must fall on whole milliseconds. */
const hoursBeforeDay = (max: number) =>
  z
    .number()
    .min(0)
    .max(max)
    .refine(
      (h) => Math.abs(h * 60 - Math.round(h * 60)) < 1e-9,
      'must be a whole number of minutes (hours × 60)',
    );

/** Decision intervals that fit the hour: divisors of 60, or whole hours that divide a day. */
const DECISION_INTERVALS = [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60, 120, 180, 240] as const;

const agentSchema = z
  .object({
    id: z
      .string()
      .regex(
        /^[a-z][a-z0-9-]{0,31}$/,
        'expected 1-32 chars: lowercase letters, digits, dashes; starting with a letter',
      )
      // The arena's own counterparties have these ids: an agent called `world` was taken for the
      // rest of the market (its auction awards dropped, its cash in the world's ledger).
      .refine(
        (id) => id !== WORLD_PARTY && id !== TSO_PARTY,
        `"${WORLD_PARTY}" and "${TSO_PARTY}" are the arena's own parties (the rest of the market, the system operator): choose another id`,
      ),
    strategy: z.string().min(1),
    params: z.record(z.string(), z.unknown()).default({}),
    /**
     * trader: balance responsible, imbalances settled. liquidity: stands for the rest of the
     * market (background liquidity): its position is delivered and valued at the reference price.
     */
    role: z.enum(['trader', 'liquidity']).default('trader'),
    asset: assetConfigSchema.optional(),
    /** false: the arena does not start this agent; someone connects it by hand with the token. */
    launch: z.boolean().default(true),
    /** Fixed token for agents started by hand; launched agents get a random one. */
    token: z.string().min(8).optional(),
    /**
     * An agent in any language, launched by the arena from this command line instead of
     * `flexarena agent <strategy>` (`strategy` is then only a label). `{arena}` and `{token}` in
     * the arguments are filled in; both are also in the environment (FLEXARENA_ARENA,
     * FLEXARENA_TOKEN), which keeps the token out of `ps`. `{params}` is filled in with `params`
     * as JSON; `params` without a `{params}` argument are refused (they would not reach the agent).
     */
    command: z.array(z.string().min(1)).min(1).optional(),
    /**
     * A Python SDK agent launched by the arena: `/usr/bin/python3 -m <module> --arena … --params
     * <params as JSON>` with agents/python on PYTHONPATH (FLEXARENA_PYTHON overrides the interpreter).
     */
    runtime: z.enum(['python']).optional(),
    module: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/, 'expected a Python module path (a.b.c)')
      .optional(),
    latencyMs: z
      .object({ min: z.number().int().min(0).max(60_000), max: z.number().int().min(0).max(60_000) })
      .strict()
      .refine((l) => l.min <= l.max, { message: 'latencyMs.min must be <= latencyMs.max', path: ['min'] })
      .default({ min: 20, max: 200 }),
  })
  .strict();

const cidSchema = z
  .object({
    /** Quarter-hours of day D open at D-1 16:00: 8 hours before the day starts. */
    openHoursBeforeDay: hoursBeforeDay(72).default(8),
    /** Hourly products open at D-1 15:00. */
    hourlyOpenHoursBeforeDay: hoursBeforeDay(72).default(9),
    hourlyProducts: z.boolean().default(true),
    /** 'local': gate closure localGateMinutes before delivery (5); 'cross-border': crossBorderGateMinutes (60). */
    gateClosure: z.enum(['local', 'cross-border']).default('local'),
    localGateMinutes: z.number().int().min(0).max(240).default(5),
    crossBorderGateMinutes: z.number().int().min(0).max(240).default(60),
    priceMinEur: tickPrice(-9999, 0).default(-9999),
    priceMaxEur: tickPrice(0, 9999).default(9999),
    depthLevels: z.number().int().min(1).max(50).default(20),
  })
  .strict()
  .superRefine((c, ctx) => {
    // The day's first products close gateMinutes before 00:00; opening them after that would be
    // a book that closes before it opens (the market refuses it with a stack trace mid-start).
    const gateField = c.gateClosure === 'local' ? 'localGateMinutes' : 'crossBorderGateMinutes';
    const gateMinutes = c[gateField];
    const opens: ['openHoursBeforeDay' | 'hourlyOpenHoursBeforeDay', boolean][] = [
      ['openHoursBeforeDay', true],
      ['hourlyOpenHoursBeforeDay', c.hourlyProducts],
    ];
    for (const [field, used] of opens)
      if (used && c[field] * 60 < gateMinutes)
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: `must open the products before their gate closure: at least ${gateMinutes / 60} hours (${gateField} ${gateMinutes} with gateClosure: ${c.gateClosure})`,
        });
  });

const auctionsSchema = z
  .object({
    dayAhead: z.boolean().default(true),
    intraday: z.boolean().default(true),
    priceMinEur: tickPrice(-9999, 0).default(-500),
    priceMaxEur: tickPrice(0, 9999).default(4000),
    /**
     * Depth of the exogenous side of the intraday auctions around the forecast, MW per EUR/MWh. Its
     * curve has a point every 10 EUR/MWh, each a whole number of 0.1 MW lots: 0.005 would make
     * them 0.05 MW, which the curve rounded silently (and lopsidedly: −0.5 lots to 0, +0.5 to 1).
     */
    intradayDepthMwPerEur: z
      .number()
      .positive()
      .max(100_000)
      .refine(
        (d) => isOnLotGrid(d * 10),
        "must be a multiple of 0.01 MW per EUR/MWh: the intraday auctions' exogenous curve has a point every 10 EUR/MWh, each a whole number of 0.1 MW lots",
      )
      .default(50),
  })
  .strict();

const balancingSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** aFRR capacity auction gate: D-1 09:00 = 15 hours before the day starts. */
    capacityGateHoursBeforeDay: hoursBeforeDay(72).default(15),
    capacityPricing: z.enum(['pay-as-bid', 'pay-as-cleared']).default('pay-as-bid'),
    /** TSO demand per 4-hour product and direction. */
    capacityDemandMw: z
      .object({
        up: lotQuantity(0, 100_000).default(2000),
        down: lotQuantity(0, 100_000).default(2000),
      })
      .strict()
      .default({ up: 2000, down: 2000 }),
    /** Balancing energy bids for a quarter-hour close this many minutes before delivery (T-25). */
    energyGateMinutes: z.number().int().min(0).max(240).default(25),
    energyPricing: z.enum(['pay-as-cleared', 'pay-as-bid']).default('pay-as-cleared'),
    /**
     * Activation steps per quarter-hour: 1 nets the period at once; 5 activates every 3 minutes
     * against an intra-period imbalance profile, so both directions can be activated in one period
     * (regulation state 2, which dual imbalance pricing needs).
     */
    subPeriods: z.union([z.literal(1), z.literal(5)]).default(1),
    /** Standard deviation of the intra-period imbalance around the period mean, MW (subPeriods 5). */
    intraPeriodNoiseMw: z.number().min(0).max(100_000).default(60),
    /** Exogenous energy bids: a ladder around the realised price. */
    exogenousEnergy: z
      .object({
        tranches: z.number().int().min(1).max(100).default(10),
        trancheMw: lotQuantity(0.1, 100_000).default(300),
        firstMarkupEur: tickPrice(0, 10_000).default(20),
        stepEur: tickPrice(0, 10_000).default(15),
      })
      .strict()
      .default({ tranches: 10, trancheMw: 300, firstMarkupEur: 20, stepEur: 15 }),
    /** Exogenous capacity offers: tranches covering this multiple of demand, from min to max EUR/MW/h. */
    exogenousCapacity: z
      .object({
        coverage: z.number().min(0).max(10).default(1.5),
        tranches: z.number().int().min(1).max(100).default(10),
        priceMinEur: tickPrice(0, 10_000).default(3),
        priceMaxEur: tickPrice(0, 10_000).default(25),
      })
      .strict()
      // An inverted range would build a ladder whose dearest tranche comes first.
      .refine((c) => c.priceMinEur <= c.priceMaxEur, {
        message: 'must be <= exogenousCapacity.priceMaxEur',
        path: ['priceMinEur'],
      })
      .default({ coverage: 1.5, tranches: 10, priceMinEur: 3, priceMaxEur: 25 }),
  })
  .strict();

const imbalanceSchema = z
  .object({
    pricing: z.enum(['single', 'dual']).default('single'),
  })
  .strict();

/** The most restarts a run may allow each launched agent (`limits.agentRestarts`). */
export const AGENT_RESTARTS_MAX = 100;

/** Real-time pacing limits: 1 is the market's own pace, 100 000 a day in under a second. */
export const REALTIME_SPEED_LIMITS = { min: 1, max: 100_000 } as const;

/** An agent's answer deadline per wake-up (`deadlineMs`, `flexarena compliance --deadline-ms`). */
export const DEADLINE_MS_LIMITS = { min: 10, max: 600_000 } as const;

const realtimeSchema = z
  .object({
    /** Virtual seconds per wall-clock second. */
    speed: z.number().min(REALTIME_SPEED_LIMITS.min).max(REALTIME_SPEED_LIMITS.max),
  })
  .strict();

/**
 * Per-agent limits of the door and the gateway. Every limit has a typed answer: a rejected action
 * (TOO_MANY_ACTIONS, TOO_MANY_OPEN_ORDERS), a refused batch (BATCH_STATUS_RATE_LIMITED) or a
 * named gRPC status (RESOURCE_EXHAUSTED, DEADLINE_EXCEEDED). Defaults are far above what the
 * shipped strategies need and low enough that one agent cannot bury the arena.
 */
const rateSchema = z
  .object({
    /**
     * Batches an agent may send outside an open decision request (stale, late, duplicate, or not
     * yet woken), per second on average. Answers to an open decision request are never counted:
     * the arena paces those itself (one per wake-up), so the limit cannot change a tape.
     */
    outsidePerSecond: z.number().positive().max(100_000).default(20),
    /** Bucket size: this many such batches may come at once. */
    burst: z.number().int().min(1).max(1_000_000).default(40),
    /**
     * Refused (over-limit) batches in one streak — without the bucket filling up again in between —
     * after which the stream ends with RESOURCE_EXHAUSTED. The agent may reconnect and resume.
     */
    disconnectAfter: z.number().int().min(1).max(1_000_000).default(50),
    /**
     * After such a disconnect the agent is not waited for (its open wake-up counts as missed, later
     * ones as absent until it has said hello again), and a hello within this time is refused with
     * RESOURCE_EXHAUSTED: in lock-step every agent waits for the slowest, so a flooder must not
     * hold the others up. Its bucket earns no tokens during the cooldown.
     */
    cooldownMs: z.number().int().min(0).max(600_000).default(2_000),
    /**
     * Each further rate-limit disconnect in a run doubles the cooldown, up to this: a flooder that
     * comes back flooding is shut out for longer each time (2, 4, 8, … s at the defaults).
     */
    maxCooldownMs: z.number().int().min(0).max(3_600_000).default(60_000),
    /**
     * Batches the core refuses (stale or wrong wake id, duplicate, late) that an agent may send
     * while the arena waits for its answer at a decision point. The stream is ordered, so once
     * this many arrived its answer — if it comes — sits behind its own stray batches: the arena
     * stops waiting for it at this decision point (its wake-up counts as missed). A well-behaved
     * agent sends at most one (a late answer to the previous wake-up, which is not counted).
     */
    refusedWhileWaited: z.number().int().min(1).max(1_000_000).default(3),
  })
  .strict()
  .refine((r) => r.maxCooldownMs >= r.cooldownMs, {
    message: 'must be at least limits.rate.cooldownMs (the first cooldown)',
    path: ['maxCooldownMs'],
  });

const faultLogSchema = z
  .object({
    /** Lines written per agent and fault kind before further ones of that kind are only counted. */
    linesPerKind: z.number().int().min(1).max(1_000_000).default(20),
    /** How often a "suppressed N similar faults" summary is written for a kind still being suppressed. */
    summaryEveryMs: z.number().int().min(100).max(3_600_000).default(10_000),
  })
  .strict();

const limitsSchema = z
  .object({
    /** Actions in one batch; those beyond are rejected with TOO_MANY_ACTIONS. */
    maxActionsPerWakeUp: z.number().int().min(1).max(100_000).default(1_000),
    /** Resting CID orders per agent; a GTC submit beyond is rejected with TOO_MANY_OPEN_ORDERS. */
    maxOpenOrders: z.number().int().min(1).max(1_000_000).default(2_000),
    /** Largest gRPC message the arena accepts; a bigger one ends the call with RESOURCE_EXHAUSTED. */
    maxMessageBytes: z
      .number()
      .int()
      .min(1024)
      .max(64 * 1024 * 1024)
      .default(4 * 1024 * 1024),
    /** A session stream that has not sent its hello after this long is closed (DEADLINE_EXCEEDED). */
    helloTimeoutMs: z.number().int().min(100).max(600_000).default(10_000),
    rate: rateSchema.default(rateSchema.parse({})),
    faultLog: faultLogSchema.default(faultLogSchema.parse({})),
    /**
     * How often in a run the arena starts again a process it launched for an agent once that
     * process has ended during the run (same token and command; it resumes from the state file the
     * arena gives it). 0: never — the agent misses every later decision point. Agents started by
     * hand and in-process ones are not the arena's to restart.
     */
    agentRestarts: z.number().int().min(0).max(AGENT_RESTARTS_MAX).default(0),
  })
  .strict();

export type LimitsConfig = z.infer<typeof limitsSchema>;

export const runConfigSchema = z
  .object({
    name: configName.default('run'),
    seed: configSeed.default(1),
    /** First delivery day. */
    day: isoDay,
    days: z.number().int().min(1).max(366).default(1),
    /**
     * The virtual clock starts this many hours before the first day (16: D-1 08:00, before the
     * auctions); it must come before every gate of the run's markets (clock-start.ts).
     */
    simStartHoursBeforeDay: hoursBeforeDay(MAX_SIM_START_HOURS).default(16),
    /**
     * lockstep: the clock waits for every agent at each decision point (deterministic tape).
     * realtime: the clock is paced against the wall clock (`realtime.speed`) and never waits;
     * batches are applied when they arrive (see docs/architecture.md, the real-time driver).
     */
    mode: z.enum(['lockstep', 'realtime']).default('lockstep'),
    realtime: realtimeSchema.optional(),
    decisionIntervalMinutes: z
      .number()
      .int()
      .min(1)
      .max(240)
      .refine(
        (m) => (DECISION_INTERVALS as readonly number[]).includes(m),
        `must fit the hour: one of ${DECISION_INTERVALS.join(', ')} minutes`,
      )
      .default(15),
    deadlineMs: z.number().int().min(DEADLINE_MS_LIMITS.min).max(DEADLINE_MS_LIMITS.max).default(5_000),
    connectTimeoutMs: z.number().int().min(100).max(600_000).default(30_000),
    /**
     * After the last decision point, how long the arena stays up for agents whose stream dropped
     * to come back (resume) and collect what they had not processed and their final report.
     */
    finalReportGraceMs: z.number().int().min(0).max(600_000).default(15_000),
    port: z.number().int().min(0).max(65_535).default(0),
    outDir: z.string().default('runs'),
    market: z
      .object({
        cid: cidSchema.default(cidSchema.parse({})),
        auctions: auctionsSchema.default(auctionsSchema.parse({})),
        balancing: balancingSchema.default(balancingSchema.parse({})),
        imbalance: imbalanceSchema.default(imbalanceSchema.parse({})),
      })
      .strict()
      .default({
        cid: cidSchema.parse({}),
        auctions: auctionsSchema.parse({}),
        balancing: balancingSchema.parse({}),
        imbalance: imbalanceSchema.parse({}),
      }),
    world: worldConfigSchema.default(worldConfigSchema.parse({})),
    nats: z
      .object({
        /** Use this server; when absent the arena starts its own nats-server on a free port. */
        // A blank url was taken for an absent one: the run started its own server instead.
        url: z
          .string()
          .refine(
            (u) => u.trim() !== '',
            'expected a NATS server URL (leave url out for a nats-server of the run’s own)',
          )
          .optional(),
        enabled: z.boolean().default(true),
        /**
         * At the end of a run, how long to wait for JetStream to acknowledge every settlement
         * record (NATS may be down); what is still undelivered then is reported and kept in the
         * run folder.
         */
        deliveryTimeoutMs: z.number().int().min(0).max(3_600_000).default(30_000),
        /**
         * Duplicate window of the settlement stream when the arena creates it: a record re-sent
         * after an outage within this time is stored once (Nats-Msg-Id). Default one hour.
         */
        duplicateWindowMs: z.number().int().min(1_000).max(86_400_000).default(3_600_000),
      })
      .strict()
      .default({ enabled: true, deliveryTimeoutMs: 30_000, duplicateWindowMs: 3_600_000 }),
    limits: limitsSchema.default(limitsSchema.parse({})),
    agents: z.array(agentSchema).min(1, 'a run needs at least one agent'),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    // A pace is never guessed: real-time mode needs its speed, and a speed outside real-time
    // mode would be silently ignored.
    if (cfg.mode === 'realtime' && !cfg.realtime)
      ctx.addIssue({
        code: 'custom',
        path: ['realtime'],
        message: `mode: realtime needs realtime.speed (virtual seconds per wall second, ${REALTIME_SPEED_LIMITS.min} to ${REALTIME_SPEED_LIMITS.max})`,
      });
    if (cfg.mode !== 'realtime' && cfg.realtime)
      ctx.addIssue({
        code: 'custom',
        path: ['realtime'],
        message: 'realtime settings apply only with mode: realtime',
      });
    // Decision points start at the clock's start and step by the interval; a start off that grid
    // would wake agents at the same odd minutes of every hour (07:54, 08:09, …).
    const startMinutes = Math.round(cfg.simStartHoursBeforeDay * 60);
    const grid = Math.min(cfg.decisionIntervalMinutes, 60);
    if (
      (DECISION_INTERVALS as readonly number[]).includes(cfg.decisionIntervalMinutes) &&
      startMinutes % grid !== 0
    )
      ctx.addIssue({
        code: 'custom',
        path: ['simStartHoursBeforeDay'],
        message: `must put the clock's start on the decision grid: a multiple of ${grid} minutes before the day (decisionIntervalMinutes ${cfg.decisionIntervalMinutes}); this is ${startMinutes} minutes`,
      });
    const seen = new Map<string, number>();
    const tokens = new Map<string, number>();
    cfg.agents.forEach((a, i) => {
      const prev = seen.get(a.id);
      if (prev !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['agents', i, 'id'],
          message: `duplicate agent id (also agents[${prev}])`,
        });
      seen.set(a.id, i);
      // The arena knows an agent by its token: the second one took the first one's, and the run
      // stopped with "no token was issued" and a stack trace after its nats-server had started.
      const sameToken = a.token === undefined ? undefined : tokens.get(a.token);
      if (sameToken !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['agents', i, 'token'],
          message: `the same token as agents[${sameToken}]: each agent needs its own`,
        });
      if (a.token !== undefined && sameToken === undefined) tokens.set(a.token, i);
      if (!a.launch && !a.token)
        ctx.addIssue({
          code: 'custom',
          path: ['agents', i, 'token'],
          message: 'an agent with launch: false needs a token to connect with',
        });
      for (const issue of launchIssues(a))
        ctx.addIssue({ code: 'custom', path: ['agents', i, issue.field], message: issue.message });
      for (const issue of commandPlaceholderIssues(a.command))
        ctx.addIssue({ code: 'custom', path: ['agents', i, 'command', issue.index], message: issue.message });
      // A park is the world's output scaled by its share of the world's capacity: in a world
      // without that source it never generated, without a word (prosumer-trader said only that it
      // "needs the world capacities in the welcome").
      if (a.asset?.type === 'prosumer') {
        const source = a.asset.generation.source;
        if (cfg.world.calibration[source].capacityMw === 0)
          ctx.addIssue({
            code: 'custom',
            path: ['agents', i, 'asset', 'generation', 'source'],
            message: `the world has no ${source} (world.calibration.${source}.capacityMw is 0): the park would never generate`,
          });
      }
    });
  })
  .superRefine(
    (cfg, ctx) => {
      const message = pastLastDayIssue(cfg.day, cfg.days);
      if (message) ctx.addIssue({ code: 'custom', path: ['days'], message });
    },
    { when: (p) => parsedWithout(p, ['day', 'days']) },
  )
  .superRefine(
    (cfg, ctx) => {
      const message = clockStartIssue(cfg);
      if (message) ctx.addIssue({ code: 'custom', path: ['simStartHoursBeforeDay'], message });
    },
    // The gates are computed from the day, the markets and the start: only once those are valid
    // (an out-of-range `days` would otherwise build its products before being refused).
    { when: (p) => parsedWithout(p, CLOCK_START_FIELDS) },
  );

/**
 * Whether a check that reads `fields` may run: the document is a mapping and none of them has an
 * issue. A document that is not a mapping at all (a YAML list) has its issue at the root.
 */
function parsedWithout(
  p: { value: unknown; issues: readonly { path?: readonly PropertyKey[] }[] },
  fields: readonly string[],
): boolean {
  return (
    typeof p.value === 'object' &&
    p.value !== null &&
    !p.issues.some((i) => !i.path?.length || fields.includes(String(i.path[0])))
  );
}

/** How an agent is started must be said once: a command, a runtime, or neither (a strategy). */
function launchIssues(a: {
  launch: boolean;
  command?: string[] | undefined;
  runtime?: string | undefined;
  module?: string | undefined;
  params: Record<string, unknown>;
}): { field: string; message: string }[] {
  const out: { field: string; message: string }[] = [];
  const params = commandParamsIssue(a.command, a.params);
  if (params) out.push({ field: 'params', message: params });
  if (a.command && a.runtime)
    out.push({ field: 'runtime', message: 'give either command or runtime, not both' });
  if (a.runtime === 'python' && !a.module)
    out.push({
      field: 'module',
      message: 'runtime: python needs the module to run (e.g. flexarena_examples.battery)',
    });
  if (a.module && a.runtime !== 'python')
    out.push({ field: 'module', message: 'module is only read with runtime: python' });
  if (!a.launch && (a.command || a.runtime))
    out.push({
      field: a.command ? 'command' : 'runtime',
      message: 'launch: false means the agent is started by hand; the arena would not run this',
    });
  return out;
}

/**
 * A command line gets its agent's `params` only where one of its arguments says `{params}` (filled
 * in as JSON, like `--params` of `flexarena agent`): params given without one would never reach
 * the agent, which would play its defaults without a word. Undefined when nothing is lost.
 */
export function commandParamsIssue(
  command: readonly string[] | undefined,
  params: Record<string, unknown> | undefined,
): string | undefined {
  if (!command || Object.keys(params ?? {}).length === 0) return undefined;
  if (command.some((arg) => arg.includes('{params}'))) return undefined;
  return (
    'no argument of the command says {params}, so these parameters would not reach the agent: ' +
    'add one where it reads them (e.g. [..., --params, "{params}"]; filled in as JSON), or leave params out'
  );
}

/** The placeholders the arena fills in in a command's arguments (arena/launcher/agent-launcher.ts). */
const COMMAND_PLACEHOLDERS = ['arena', 'token', 'params', 'state'];

/**
 * Arguments of a command line with a `{name}` that is not one of the placeholders the arena fills in:
 * a misspelt `{tokne}` or `{Arena}` went to the agent as it was written (it then failed with "unknown
 * token" or "no arena at {Arena}"). Braces around anything but a plain name (JSON) are left alone.
 */
export function commandPlaceholderIssues(
  command: readonly string[] | undefined,
): { index: number; message: string }[] {
  return (command ?? []).flatMap((arg, index) => {
    const unknown = [...arg.matchAll(/\{([A-Za-z_][A-Za-z0-9_-]*)\}/g)]
      .map((m) => m[1]!)
      .filter((name) => !COMMAND_PLACEHOLDERS.includes(name));
    return unknown.length === 0
      ? []
      : [
          {
            index,
            message: `unknown placeholder ${unknown.map((n) => `{${n}}`).join(', ')}; the arena fills in ${COMMAND_PLACEHOLDERS.map((n) => `{${n}}`).join(', ')}`,
          },
        ];
  });
}

export type RunConfig = z.infer<typeof runConfigSchema>;
export type AgentConfig = RunConfig['agents'][number];
export type CidConfigSection = z.infer<typeof cidSchema>;
export type BalancingConfigSection = z.infer<typeof balancingSchema>;

/** Validates an already parsed document; `source` names it in errors. */
export function parseRunConfig(doc: unknown, source = '<inline>'): RunConfig {
  const res = runConfigSchema.safeParse(doc);
  // Compact strings: a configuration read from a file with any non-Latin-1 character (a dash in a
  // comment) would otherwise carry two-byte agent ids into every tape line (see latin1-strings.ts).
  if (res.success) return compactStrings(res.data);
  throw new ConfigError(source, configIssues(res.error, doc));
}
