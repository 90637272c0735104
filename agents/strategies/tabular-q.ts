// Reinforcement learning (seed 000's third paradigm) as in seed 003 (Mohammadi & Hesamzadeh):
// tabular Q-learning for a battery trading the continuous intraday market.
//
// State: (hour of the next tradable quarter-hour, SoC bucket, price-vs-forecast bucket), the SoC
// projected to that quarter-hour's start, the price the book's mid (else one side, else the last
// trade, else the forecast) minus the forecast, bucketed at priceBucketsEur.
// Actions: {−1, −0.5, 0, 0.5, 1} × P̄ (> 0 charge), executed as one IOC order on the next
// tradable quarter-hour within slippageEur of the forecast; actions that would take the SoC out of
// its bounds are masked (seed 003: "another action is used to avoid this violation").
// Reward, credited at the next decision: cash of own fills + imbalance cash − penalties from
// settlements − degradation of the traded energy − clipPenaltyEur per clipped period, plus
// (socShaping) the potential-based term γΦ(s') − Φ(s) with Φ = projected SoC × mean forecast, so
// stored energy counts before it is sold (γ = 0.9 per quarter-hour is otherwise very myopic).
// Update (seed 003 eq. 2): Q(s,a) ← (1 − α) Q(s,a) + α (r + γ max_a' Q(s',a')), α = 0.2, γ = 0.9.
// Exploration: ε-greedy on a seeded PRNG (mulberry32(seed)); ties go to the smallest |action|.
// The Q-table can be loaded from and saved to `qTablePath` (JSON), so training spans runs;
// `saveQTable: false` (or `learn: false`) only reads it, as a tournament's games must (each game
// starts from the same table; they would otherwise depend on their order and race on the file).

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import * as z from 'zod';
import type { BatterySpec } from '../../gen/flexarena/v1/asset.js';
import type { ProductSpec } from '../../gen/flexarena/v1/market.js';
import type { Action, RunEnded, WakeUp, Welcome } from '../../gen/flexarena/v1/session.js';
import { parseProductId } from '../../lib/index.js';
import { eurToTicks } from '../../market/index.js';
import { ParamError } from '../sdk/errors.js';
import { runWasInterrupted } from '../sdk/run-ended.js';
import type { PublicViewPart, Strategy } from '../sdk/strategy.js';
import { eurPerMwh, parseParams } from './params.js';
import { LoadStateError, optionalNumber, stateObject } from './strategy-state.js';
import {
  assetState,
  DEFAULT_CASH_UNITS_PER_EUR,
  fillCashEur,
  forecastMap,
  HOUR_MS,
  iocAround,
  KWH_PER_LOT_QH,
  mulberry32,
  type PriceLimits,
  priceLimits,
  projectSoc,
  quarterHourProducts,
  requireAsset,
  scheduleLots,
  socDeltaMwh,
  tradableQuarterHours,
} from './strategy-utils.js';

export const Q_ACTIONS = [-1, -0.5, 0, 0.5, 1] as const;

