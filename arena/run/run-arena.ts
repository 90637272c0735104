// One run, end to end: run folder, NATS, gRPC gateway, agent processes, the sequencer, results.
// Every process started here is stopped here, whatever happens.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify as toYaml } from 'yaml';
import { type MarketSpec, ProductKind } from '../../gen/flexarena/v1/market.js';
import { CASH_UNITS_PER_EUR, PRICE_TICK_EUR_PER_MWH, QUANTITY_LOT_MW } from '../../market/index.js';
import type { RunConfig } from '../../sim/config/run-config.js';
import { createRunContext } from '../../sim/core/run-context.js';
import { RunEngine } from '../../sim/core/run-engine.js';
import { agentResults, type RunResults, writeResults } from '../../sim/results/results.js';
import type { ProductCatalog } from '../../sim/world/products.js';
import { GrpcGateway } from '../gateway/grpc-gateway.js';
import { type LaunchedAgent, launchAgent, stopAgents } from '../launcher/agent-launcher.js';
import {
  type MarketDataPublisher,
  NatsMarketDataPublisher,
  NullPublisher,
} from '../nats/market-data-publisher.js';
import { type NatsServerHandle, startNatsServer } from '../nats/nats-server-launcher.js';
import { TapeWriter } from '../tape/tape-writer.js';
import { FileFaultLog } from './fault-log.js';

export interface RunOptions {
  runId?: string;
  /** Relative paths in the configuration (e.g. a world CSV) resolve against this folder. */
  baseDir?: string;
  host?: string;
  /** Progress and diagnostics; results are returned. */
  log?: (line: string) => void;
}

export interface RunOutput {
  runDir: string;
  results: RunResults;
  natsUrl?: string;
}

export function makeRunId(cfg: RunConfig): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
  return `${cfg.name}-s${cfg.seed}-${stamp}-${randomBytes(2).toString('hex')}`;
}

