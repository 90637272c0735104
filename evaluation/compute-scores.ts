// Scores of one run from its settlement records (and, when they are in, its manifest and end
// message). A pure function of the set of records: the evaluator that restarted, the one that
// ran through and the in-process sink give the same scores for the same records.
import type { RunEnd, RunManifest, SettlementRecord } from '../gen/flexarena/v1/evaluation.js';
import { CASH_UNITS_PER_EUR } from '../market/index.js';
import { assetFigures } from './asset-figures.js';
import { type BoundSolver, popScores } from './bound/pop.js';
import { EVALUATOR_VERSION, scoreInputsSha256 } from './inputs-digest.js';
import type { AgentScores, CashKind, CostKind, RunScores, RunSeries } from './scores.js';

const QH_MS = 900_000;
const TICKS_PER_EUR = 100;
const CASH_KINDS: CashKind[] = [
  'cid',
  'auction',
  'capacity',
  'balancingEnergy',
  'imbalance',
  'penalty',
  'positionValue',
];
const COST_KINDS: CostKind[] = ['degradation', 'lostRental', 'tariff', 'assetPenalty'];

export interface ScoreInputs {
  runId: string;
  manifest?: RunManifest;
  /** The distinct records received, any order. */
  records: readonly SettlementRecord[];
  end?: RunEnd;
  duplicates?: number;
  solver?: BoundSolver;
  /** Compute PoP (only final scores do by default). */
  withPop?: boolean;
}

const eur = (units: number) => units / CASH_UNITS_PER_EUR;
const zeroCash = () => Object.fromEntries(CASH_KINDS.map((k) => [k, 0])) as Record<CashKind, number>;
const zeroCosts = () => Object.fromEntries(COST_KINDS.map((k) => [k, 0])) as Record<CostKind, number>;

function missingBelowMax(records: readonly SettlementRecord[]): number {
  if (records.length === 0) return 0;
  const max = records.reduce((m, r) => Math.max(m, r.seq), 0);
  return max - records.length;
}

/** Steps of the run: the manifest's, else the span of the records seen. */
function stepGrid(inputs: ScoreInputs): { firstMs: number; steps: number } {
  const m = inputs.manifest;
  if (m) return { firstMs: m.firstDeliveryStartMs, steps: m.quarterHours };
  if (inputs.records.length === 0) return { firstMs: 0, steps: 0 };
  const starts = inputs.records.map((r) => r.deliveryStartMs);
  const first = Math.min(...starts);
  return { firstMs: first, steps: (Math.max(...starts) - first) / QH_MS + 1 };
}

