// The counterfactual runs of a study, each a transformation of the scenario on the same world
// seed: 'with' (the scenario as it is), 'without' (the agent under study removed), 'size' (its
// battery's power and energy scaled) and 'fleet' (N identical copies of a battery sharing the
// books). Scale 1 (and N = 1 of the studied agent) is the scenario itself: the 'with' run, not run
// again.
import { ConfigError, type ConfigIssue } from '../lib/index.js';
import { PRODUCT_KIND_MINUTES, QUANTITY_LOT_MW } from '../market/index.js';
import { type AgentConfig, BatteryTwin, parseAssetConfig, type RunConfig } from '../sim/index.js';
import type { StudyConfig } from './config.js';

export type VariantKind = 'with' | 'without' | 'size' | 'fleet';

export interface Variant {
  /** Stable key: with, without, size-<factor>, fleet-<n>. */
  id: string;
  kind: VariantKind;
  /** The size factor or the fleet's N (1 for 'with', 0 for 'without'). */
  value: number;
}

export function variants(s: StudyConfig): Variant[] {
  const out: Variant[] = [
    { id: 'with', kind: 'with', value: 1 },
    { id: 'without', kind: 'without', value: 0 },
  ];
  for (const f of s.sizes) if (f !== 1) out.push({ id: `size-${f}`, kind: 'size', value: f });
  // N = 1 of another battery than the studied one is the scenario too, but about another agent.
  const sameAgent = (s.fleet?.agent ?? s.agent) === s.agent;
  for (const n of s.fleet?.counts ?? [])
    if (n !== 1 || !sameAgent) out.push({ id: `fleet-${n}`, kind: 'fleet', value: n });
  return out;
}

/** The agent ids whose batteries a variant's figures are about (in configuration order). */
export function studiedAgents(s: StudyConfig, v: Variant): string[] {
  if (v.kind === 'without') return [];
  if (v.kind !== 'fleet') return [s.agent];
  const base = s.fleet?.agent ?? s.agent;
  return [base, ...copyIds(base, v.value)];
}

function copyIds(base: string, n: number): string[] {
  return Array.from({ length: n - 1 }, (_, k) => `${base}-${k + 2}`);
}

/** The battery agent `id` of the scenario, or a ConfigError naming the study field. */
function batteryAgent(scenario: RunConfig, id: string, field: string, file: string): AgentConfig {
  const a = scenario.agents.find((x) => x.id === id);
  if (!a)
    throw new ConfigError(file, [
      {
        path: field,
        message: `no agent "${id}" in the scenario (agents: ${scenario.agents.map((x) => x.id).join(', ')})`,
      },
    ]);
  if (a.asset?.type !== 'battery')
    throw new ConfigError(file, [
      { path: field, message: `agent "${id}" has no battery asset (${a.asset?.type ?? 'no asset'})` },
    ]);
  return a;
}

/**
 * Checks the study against its scenario (agents exist, have batteries that stay within the asset
 * limits at every size, copies' ids are free).
 */
export function checkStudy(s: StudyConfig, scenario: RunConfig, file = '<study>'): void {
  const studied = batteryAgent(scenario, s.agent, 'agent', file);
  const oversized = scaledBatteryIssues(s, studied);
  if (oversized.length > 0) throw new ConfigError(file, oversized);
  if (!s.fleet) return;
  const base = s.fleet.agent ?? s.agent;
  batteryAgent(scenario, base, 'fleet.agent', file);
  const taken = new Set(scenario.agents.map((a) => a.id));
  const most = Math.max(...s.fleet.counts);
  for (const id of copyIds(base, most))
    if (taken.has(id) || id.length > 32)
      throw new ConfigError(file, [
        {
          path: 'fleet.agent',
          message: `copy id "${id}" ${taken.has(id) ? 'is taken by an agent of the scenario' : 'is longer than 32 chars'}`,
        },
      ]);
}

/**
 * A size factor that takes the battery beyond what an asset may be (10 000 MW, 100 000 MWh): the
 * scaled battery is validated as the scenario's own is, and a refusal names `sizes[j]` — a run of it
 * would simulate a battery no configuration may hold. One scaled below a lot of the market is
 * refused too, in power (0.1 MW: it cannot place a single order) and in energy (its usable range,
 * what the battery twin delivers from socMax or takes from socMin in a quarter-hour, through its
 * efficiencies, below one lot over the shortest product, 0.1 MW × 15 min = 25 kWh: it cannot deliver
 * or take a single lot in full): its variant would be a run of an
 * agent that cannot trade, compared as if it were the agent at that size.
 */
/**
 * A smallest factor as a user would type it: 4 significant digits, rounded up so that the printed
 * factor itself is large enough (0.00013888888888888892 → 0.0001389, never 0.0001388).
 */
export function factorAtLeast(x: number): number {
  const near = Number(x.toPrecision(4));
  if (near >= x) return near;
  return Number((near + 10 ** (Math.floor(Math.log10(x)) - 3)).toPrecision(4));
}