const paramsSchema = z
  .object({
    alpha: z.number().min(0).max(1).default(0.2),
    gamma: z.number().min(0).max(1).default(0.9),
    epsilon: z.number().min(0).max(1).default(0.1),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1)
      .default(1),
    socBuckets: z.number().int().min(1).max(100).default(5),
    /** Bucket edges of (market price − forecast), EUR/MWh, strictly increasing. */
    priceBucketsEur: z
      .array(z.number().min(-10_000).max(10_000))
      .max(20)
      .refine((xs) => xs.every((x, i) => i === 0 || x > xs[i - 1]!), 'must be strictly increasing')
      .default([-10, -3, 3, 10]),
    slippageEur: eurPerMwh(0, 1000).default(10),
    gateMarginMs: z.number().int().min(0).max(3_600_000).default(60_000),
    /** Update the table (false: act greedily-with-ε on a fixed table). */
    learn: z.boolean().default(true),
    socShaping: z.boolean().default(true),
    clipPenaltyEur: eurPerMwh(0, 1e6).default(100),
    /** JSON file the Q-table is loaded from (if it exists) and saved to. */
    qTablePath: z.string().min(1).optional(),
    /** Write the learned table back to qTablePath (false: read it only, every run starts from it). */
    saveQTable: z.boolean().default(true),
    /** Save every this many updates (0: only at the end of the run). */
    saveEvery: z.number().int().min(0).max(1e6).default(96),
    /**
     * Buckets of the traded quarter-hour's forecast rank among the forecasts of the 24 h from it
     * on (0: no price level in the state, the version-1 table; > 0: a version-2 table).
     */
    levelBuckets: z.number().int().min(0).max(24).default(0),
    /**
     * Buckets of the hour of day in the state (equal blocks of 24 / n hours; 24: the hour itself,
     * seed 003's observation). Fewer buckets: more visits per state, less known about the time.
     */
    hourBuckets: z
      .number()
      .int()
      .min(1)
      .max(24)
      .refine((n) => 24 % n === 0, 'must divide 24 (1, 2, 3, 4, 6, 8, 12 or 24)')
      .default(24),
    /** What `gamma` discounts: one decision (a quarter-hour), or an hour (γ^(1/4) per decision). */
    gammaPer: z.enum(['quarterHour', 'hour']).default('quarterHour'),
    /**
     * What the energy stored when the run ends is worth to the learner (the terminal update's
     * target). 'none': nothing, the return is the run's cash, so a learner sells its initial charge
     * at any price. 'socNeutral': the change from the initial SoC valued as the SoC-neutral profit
     * values it, at the mean forecast of the run's quarter-hours (η_discharge × mean per MWh gained,
     * mean / η_charge per MWh lost) — seed 003's MDP runs on over days, so the energy left at the
     * end of one is still worth something. Only learning reads it.
     */
    endValue: z.enum(['none', 'socNeutral']).default('none'),
  })
  .strict();

export type TabularQParams = z.infer<typeof paramsSchema>;

/**
 * Version 1: state (hour, SoC, price − forecast). Version 2 adds the forecast-rank bucket
 * (`levelBuckets` > 0) as a fourth key part; each version is read only with matching params.
 */
export interface QTableFile {
  version: 1 | 2;
  actions: number[];
  socBuckets: number;
  priceBucketsEur: number[];
  /** Version 2 only. */
  levelBuckets?: number;
  /** Hour buckets of the state; absent: 24 (the hour itself). */
  hourBuckets?: number;
  updates: number;
  table: Record<string, number[]>;
}

/** Seed 003 eq. (2). */
export function qUpdate(q: number, reward: number, maxNext: number, alpha: number, gamma: number): number {
  return (1 - alpha) * q + alpha * (reward + gamma * maxNext);
}

/**
 * Where `price` stands among `others` (the other forecasts of the window): the share below it,
 * ties counted half, in [0, 1]; 0.5 with no others (nothing to compare with).
 */
export function forecastRank(price: number, others: readonly number[]): number {
  if (others.length === 0) return 0.5;
  let below = 0;
  for (const x of others) below += x < price ? 1 : x === price ? 0.5 : 0;
  return below / others.length;
}

/** Bucket of a rank in [0, 1] among n equal buckets (rank 1 goes to the top one). */
export function rankBucket(rank: number, n: number): number {
  return Math.min(n - 1, Math.floor(rank * n));
}

/** Index of the bucket of `x` among strictly increasing `edges`: the number of edges ≤ x. */
export function bucketOf(x: number, edges: readonly number[]): number {
  let k = 0;
  while (k < edges.length && edges[k]! <= x) k++;
  return k;
}

/** What tabular-q keeps over a restart (saveState). */
export interface TabularQState {
  table: Record<string, number[]>;
  updates: number;
  /** The exploration PRNG's state (mulberry32). */
  rng: number;
  pending: Pending | null;
  reward: number;
  lastClipped: number | null;
  /**
   * The latest forecast of the quarter-hours seen this run that may still be forecast again
   * (endValue 'socNeutral'); older states held every quarter-hour seen.
   */
  forecastsSeen?: Record<string, number>;
  /** The quarter-hours whose delivery had started, taken out of forecastsSeen: their sum and count. */
  forecastsClosed?: { sumEur: number; count: number };
}

