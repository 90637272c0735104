// One tournament game: the scenario with the line-up in its seats, run in process by default
// (entrants with mode 'process' or a command play over gRPC in the same game), scored by the
// in-process evaluator. The same function runs in the tournament process and in workers.
import { join } from 'node:path';
import { createStrategy } from '../agents/strategies/index.js';
import { runArena } from '../arena/index.js';
import { RunScorer } from '../evaluation/index.js';
import { RunInterruptedError } from '../lib/index.js';
import type { LocalAgent, RunConfig } from '../sim/index.js';
import type { Entrant, TournamentConfig } from './config.js';
import { GamePlayFolder } from './game-folder.js';
import type { GameSpec } from './plan.js';

export interface SeatResult {
  seat: string;
  entrant: string;
  profitEur: number;
  socNeutralProfitEur: number;
  /** Multi-market and day-ahead PoP (fixed terminal), null without a battery or a positive bound. */
  popMultiMarket: number | null;
  popDayAhead: number | null;
  popSocNeutralMultiMarket: number | null;
  /**
   * The seat's agent faults in the game by kind (exited-before-connecting, process-exited, …),
   * only when it had any: an entrant whose agent crashed scores as one that did nothing.
   */
  faults?: Record<string, number>;
}

export interface GameResult {
  id: string;
  index: number;
  cell: string;
  scenario: number;
  size: number;
  seedIndex: number;
  seed: number;
  runId: string;
  tapeSha256: string;
  wallMs: number;
  seats: SeatResult[];
  /** Who played it (a worker's name; "local" in the tournament process). */
  playedBy: string;
}

export interface GameContext {
  tournament: TournamentConfig;
  scenarios: readonly RunConfig[];
  /** Run folders go below this. */
  outDir: string;
  playedBy?: string;
  /** Stops the game in progress (Ctrl-C): runArena rejects with a RunInterruptedError. */
  signal?: AbortSignal;
}

/** The scenario with the entrants in their seats and unused seats removed. */
export function gameConfig(ctx: GameContext, spec: GameSpec): RunConfig {
  const base = ctx.scenarios[spec.scenario]!;
  const seats = ctx.tournament.scenarios[spec.scenario]!.seats;
  const taken = new Map(spec.seats.map((s) => [s.seat, s.entrant]));
  const entrants = new Map(ctx.tournament.entrants.map((e) => [e.name, e]));
  const agents = base.agents
    .filter((a) => !seats.includes(a.id) || taken.has(a.id))
    .map((a) => {
      const name = taken.get(a.id);
      if (!name) return { ...a, launch: true };
      const e = entrants.get(name)!;
      // The seat's own way of starting (a command, a runtime) gives way to the entrant's.
      const { command: _c, runtime: _r, module: _m, ...seat } = a;
      return {
        ...seat,
        strategy: e.strategy ?? e.name,
        params: e.params,
        launch: true,
        // An entrant's command line is launched by the arena like a configured agent's.
        ...(e.command ? { command: e.command } : {}),
      };
    });
  return {
    ...structuredClone(base),
    name: ctx.tournament.name.slice(0, 40),
    seed: spec.seed,
    outDir: join(ctx.outDir, 'runs'),
    // No NATS: the game is scored in process. This is also what lets a game be played again under
    // its run id (the id is made from the game, so a resumed tournament replays an interrupted game
    // under the same id, and a worker's redelivered game is played twice): runArena refuses an id
    // only when the settlement stream of a given NATS server holds it, and these runs publish
    // nothing there (tournament/game.test.ts). playGame plays each in a folder of its own below
    // this one (game-folder.ts).
    nats: { ...base.nats, enabled: false },
    agents,
  };
}

function entrantOf(ctx: GameContext, spec: GameSpec, agentId: string): Entrant | undefined {
  const name = spec.seats.find((s) => s.seat === agentId)?.entrant;
  return name === undefined ? undefined : ctx.tournament.entrants.find((e) => e.name === name);
}

/**
 * Whether the game plays `agent` as a strategy object: not an entrant with a command or in mode
 * process, and not a scenario's own agent with a command line (or the Python runtime), which stays a
 * process as in `flexarena run --in-process` — taken for a built-in strategy of its label, its game
 * failed ("unknown strategy").
 */
export function playsInProcess(
  ctx: GameContext,
  spec: GameSpec,
  agent: RunConfig['agents'][number],
): boolean {
  const e = entrantOf(ctx, spec, agent.id);
  if (e) return !e.command && e.mode !== 'process';
  return !agent.command && !agent.runtime;
}

export async function playGame(ctx: GameContext, spec: GameSpec): Promise<GameResult> {
  const runId = `${ctx.tournament.name.slice(0, 30)}-g${spec.index}-${spec.id.replace(/[^a-z0-9-]/g, '-')}`
    .slice(0, 64)
    .replace(/-+$/, '');
  const runs = gameConfig(ctx, spec);
  // The same game may be played twice at once (a redelivered game): each play in its own folder.
  const folder = new GamePlayFolder(runs.outDir, runId);
  folder.removeDeadPlays();
  const cfg = { ...runs, outDir: folder.outDir };
  const local = new Map<string, LocalAgent>();
  for (const a of cfg.agents)
    if (playsInProcess(ctx, spec, a)) local.set(a.id, createStrategy(a.strategy, a.params));
  const scorer = new RunScorer(runId);
  const started = Date.now();
  const out = await runArena(cfg, {
    runId,
    local,
    sinks: [scorer],
    log: () => undefined,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  }).catch((err) => {
    // A game stopped half-way is played again from its start by the next invocation: its partial
    // run folder (tape until then, interrupted.json) would only be mistaken for the game's.
    if (err instanceof RunInterruptedError) folder.remove();
    else folder.keepFailed();
    throw err;
  });
  const scores = scorer.scores();
  if (!scores.complete) {
    folder.keepFailed();
    throw new Error(`game ${spec.id}: the run's records are incomplete`);
  }
  const seats = spec.seats.map((s): SeatResult => {
    const a = scores.agents.find((x) => x.agentId === s.seat)!;
    const faults = out.faults.filter((f) => f.agentId === s.seat);
    return {
      seat: s.seat,
      entrant: s.entrant,
      profitEur: a.profitEur,
      socNeutralProfitEur: a.socNeutralProfitEur,
      popMultiMarket: a.pop?.multiMarket.pop ?? null,
      popDayAhead: a.pop?.dayAhead.pop ?? null,
      popSocNeutralMultiMarket: a.pop?.socNeutralMultiMarket.pop ?? null,
      ...(faults.length > 0 ? { faults: Object.fromEntries(faults.map((f) => [f.kind, f.total])) } : {}),
    };
  });
  if (ctx.tournament.keepRuns) folder.keep(out.results.tapeSha256);
  else folder.remove();
  return {
    id: spec.id,
    index: spec.index,
    cell: spec.cell,
    scenario: spec.scenario,
    size: spec.size,
    seedIndex: spec.seedIndex,
    seed: spec.seed,
    runId,
    tapeSha256: out.results.tapeSha256,
    wallMs: Date.now() - started,
    seats,
    playedBy: ctx.playedBy ?? 'local',
  };
}