function scaledBatteryIssues(s: StudyConfig, a: AgentConfig): ConfigIssue[] {
  return s.sizes.flatMap((factor, j) => {
    if (factor === 1 || a.asset?.type !== 'battery') return [];
    try {
      const scaled = parseAssetConfig(scaledBattery(a.asset, factor), '<scaled>', '');
      if (scaled.type !== 'battery') return [];
      const issue = (message: string): ConfigIssue => ({
        path: `sizes[${j}]`,
        message: `variant size-${factor}: agent "${a.id}"'s battery scaled by ${factor} would have ${message}`,
        value: factor,
      });
      const issues: ConfigIssue[] = [];
      if (belowOneLot(scaled.powerMw))
        issues.push(
          issue(
            `powerMw ${scaled.powerMw}, less than one lot of the market (${QUANTITY_LOT_MW} MW): it could not place an order; the smallest factor for this battery is ${factorAtLeast(QUANTITY_LOT_MW / a.asset.powerMw)}`,
          ),
        );
      const span = scaled.socMax - scaled.socMin;
      const usableMwh = scaled.energyMwh * span;
      const lot = lotPeriodKwh(scaled);
      if (lot.deliverKwh < LOT_ENERGY_KWH || lot.takeKwh < LOT_ENERGY_KWH) {
        // Discharging passes through etaDischarge, charging through etaCharge: the twin gives the
        // grid usable × etaDischarge and takes usable / etaCharge. The smallest factor is the one at
        // which the scarcer direction reaches one lot.
        const perFactorMwh = a.asset.energyMwh * span * Math.min(scaled.etaDischarge, 1 / scaled.etaCharge);
        issues.push(
          issue(
            `energyMwh ${scaled.energyMwh}, usable ${Number(usableMwh.toPrecision(6))} MWh between socMin ${scaled.socMin} and socMax ${scaled.socMax}: from socMax it could deliver ${lot.deliverKwh} kWh (etaDischarge ${scaled.etaDischarge}) and from socMin take ${lot.takeKwh} kWh (etaCharge ${scaled.etaCharge}) in a quarter-hour, less than one lot over the shortest product (${QUANTITY_LOT_MW} MW × ${PRODUCT_KIND_MINUTES.QH} min = ${LOT_ENERGY_KWH} kWh): it could not deliver or take one lot in full; ${span > 0 ? `the smallest factor for this battery is ${factorAtLeast(LOT_ENERGY_KWH / 1000 / perFactorMwh)}` : 'its SoC range is empty at any size'}`,
          ),
        );
      }
      return issues;
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      return err.issues.map((i) => ({
        path: `sizes[${j}]`,
        message: `agent "${a.id}"'s battery scaled by ${factor} would have ${i.path} ${String(i.value)}: ${i.message}`,
        value: factor,
      }));
    }
  });
}

/** One lot over the shortest product (a quarter-hour), kWh: the least energy an order moves. */
const LOT_ENERGY_KWH = Math.round((QUANTITY_LOT_MW * PRODUCT_KIND_MINUTES.QH * 1000) / 60);

/**
 * What the battery twin itself meters in one quarter-hour, grid side, whole kWh: discharging from
 * socMax to socMin (through etaDischarge) and charging from socMin to socMax (through etaCharge),
 * within its power. The usable range alone ignored the efficiencies: a range of exactly one lot
 * delivers only etaDischarge of a lot. Power is left out (unbounded here): a battery below one lot
 * of power is refused for that, with its own message.
 */
function lotPeriodKwh(b: BatteryAsset): { deliverKwh: number; takeKwh: number } {
  const hours = PRODUCT_KIND_MINUTES.QH / 60;
  const energyOnly = { ...b, powerMw: Number.POSITIVE_INFINITY };
  const full = new BatteryTwin('study-check', { ...energyOnly, socInitial: b.socMax });
  const empty = new BatteryTwin('study-check', { ...energyOnly, socInitial: b.socMin });
  return {
    deliverKwh: full.headroomKwh(hours).maxDischargeKwh,
    takeKwh: empty.headroomKwh(hours).maxChargeKwh,
  };
}

/** Below 0.1 MW, with a margin for the float product: 0.5 MW × 0.2 is one lot, not less. */
function belowOneLot(powerMw: number): boolean {
  return powerMw < QUANTITY_LOT_MW * (1 - 1e-9);
}

type BatteryAsset = Extract<AgentConfig['asset'], { type: 'battery' }>;

function scaledBattery(b: BatteryAsset, factor: number): BatteryAsset {
  return { ...b, powerMw: b.powerMw * factor, energyMwh: b.energyMwh * factor };
}

/** The scenario transformed into variant `v` (a deep copy; the world seed is set by the caller). */
export function variantConfig(s: StudyConfig, scenario: RunConfig, v: Variant): RunConfig {
  const cfg = structuredClone(scenario);
  if (v.kind === 'without') cfg.agents = cfg.agents.filter((a) => a.id !== s.agent);
  else if (v.kind === 'size') {
    const a = cfg.agents.find((x) => x.id === s.agent)!;
    if (a.asset?.type === 'battery') a.asset = scaledBattery(a.asset, v.value);
  } else if (v.kind === 'fleet') {
    const base = s.fleet?.agent ?? s.agent;
    const i = cfg.agents.findIndex((x) => x.id === base);
    const original = cfg.agents[i]!;
    // A copy is the same battery with the same strategy; a fixed token would be shared, so none.
    const copies = copyIds(base, v.value).map((id) => {
      const { token: _token, ...rest } = structuredClone(original);
      return { ...rest, id, launch: true };
    });
    cfg.agents.splice(i + 1, 0, ...copies);
  }
  return cfg;
}