export async function runArena(cfg: RunConfig, opts: RunOptions = {}): Promise<RunOutput> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const runId = opts.runId ?? makeRunId(cfg);
  if (!/^[a-z0-9][a-z0-9-]*$/.test(runId))
    throw new Error(`run id "${runId}" must be lowercase letters, digits and dashes`);
  const runDir = resolve(cfg.outDir, runId);
  mkdirSync(join(runDir, 'agents'), { recursive: true });
  writeFileSync(join(runDir, 'config.yaml'), toYaml(cfg));
  const faults = new FileFaultLog(join(runDir, 'agent-faults.log'), log);

  let nats: NatsServerHandle | undefined;
  let publisher: MarketDataPublisher = new NullPublisher();
  let gateway: GrpcGateway | undefined;
  const launched: LaunchedAgent[] = [];
  try {
    let natsUrl = cfg.nats.url ?? process.env.FLEXARENA_NATS_URL;
    if (cfg.nats.enabled && !natsUrl) {
      nats = await startNatsServer();
      natsUrl = nats.url;
      log(`nats-server started at ${natsUrl}`);
    }
    if (cfg.nats.enabled && natsUrl) publisher = await NatsMarketDataPublisher.connect(natsUrl, runId);

    const tokens = new Map<string, string>();
    const tokenOf = new Map<string, string>();
    for (const a of cfg.agents) {
      const token = a.token ?? randomBytes(18).toString('base64url');
      tokens.set(token, a.id);
      tokenOf.set(a.id, token);
    }
    const tape = new TapeWriter(join(runDir, 'tape.jsonl'));
    const ctx = createRunContext(cfg, runId, { tape, publisher, faults, baseDir: opts.baseDir });
    const products = ctx.products;
    let engine: RunEngine | undefined;
    const spec = marketSpec(cfg, products);
    const limits = {
      priceMinTicks: spec.priceMinTicks,
      priceMaxTicks: spec.priceMaxTicks,
      maxQuantityLots: spec.maxQuantityLots,
      maxActionsPerBatch: 10_000,
      maxClientRefLength: 64,
      enabledKinds: new Set<string>(),
    };
    gateway = new GrpcGateway({
      runId,
      tokens,
      faults,
      limits,
      marketSpec: () => ({ runId, market: spec }),
      welcome: (agentId) => {
        const e = engine!;
        return {
          runId,
          agentId,
          market: spec,
          assets: ctx.assets.has(agentId) ? [ctx.assets.get(agentId)!.spec()] : [],
          decisionIntervalMs: cfg.decisionIntervalMinutes * 60_000,
          deadlineMs: cfg.deadlineMs,
          simStartMs: e.simStartMs,
          simEndMs: e.simEndMs,
          auctions: e.auctions?.specs() ?? [],
          capacityProductIds: e.balancing?.capacityProductIds() ?? [],
          capacityGateClosureMs: e.balancing?.capacityGateMs(0) ?? 0,
          energyGateClosureLeadMs: cfg.market.balancing.energyGateMinutes * 60_000,
          world: {
            windCapacityMw: cfg.world.calibration.wind.capacityMw,
            solarCapacityMw: cfg.world.calibration.solar.capacityMw,
          },
        };
      },
    });
    engine = new RunEngine(ctx, gateway);
    for (const kind of [
      'submit',
      'cancel',
      'modify',
      'auctionBid',
      'cancelAuctionBid',
      'capacityBid',
      'energyBid',
    ])
      if (engine.acceptsAction(kind)) limits.enabledKinds.add(kind);
    const host = opts.host ?? '127.0.0.1';
    const port = await gateway.listen(host, cfg.port);
    const address = `${host}:${port}`;
    // Machine-readable line for tools and tests that start the arena as a process.
    process.stdout.write(
      `FLEXARENA_LISTENING ${address} ${runId} ${runDir}${natsUrl ? ` ${natsUrl}` : ''}\n`,
    );
    log(`arena ${runId} listening on ${address}`);
    for (const a of cfg.agents) {
      if (a.launch) launched.push(launchAgent(a, address, tokenOf.get(a.id)!, join(runDir, 'agents')));
      else
        log(
          `waiting for agent ${a.id} to connect by hand: flexarena agent ${a.strategy} --arena ${address} --token <token>`,
        );
    }

    const summary = await engine.run();
    const results: RunResults = {
      runId,
      name: cfg.name,
      seed: cfg.seed,
      day: cfg.day,
      tapeSha256: summary.tapeHash,
      stats: {
        wakeUps: summary.wakeUps,
        actions: summary.actions,
        trades: summary.trades,
        tapeEvents: tape.count,
      },
      agents: agentResults(ctx, summary.ledgers),
      parties: ctx
        .allLedgers()
        .map((l) => ({ party: l.agentId, cashUnits: { ...l.cash }, totalCashUnits: l.totalCashUnits })),
    };
    for (const r of results.agents) gateway.end(r.agentId, { reason: 'run complete', result: r });
    writeResults(runDir, results);
    return { runDir, results, natsUrl };
  } finally {
    await stopAgents(launched);
    await gateway?.close();
    await publisher.close().catch((err) => log(`closing NATS publisher: ${(err as Error).message}`));
    await nats?.stop();
  }
}

function marketSpec(cfg: RunConfig, products: ProductCatalog): MarketSpec {
  return {
    priceMinTicks: Math.round(cfg.market.cid.priceMinEur * 100),
    priceMaxTicks: Math.round(cfg.market.cid.priceMaxEur * 100),
    priceTickEurPerMwh: PRICE_TICK_EUR_PER_MWH,
    quantityLotMw: QUANTITY_LOT_MW,
    cashUnitsPerEur: CASH_UNITS_PER_EUR,
    maxQuantityLots: 100_000,
    products: products.all.map((p) => ({
      productId: p.id,
      kind: p.kind === 'QH' ? ProductKind.PRODUCT_KIND_QUARTER_HOUR : ProductKind.PRODUCT_KIND_HOUR,
      deliveryStartMs: p.deliveryStartMs,
      deliveryEndMs: p.deliveryEndMs,
      tradingOpenMs: p.openMs,
      gateClosureMs: p.gateClosureMs,
    })),
  };
}
