// Everything the sequencer, the venues and settlement share during one run.

import { NamedRng } from '../../lib/index.js';
import { createAssetTwin } from '../assets/asset-factory.js';
import type { AssetTwin } from '../assets/asset-twin.js';
import type { RunConfig } from '../config/run-config.js';
import type { Output } from '../records/records.js';
import { type ProductCatalog, productCatalogFor } from '../world/products.js';
import { type CreateWorldOptions, createWorld, type World } from '../world/world.js';
import { AgentLedger } from './agent-ledger.js';

/** The arena's own counterparties, so that every euro and every kWh has two sides. */
export const WORLD_PARTY = 'world';
export const TSO_PARTY = 'tso';

export class RunContext {
  readonly ledgers = new Map<string, AgentLedger>();
  readonly assets = new Map<string, AssetTwin>();
  readonly world_: AgentLedger;
  readonly tso: AgentLedger;

  constructor(
    readonly cfg: RunConfig,
    readonly runId: string,
    readonly products: ProductCatalog,
    readonly world: World,
    readonly rng: NamedRng,
    readonly out: Output,
  ) {
    for (const a of cfg.agents) this.ledgers.set(a.id, new AgentLedger(a.id, a.strategy));
    this.world_ = new AgentLedger(WORLD_PARTY, 'exogenous');
    this.tso = new AgentLedger(TSO_PARTY, 'system operator');
  }

  /** The ledger of an agent or of one of the arena's parties. */
  ledger(party: string): AgentLedger {
    if (party === WORLD_PARTY) return this.world_;
    if (party === TSO_PARTY) return this.tso;
    const l = this.ledgers.get(party);
    if (!l) throw new Error(`no ledger for party ${party}`);
    return l;
  }

  /** Agents in configuration order, then the arena's parties. */
  allLedgers(): AgentLedger[] {
    return [...this.cfg.agents.map((a) => this.ledgers.get(a.id)!), this.world_, this.tso];
  }

  isLiquidity(agentId: string): boolean {
    return this.cfg.agents.find((a) => a.id === agentId)?.role === 'liquidity';
  }
}

export interface RunContextDeps {
  out: Output;
  /** Files the configuration names, read by the caller. */
  files?: CreateWorldOptions;
}

/** Everything a run shares, built from its configuration: products, seeded world, asset twins. */
export function createRunContext(cfg: RunConfig, runId: string, deps: RunContextDeps): RunContext {
  const products = productCatalogFor(cfg);
  const rng = new NamedRng(cfg.seed);
  const world = createWorld(cfg.world, rng, products.days, deps.files ?? {});
  const ctx = new RunContext(cfg, runId, products, world, rng, deps.out);
  for (const a of cfg.agents)
    if (a.asset)
      ctx.assets.set(
        a.id,
        createAssetTwin(`${a.id}-${a.asset.type}`, a.asset, { world, rng, stepHours: 0.25 }),
      );
  return ctx;
}