interface Pending {
  key: string;
  action: number;
  productId: string;
  potential: number;
  /** The terminal target if the run ended after this action (endValue 'socNeutral'), EUR. */
  endValue?: number;
}

export class TabularQ implements Strategy {
  readonly name = 'tabular-q';
  readonly ignoresPublicViewParts: readonly PublicViewPart[] = ['fundamentalsForecasts'];
  readonly params: TabularQParams;
  private battery?: BatterySpec;
  private assetId?: string;
  private products = new Map<string, ProductSpec>();
  private limits: PriceLimits = priceLimits(undefined);
  private cashUnitsPerEur = DEFAULT_CASH_UNITS_PER_EUR;
  private readonly table = new Map<string, number[]>();
  private rng: ReturnType<typeof mulberry32>;
  private pending?: Pending;
  private reward = 0;
  private lastClipped?: number;
  private updates = 0;
  /**
   * The latest forecast of the quarter-hours seen this run, EUR/MWh (endValue 'socNeutral'), until
   * their delivery starts. It held every quarter-hour of the run, growing with its length; a
   * quarter-hour whose delivery started is never forecast again, so its forecast is final and only
   * its share of the mean is kept (forecastsClosed).
   */
  private readonly forecastsSeen = new Map<string, number>();
  /**
   * The final forecasts taken out of forecastsSeen: their sum, added in the order the map held them
   * (the map's front first), so that the mean is the same sum, bit for bit, as over the whole map.
   */
  private forecastsClosed = { sumEur: 0, count: 0 };

  /** The file the table is saved to for later runs: with qTablePath, when learning and saving. */
  get carriesStateIn(): { param: string; path: string; readOnly: string } | undefined {
    const p = this.params;
    return p.qTablePath && p.learn && p.saveQTable
      ? { param: 'qTablePath', path: p.qTablePath, readOnly: 'saveQTable: false (or learn: false)' }
      : undefined;
  }

  /** The table read and never written (saveQTable: false or learn: false): it must exist. */
  get readsStateFrom(): { param: string; path: string } | undefined {
    const p = this.params;
    return p.qTablePath && !(p.learn && p.saveQTable)
      ? { param: 'qTablePath', path: p.qTablePath }
      : undefined;
  }

  constructor(params: Record<string, unknown> = {}) {
    this.params = parseParams('tabular-q', paramsSchema, params);
    this.rng = mulberry32(this.params.seed);
    const path = this.params.qTablePath;
    if (path && existsSync(path)) this.load(path);
  }

  onWelcome(welcome: Welcome): void {
    const asset = requireAsset(welcome, 'battery', 'tabular-q', 'a battery');
    this.battery = asset.spec;
    this.assetId = asset.assetId;
    this.products = quarterHourProducts(welcome);
    this.limits = priceLimits(welcome);
    if (welcome.market && welcome.market.cashUnitsPerEur > 0)
      this.cashUnitsPerEur = welcome.market.cashUnitsPerEur;
  }

  /** Q-values of a state (zeros for an unseen one); a copy. */
  qValues(key: string): number[] {
    return [...(this.table.get(key) ?? Q_ACTIONS.map(() => 0))];
  }

  get updateCount(): number {
    return this.updates;
  }