export function computeScores(inputs: ScoreInputs): RunScores {
  const { manifest, end } = inputs;
  const records = [...inputs.records].sort((a, b) => a.seq - b.seq);
  const { firstMs, steps } = stepGrid(inputs);
  const stepOf = (r: SettlementRecord) => Math.round((r.deliveryStartMs - firstMs) / QH_MS);
  const byStep: (SettlementRecord | undefined)[] = new Array(steps).fill(undefined);
  for (const r of records) byStep[stepOf(r)] ??= r;
  const seen = byStep.filter((r): r is SettlementRecord => r !== undefined);
  const referencePrice =
    seen.length > 0
      ? seen.reduce((s, r) => s + r.referencePriceTicks, 0) / seen.length / TICKS_PER_EUR
      : null;
  const expected = end ? end.settlementRecords : null;
  const complete =
    !!manifest && !!end && records.length === end.settlementRecords && missingBelowMax(records) === 0;

  const agentOrder = manifest
    ? manifest.agents.map((a) => a.agentId)
    : [...new Set(records.map((r) => r.agentId))];
  const recordsOf = new Map<string, SettlementRecord[]>(agentOrder.map((id) => [id, []]));
  for (const r of records) {
    if (!recordsOf.has(r.agentId)) recordsOf.set(r.agentId, []);
    recordsOf.get(r.agentId)!.push(r);
  }
  const series: RunSeries = {
    deliveryStartMs: Array.from({ length: steps }, (_, i) => firstMs + i * QH_MS),
    referenceEur: byStep.map((r) => (r ? r.referencePriceTicks / TICKS_PER_EUR : Number.NaN)),
    dayAheadEur: byStep.map((r) =>
      r?.prices?.dayAheadTicks === undefined ? null : r.prices.dayAheadTicks / TICKS_PER_EUR,
    ),
    cidVwapEur: byStep.map((r) =>
      r?.prices && r.prices.cidVolumeLots > 0
        ? r.prices.cidTurnoverTickLots / r.prices.cidVolumeLots / TICKS_PER_EUR
        : null,
    ),
    cidLowEur: byStep.map((r) =>
      r?.prices?.cidLowTicks === undefined ? null : r.prices.cidLowTicks / TICKS_PER_EUR,
    ),
    cidHighEur: byStep.map((r) =>
      r?.prices?.cidHighTicks === undefined ? null : r.prices.cidHighTicks / TICKS_PER_EUR,
    ),
    imbalanceEur: byStep.map((r) => (r ? r.imbalancePriceTicks / TICKS_PER_EUR : Number.NaN)),
    agents: {},
  };
  const agents: AgentScores[] = [];
  for (const [agentId, list] of recordsOf) {
    const m = manifest?.agents.find((a) => a.agentId === agentId);
    const counters = end?.agents.find((a) => a.agentId === agentId);
    const asset = assetFigures(m?.asset);
    const cashUnits = zeroCash();
    const costUnits = zeroCosts();
    let profitCashUnits = 0;
    let tradedKwh = 0;
    let imbalanceAbsKwh = 0;
    let imbalanceNetKwh = 0;
    let clipped = 0;
    let socMoved = 0;
    let soc = asset?.storage?.socStartMwh;
    const cumulative = new Array(steps).fill(0);
    const socSeries = new Array(steps).fill(Number.NaN);
    const position = new Array(steps).fill(0);
    const traded = new Array(steps).fill(0);
    const perStep = new Array(steps).fill(0);
    for (const r of list) {
      for (const k of CASH_KINDS) cashUnits[k] += r.cash?.[k] ?? 0;
      for (const k of COST_KINDS) costUnits[k] += r.costs?.[k] ?? 0;
      profitCashUnits += r.profitCashUnits;
      tradedKwh += r.tradedKwh;
      imbalanceAbsKwh += Math.abs(r.imbalanceKwh);
      imbalanceNetKwh += r.imbalanceKwh;
      if (r.clipped) clipped++;
      const st = stepOf(r);
      perStep[st] += eur(r.profitCashUnits);
      socSeries[st] = r.socMwh;
      position[st] = r.positionKwh / 1000;
      traded[st] = r.tradedKwh / 1000;
      if (soc !== undefined) {
        socMoved += Math.abs(r.socMwh - soc);
        soc = r.socMwh;
      }
    }
    let run = 0;
    for (let i = 0; i < steps; i++) cumulative[i] = run += perStep[i];
    series.agents[agentId] = {
      cumulativeProfitEur: cumulative,
      socMwh: socSeries,
      positionMwh: position,
      tradedMwh: traded,
    };

    const profitEur = eur(profitCashUnits);
    const storage = asset?.storage;
    const socEnd = storage && list.length > 0 ? list[list.length - 1]!.socMwh : storage?.socStartMwh;
    const change = storage && socEnd !== undefined ? socEnd - storage.socStartMwh : null;
    const value =
      change === null || referencePrice === null
        ? null
        : change >= 0
          ? referencePrice * storage!.etaDischarge * change
          : (referencePrice / storage!.etaCharge) * change;
    const socNeutral = profitEur + (value ?? 0);
    const assetCostUnits = COST_KINDS.reduce((s, k) => s + costUnits[k], 0);
    const split = {
      ...(Object.fromEntries(CASH_KINDS.map((k) => [k, eur(cashUnits[k])])) as Record<CashKind, number>),
      assetCosts: -eur(assetCostUnits),
    };
    const scores: AgentScores = {
      agentId,
      strategy: m?.strategy ?? list[0]?.strategy ?? '',
      role: m?.role ?? 'trader',
      asset: asset?.kind ?? null,
      powerMw: asset ? asset.powerMw : null,
      energyMwh: asset ? asset.energyMwh : null,
      periods: list.length,
      cashUnits,
      costUnits,
      profitCashUnits,
      split,
      profitEur,
      profitPerMwEur: asset && asset.powerMw > 0 ? profitEur / asset.powerMw : null,
      profitPerMwhEur: asset && asset.energyMwh > 0 ? profitEur / asset.energyMwh : null,
      socStartMwh: storage ? storage.socStartMwh : null,
      socEndMwh: storage ? (socEnd ?? null) : null,
      storedEnergyChangeMwh: change,
      storedEnergyValueEur: value,
      socNeutralProfitEur: socNeutral,
      tradedMwh: tradedKwh / 1000,
      imbalanceMwh: imbalanceAbsKwh / 1000,
      netImbalanceMwh: imbalanceNetKwh / 1000,
      fullCycles: storage && asset.energyMwh > 0 ? socMoved / (2 * asset.energyMwh) : null,
      clippedPeriods: clipped,
      missedDeadlines: counters ? counters.missedDeadlines : null,
      orders: counters ? counters.orders : null,
      rejects: counters ? counters.rejects : null,
      lostRentals: asset?.kind === 'ev-fleet' ? (counters?.finalAssetState?.refusedRentals ?? null) : null,
      lostRentalEur: asset?.kind === 'ev-fleet' ? eur(costUnits.lostRental) : null,
      pop: null,
    };
    if (asset?.bound && (inputs.withPop ?? complete) && referencePrice !== null && socEnd !== undefined) {
      scores.pop = popScores(
        {
          spec: asset.bound,
          prices: byStep.map((r) => r?.prices),
          socEndMwh: socEnd,
          referencePriceEurPerMwh: referencePrice,
          profitEur,
          socNeutralProfitEur: socNeutral,
        },
        inputs.solver ?? { kind: 'dp' },
      );
    } else if (asset?.noBound) scores.popNote = asset.noBound;
    else if (asset?.bound) scores.popNote = 'computed when the run is complete';
    agents.push(scores);
  }
  return {
    runId: inputs.runId,
    evaluatorVersion: EVALUATOR_VERSION,
    inputsSha256: scoreInputsSha256({ manifest, records, end }),
    name: manifest?.name ?? null,
    seed: manifest ? manifest.seed : null,
    day: manifest?.day ?? null,
    days: manifest ? manifest.days : null,
    complete,
    records: records.length,
    expectedRecords: expected,
    duplicates: inputs.duplicates ?? 0,
    missing: expected !== null ? expected - records.length : missingBelowMax(records),
    referencePriceEurPerMwh: referencePrice,
    boundSolver: (inputs.solver ?? { kind: 'dp' }).kind,
    agents,
    series,
  };
}