  decide(wake: WakeUp): Action[] {
    const b = this.battery;
    if (!b) return [];
    this.reward += this.stepReward(wake, b);
    const prices = forecastMap(wake);
    const target = tradableQuarterHours(this.products, wake.timeMs, this.params.gateMarginMs).find((p) =>
      prices.has(p.productId),
    );
    if (!target || target.productId === this.pending?.productId) return [];

    const forecast = prices.get(target.productId)!;
    const soc = projectSoc(
      assetState(wake, this.assetId)?.socMwh ?? b.socInitialMwh,
      b,
      wake,
      target.deliveryStartMs,
    );
    const level =
      this.params.levelBuckets > 0
        ? rankBucket(forecastRank(forecast, this.dayForecasts(prices, target)), this.params.levelBuckets)
        : undefined;
    const key = this.stateKey(
      target,
      soc,
      this.marketPrice(wake, target.productId, forecast) - forecast,
      b,
      level,
    );
    const feasible = this.feasibleActions(b, soc);
    const potential = this.params.socShaping ? soc * meanForecastEur(prices) : 0;
    if (this.params.endValue === 'socNeutral') {
      for (const [id, p] of prices) this.forecastsSeen.set(id, p / 100);
      this.closeDeliveredForecasts(wake.timeMs);
    }

    if (this.pending && this.params.learn) {
      const next = this.qValues(key);
      const maxNext = Math.max(...feasible.map((a) => next[a]!));
      this.update(this.pending, this.reward + this.gamma * potential - this.pending.potential, maxNext);
    }
    this.reward = 0;

    const action = this.choose(key, feasible);
    this.pending = { key, action, productId: target.productId, potential };
    if (this.params.endValue === 'socNeutral')
      this.pending.endValue = this.endValueEur(b, soc + socDeltaMwh(this.actionLots(b, action), b));
    const lots = this.actionLots(b, action) - scheduleLots(wake.positions, target.productId);
    return iocAround(
      target.productId,
      lots,
      forecast,
      eurToTicks(this.params.slippageEur),
      this.limits,
      `q${Q_ACTIONS[action]}`,
    );
  }

  /**
   * Restarted without these, it would start the run's learning over: the table of the file it
   * started from (without the updates of this run), the exploration's random stream from its seed,
   * and no pending transition (the reward of the fills since its last decision lost).
   */
  saveState(): TabularQState {
    return {
      table: Object.fromEntries(this.table),
      updates: this.updates,
      rng: this.rng.state(),
      pending: this.pending ?? null,
      reward: this.reward,
      lastClipped: this.lastClipped ?? null,
      ...(this.forecastsSeen.size > 0 ? { forecastsSeen: Object.fromEntries(this.forecastsSeen) } : {}),
      ...(this.forecastsClosed.count > 0 ? { forecastsClosed: { ...this.forecastsClosed } } : {}),
    };
  }

  loadState(state: unknown): void {
    const s = stateObject(this.name, state);
    const table = s.table;
    if (table === null || typeof table !== 'object' || Array.isArray(table))
      throw new LoadStateError(this.name, 'table', 'must be an object of Q-value lists');
    for (const [k, v] of Object.entries(table))
      if (!Array.isArray(v) || v.length !== Q_ACTIONS.length || !v.every(Number.isFinite))
        throw new LoadStateError(this.name, `table.${k}`, `must be ${Q_ACTIONS.length} finite numbers`);
    const updates = optionalNumber(this.name, s, 'updates');
    const rng = optionalNumber(this.name, s, 'rng');
    if (!Number.isInteger(updates) || updates! < 0)
      throw new LoadStateError(this.name, 'updates', 'must be a whole number ≥ 0');
    if (!Number.isInteger(rng) || rng! < 0 || rng! > 0xffffffff)
      throw new LoadStateError(this.name, 'rng', 'must be a 32-bit state');
    const reward = optionalNumber(this.name, s, 'reward') ?? 0;
    const lastClipped = optionalNumber(this.name, s, 'lastClipped');
    const pending = s.pending as Pending | null;
    if (
      pending !== null &&
      (typeof pending !== 'object' ||
        typeof pending.key !== 'string' ||
        !Number.isInteger(pending.action) ||
        typeof pending.productId !== 'string' ||
        !Number.isFinite(pending.potential) ||
        (pending.endValue !== undefined && !Number.isFinite(pending.endValue)))
    )
      throw new LoadStateError(
        this.name,
        'pending',
        'must be null or {key, action, productId, potential, endValue?}',
      );
    const seen = s.forecastsSeen;
    if (
      seen !== undefined &&
      (seen === null ||
        typeof seen !== 'object' ||
        Array.isArray(seen) ||
        !Object.values(seen).every((x) => typeof x === 'number' && Number.isFinite(x)))
    )
      throw new LoadStateError(this.name, 'forecastsSeen', 'must be an object of finite prices');
    const closed = s.forecastsClosed as TabularQState['forecastsClosed'] | null | undefined;
    if (
      closed !== undefined &&
      (closed === null ||
        typeof closed !== 'object' ||
        !Number.isFinite(closed.sumEur) ||
        !Number.isInteger(closed.count) ||
        closed.count < 0)
    )
      throw new LoadStateError(
        this.name,
        'forecastsClosed',
        'must be {sumEur, count} (a finite sum, a whole count ≥ 0)',
      );
    this.table.clear();
    for (const [k, v] of Object.entries(table)) this.table.set(k, [...(v as number[])]);
    this.updates = updates!;
    this.rng = mulberry32(rng!);
    this.pending = pending ?? undefined;
    this.reward = reward;
    this.lastClipped = lastClipped;
    this.forecastsSeen.clear();
    for (const [id, p] of Object.entries((seen ?? {}) as Record<string, number>))
      this.forecastsSeen.set(id, p);
    this.forecastsClosed = closed ? { sumEur: closed.sumEur, count: closed.count } : { sumEur: 0, count: 0 };
  }

  /**
   * Takes the quarter-hours whose delivery started by `nowMs` out of forecastsSeen, from its front
   * while the front one has started: the arena forecasts only quarter-hours not yet delivered, so
   * theirs are final. Only a prefix goes, so that the closed sum is the start of the same sum.
   */
  private closeDeliveredForecasts(nowMs: number): void {
    for (const [id, p] of this.forecastsSeen) {
      const start = this.products.get(id)?.deliveryStartMs ?? parseProductId(id)?.deliveryStartMs;
      if (start === undefined || start > nowMs) return;
      this.forecastsClosed.sumEur += p;
      this.forecastsClosed.count++;
      this.forecastsSeen.delete(id);
    }
  }

  onEnd(ended?: RunEnded): void {
    // Stopped before its end (Ctrl-C): a truncated episode, not a terminal state, so no terminal
    // update (bootstrapping with 0 would teach that where the run stopped is worth nothing); and
    // the table file stays as it was, as for a run that leaves no results, so running it again
    // starts from the same table.
    if (ended && runWasInterrupted(ended)) return;
    // Terminal transition: no bootstrap; with endValue 'socNeutral' the stored energy's value
    // stands in for the next day's (in the potential's units: γΦ(s_T) as any shaped step has).
    if (this.pending && this.params.learn) {
      const end = this.pending.endValue ?? 0;
      this.update(this.pending, this.reward + this.gamma * end - this.pending.potential, 0);
    }
    this.pending = undefined;
    this.reward = 0;
    const saveTo = this.carriesStateIn?.path;
    if (saveTo) this.save(saveTo);
  }

  /** The discount per decision: `gamma`, or with gammaPer 'hour' its fourth root (a decision a quarter-hour). */
  get gamma(): number {
    return this.params.gammaPer === 'hour' ? this.params.gamma ** 0.25 : this.params.gamma;
  }

  /**
   * The terminal target of a run ending at `socEndMwh` (endValue 'socNeutral'): the SoC change
   * from the initial SoC valued as the SoC-neutral profit does, at the mean of the forecasts seen;
   * with socShaping also the initial SoC at that mean, so that the shaped return telescopes to the
   * cash plus that valued change.
   */
  endValueEur(b: BatterySpec, socEndMwh: number): number {
    let sum = this.forecastsClosed.sumEur;
    for (const p of this.forecastsSeen.values()) sum += p;
    const count = this.forecastsClosed.count + this.forecastsSeen.size;
    const mean = count > 0 ? sum / count : 0;
    const change = socEndMwh - b.socInitialMwh;
    const valued = change >= 0 ? mean * b.etaDischarge * change : (mean / b.etaCharge) * change;
    return valued + (this.params.socShaping ? b.socInitialMwh * mean : 0);
  }

  /** `level`: the forecast-rank bucket (levelBuckets > 0); without it the version-1 key. */
  stateKey(
    target: ProductSpec,
    socMwh: number,
    priceDiffTicks: number,
    b: BatterySpec,
    level?: number,
  ): string {
    const hour = Math.floor(new Date(target.deliveryStartMs).getUTCHours() / (24 / this.params.hourBuckets));
    const range = b.socMaxMwh - b.socMinMwh;
    const n = this.params.socBuckets;
    const socBucket =
      range > 0 ? Math.min(n - 1, Math.max(0, Math.floor(((socMwh - b.socMinMwh) / range) * n))) : 0;
    const base = `${hour}|${socBucket}|${bucketOf(priceDiffTicks / 100, this.params.priceBucketsEur)}`;
    return level === undefined ? base : `${base}|${level}`;
  }

  /**
   * The forecasts of the other quarter-hours delivered within 24 h from the target's start (the
   * window its rank is taken in: what the battery could still buy or sell instead).
   */
  private dayForecasts(prices: ReadonlyMap<string, number>, target: ProductSpec): number[] {
    const from = target.deliveryStartMs;
    const out: number[] = [];
    for (const [id, price] of prices) {
      const start = this.products.get(id)?.deliveryStartMs;
      if (id !== target.productId && start !== undefined && start >= from && start < from + 24 * HOUR_MS)
        out.push(price);
    }
    return out;
  }

  private actionLots(b: BatterySpec, action: number): number {
    return Math.round(Q_ACTIONS[action]! * Math.floor(b.powerMw * 10 + 1e-9));
  }

  /** Actions whose schedule keeps the SoC within its bounds; never empty. */
  private feasibleActions(b: BatterySpec, socMwh: number): number[] {
    const ok = Q_ACTIONS.map((_, i) => i).filter((i) => {
      const after = socMwh + socDeltaMwh(this.actionLots(b, i), b);
      return after >= b.socMinMwh - 1e-9 && after <= b.socMaxMwh + 1e-9;
    });
    return ok.length ? ok : [Q_ACTIONS.indexOf(0)];
  }

  private choose(key: string, feasible: number[]): number {
    if (this.params.epsilon > 0 && this.rng() < this.params.epsilon)
      return feasible[Math.min(feasible.length - 1, Math.floor(this.rng() * feasible.length))]!;
    const q = this.qValues(key);
    let best = feasible[0]!;
    for (const a of feasible) {
      const better = q[a]! > q[best]! + 1e-12;
      const tie = Math.abs(q[a]! - q[best]!) <= 1e-12 && Math.abs(Q_ACTIONS[a]!) < Math.abs(Q_ACTIONS[best]!);
      if (better || tie) best = a;
    }
    return best;
  }

  private update(p: Pending, reward: number, maxNext: number): void {
    const q = this.qValues(p.key);
    q[p.action] = qUpdate(q[p.action]!, reward, maxNext, this.params.alpha, this.gamma);
    this.table.set(p.key, q);
    this.updates++;
    const every = this.params.saveEvery;
    const saveTo = this.carriesStateIn?.path;
    if (saveTo && every > 0 && this.updates % every === 0) this.save(saveTo);
  }

  /** What happened since the previous wake-up, in EUR. */
  private stepReward(wake: WakeUp, b: BatterySpec): number {
    let r = 0;
    let tradedLots = 0;
    for (const f of wake.fills) {
      r += fillCashEur(f);
      tradedLots += f.quantityLots * (f.productId.startsWith('h-') ? 4 : 1);
    }
    for (const s of wake.settlements) r += (s.imbalanceCashUnits - s.penaltyCashUnits) / this.cashUnitsPerEur;
    r -= ((b.degradationEurPerMwh ?? 0) * tradedLots * KWH_PER_LOT_QH) / 1000;
    const clipped = assetState(wake, this.assetId)?.clippedPeriods;
    if (clipped !== undefined) {
      if (this.lastClipped !== undefined && clipped > this.lastClipped)
        r -= (clipped - this.lastClipped) * this.params.clipPenaltyEur;
      this.lastClipped = clipped;
    }
    return r;
  }

  private marketPrice(wake: WakeUp, productId: string, forecast: number): number {
    const book = wake.books.find((x) => x.productId === productId);
    const bid = book?.bids[0]?.priceTicks;
    const ask = book?.asks[0]?.priceTicks;
    if (bid !== undefined && ask !== undefined) return (bid + ask) / 2;
    if (bid !== undefined) return bid;
    if (ask !== undefined) return ask;
    if (book?.hasLastTrade) return book.lastTradePriceTicks;
    return forecast;
  }

  toJSON(): QTableFile {
    const levels = this.params.levelBuckets;
    return {
      version: levels > 0 ? 2 : 1,
      actions: [...Q_ACTIONS],
      socBuckets: this.params.socBuckets,
      priceBucketsEur: this.params.priceBucketsEur,
      ...(levels > 0 ? { levelBuckets: levels } : {}),
      ...(this.params.hourBuckets !== 24 ? { hourBuckets: this.params.hourBuckets } : {}),
      updates: this.updates,
      table: Object.fromEntries([...this.table.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    };
  }

  save(path: string): void {
    mkdirSync(dirname(path), { recursive: true });
    // A temporary file of its own: two processes saving to one path (two agents, two runs at once)
    // shared `${path}.tmp`, and the second rename failed with ENOENT, ending its agent process.
    const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(this.toJSON(), null, 1)}\n`);
    renameSync(tmp, path);
  }

  private load(path: string): void {
    let data: QTableFile;
    try {
      data = JSON.parse(readFileSync(path, 'utf8')) as QTableFile;
    } catch (err) {
      throw new ParamError(
        'tabular-q',
        'qTablePath',
        `cannot read a Q-table from ${path}: ${(err as Error).message}`,
      );
    }
    const same = (a: readonly number[], b: readonly number[]) =>
      a.length === b.length && a.every((x, i) => x === b[i]);
    // A table's keys have the price-level part exactly when it is version 2: a version-1 table read
    // with levelBuckets (or the reverse) would match none of its states and silently start empty.
    const levels = this.params.levelBuckets;
    if (data?.version !== 1 && data?.version !== 2)
      throw new ParamError(
        'tabular-q',
        'qTablePath',
        `${path}: unknown Q-table version ${JSON.stringify(data?.version)} (this build reads 1 and 2)`,
      );
    if (data.version === 1 && levels > 0)
      throw new ParamError(
        'tabular-q',
        'qTablePath',
        `${path} is a version-1 table (no price level in its states); it is read with levelBuckets 0, not ${levels}`,
      );
    if (data.version === 2 && data.levelBuckets !== levels)
      throw new ParamError(
        'tabular-q',
        'qTablePath',
        `${path} is a version-2 table with levelBuckets ${JSON.stringify(data.levelBuckets)}; params.levelBuckets is ${levels}`,
      );
    // A table of hour blocks read by hours (or the reverse) would find other states under its keys.
    if ((data.hourBuckets ?? 24) !== this.params.hourBuckets)
      throw new ParamError(
        'tabular-q',
        'qTablePath',
        `${path} has hourBuckets ${JSON.stringify(data.hourBuckets ?? 24)}; params.hourBuckets is ${this.params.hourBuckets}`,
      );
    if (
      !same(data.actions ?? [], Q_ACTIONS) ||
      data.socBuckets !== this.params.socBuckets ||
      !same(data.priceBucketsEur ?? [], this.params.priceBucketsEur)
    )
      throw new ParamError(
        'tabular-q',
        'qTablePath',
        `${path} was trained with other actions or buckets (socBuckets ${data?.socBuckets}, priceBucketsEur ${JSON.stringify(data?.priceBucketsEur)})`,
      );
    for (const [k, v] of Object.entries(data.table ?? {})) {
      if (!Array.isArray(v) || v.length !== Q_ACTIONS.length || !v.every(Number.isFinite))
        throw new ParamError(
          'tabular-q',
          'qTablePath',
          `${path}: state ${k} needs ${Q_ACTIONS.length} finite values`,
        );
      this.table.set(k, [...v]);
    }
    // The update count paces saveEvery; a damaged one (a string, −1) made it NaN and stopped saving.
    const updates = data.updates ?? 0;
    if (!(Number.isInteger(updates) && updates >= 0))
      throw new ParamError(
        'tabular-q',
        'qTablePath',
        `${path}: updates must be an integer >= 0, got ${JSON.stringify(updates)}`,
      );
    this.updates = updates;
  }
}

/** Mean forecast over the next 24 hours of forecasts, EUR/MWh (0 without any). */
function meanForecastEur(prices: ReadonlyMap<string, number>): number {
  const xs = [...prices.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, (24 * HOUR_MS) / (15 * 60_000))
    .map(([, p]) => p);
  return xs.length ? xs.reduce((a, x) => a + x, 0) / xs.length / 100 : 0;
}
