// A tiny price-maker study run for real (in-process runs, 2 world seeds, a 30-minute decision
// grid): the files and their structure, facts checkable by hand (without the agent its revenue is
// absent and its impact is zero; N = 1 is exactly the revenue of a separate run of the scenario on
// the same seed; a fleet's copies and a scaled battery have the sizes asked for), resuming replays
// nothing, and the market figures the study collects from the output seam equal those computed
// from the run's tape.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createStrategy, HeuristicBattery } from '../../agents/strategies/index.js';
import { loadRunConfig, readTapeRecords, runArena } from '../../arena/index.js';
import { RunScorer } from '../../evaluation/index.js';
import { parseProductId } from '../../lib/index.js';
import type { LocalAgent } from '../../sim/index.js';
import {
  MarketFiguresSink,
  parseStudy,
  runStudy,
  StudyInterruptedError,
  studyFaultLines,
  studySeed,
  writeStudyFiles,
} from '../../study/index.js';
import { tempDir, writeConfig } from '../helpers/arena-process.js';
import { fastScenario } from '../helpers/tournament-fixtures.js';

const dir = tempDir('flexarena-study-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function scenarioFile(): string {
  const cfg = fastScenario() as { agents: Record<string, unknown>[] };
  cfg.agents = [
    cfg.agents[0]!,
    { id: 'big', strategy: 'heuristic-battery', asset: { type: 'battery', powerMw: 5, energyMwh: 10 } },
  ];
  return writeConfig(dir, cfg, 'scenario.yaml');
}

async function scenarioRun(file: string, seed: number, keep: string) {
  const cfg = loadRunConfig(file);
  const run = { ...cfg, seed, outDir: keep };
  const local = new Map<string, LocalAgent>(
    run.agents.map((a) => [a.id, createStrategy(a.strategy, a.params)]),
  );
  const scorer = new RunScorer(`baseline-${seed}`);
  const market = new MarketFiguresSink();
  const out = await runArena(run, {
    runId: `baseline-${seed}`,
    local,
    sinks: [scorer, market],
    log: () => undefined,
  });
  return { scores: scorer.scores(), market: market.figures(), runDir: out.runDir };
}

// In order: the first test runs the study, the others read its outcome (shuffled runs keep it).
describe('flexarena study (in process, tiny)', { shuffle: false }, () => {
  const scenario = scenarioFile();
  const study = parseStudy(
    { name: 'tiny', seed: 5, seeds: 2, scenario, agent: 'big', sizes: [1, 2], fleet: { counts: [1, 2] } },
    'tiny.yaml',
    dir,
  );
  const out = join(dir, 'study');
  let outcome: Awaited<ReturnType<typeof runStudy>>;

  it('runs every variant on every seed and writes its files', async () => {
    const seen: number[] = [];
    outcome = await runStudy(study, { dir: out, onProgress: (p) => seen.push(p.finished) });
    expect(outcome.variants.map((v) => v.id)).toEqual(['with', 'without', 'size-2', 'fleet-2']);
    expect(outcome.runs).toHaveLength(8);
    expect(outcome.played).toBe(8);
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    // Each run's folder is removed after it, and the folder they were played in is not kept empty.
    expect(existsSync(join(out, 'runs'))).toBe(false);
    // Every variant of a seed plays the same world seed; the two seeds differ.
    const seeds = new Set(outcome.runs.map((r) => `${r.seedIndex}:${r.seed}`));
    expect([...seeds].sort()).toEqual([`0:${studySeed(study, 0)}`, `1:${studySeed(study, 1)}`]);
    expect(studySeed(study, 0)).not.toBe(studySeed(study, 1));
    const files = writeStudyFiles(out, study, outcome.summary, outcome.runs);
    for (const f of files) expect(existsSync(f), f).toBe(true);
    const json = JSON.parse(readFileSync(join(out, 'study.json'), 'utf8'));
    expect(json.runs).toHaveLength(8);
    expect(json.summary.sizeCurve.map((p: { x: number }) => p.x)).toEqual([1, 2]);
    expect(json.summary.fleetCurve.map((p: { x: number }) => p.x)).toEqual([1, 2]);
    const csv = readFileSync(join(out, 'runs.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(9);
    expect(csv[0]).toMatch(/^seed_index,seed,variant,kind,value,batteries,/);
  }, 300_000);

  it('has the sizes asked for, and without the agent no revenue and no impact', () => {
    const r = (seed: number, v: string) => outcome.runs.find((x) => x.seedIndex === seed && x.variant === v)!;
    for (const seed of [0, 1]) {
      expect(r(seed, 'without').batteries).toEqual([]);
      expect(r(seed, 'with').batteries.map((b) => [b.agentId, b.powerMw, b.energyMwh])).toEqual([
        ['big', 5, 10],
      ]);
      expect(r(seed, 'size-2').batteries.map((b) => [b.agentId, b.powerMw, b.energyMwh])).toEqual([
        ['big', 10, 20],
      ]);
      expect(r(seed, 'fleet-2').batteries.map((b) => [b.agentId, b.powerMw])).toEqual([
        ['big', 5],
        ['big-2', 5],
      ]);
      // The agent trades in the runs with it, not in the one without.
      expect(r(seed, 'with').batteries[0]!.tradedMwh).toBeGreaterThan(0);
    }
    const without = outcome.summary.variants.find((v) => v.variant === 'without')!;
    expect(without.revenuePerMwEur).toMatchObject({ mean: null, n: 0 });
    expect(without.totalRevenueEur.mean).toBeNull();
    expect(without.impact.spreadEur).toMatchObject({ mean: 0, lo: 0, hi: 0 });
    expect(without.impact.depthMw).toMatchObject({ mean: 0, lo: 0, hi: 0 });
    expect(without.daMeanAbsChangeEur).toMatchObject({ mean: 0, lo: 0, hi: 0 });
    expect(without.daPeriodsChangedShare).toMatchObject({ mean: 0, lo: 0, hi: 0 });
    // The period-by-period day-ahead change, recomputed by hand from the runs' prices.
    const withSummary = outcome.summary.variants.find((v) => v.variant === 'with')!;
    const byHand = [0, 1].map((seed) => {
      const a = r(seed, 'with').market.daPricesEur;
      const b = r(seed, 'without').market.daPricesEur;
      expect(a.length).toBe(96);
      expect(b.length).toBe(96);
      return a.reduce((sum, p, i) => sum + Math.abs(p - b[i]!), 0) / a.length;
    });
    expect(withSummary.daMeanAbsChangeEur.mean).toBeCloseTo((byHand[0]! + byHand[1]!) / 2, 9);
    // The day's spread is the highest minus the lowest price of the one auction.
    for (const seed of [0, 1]) {
      const m = r(seed, 'with').market;
      expect(m.daSpreadEur).toBeCloseTo(Math.max(...m.daPricesEur) - Math.min(...m.daPricesEur), 9);
    }
    for (const v of outcome.summary.variants)
      for (const i of [v.revenuePerMwEur, v.popMultiMarket, v.impact.spreadEur])
        if (i.mean !== null) {
          expect(i.lo!).toBeLessThanOrEqual(i.mean + 1e-9);
          expect(i.hi!).toBeGreaterThanOrEqual(i.mean - 1e-9);
        }
  });

  it('N = 1 is the revenue of the scenario run on its own; the market figures equal the tape', async () => {
    const perMw: number[] = [];
    for (const seedIndex of [0, 1]) {
      const base = await scenarioRun(scenario, studySeed(study, seedIndex), join(dir, 'baseline'));
      const big = base.scores.agents.find((a) => a.agentId === 'big')!;
      const inStudy = outcome.runs.find((x) => x.seedIndex === seedIndex && x.variant === 'with')!;
      expect(inStudy.batteries[0]!.socNeutralProfitEur).toBe(big.socNeutralProfitEur);
      expect(inStudy.batteries[0]!.profitEur).toBe(big.profitEur);
      expect(inStudy.market).toEqual(base.market);
      perMw.push(big.socNeutralProfitEur / 5);
      // The sink's volume-weighted CID price, recomputed from the trades on the tape.
      const trades = readTapeRecords(base.runDir).filter((t) => t.type === 'trade') as {
        priceTicks: number;
        quantityLots: number;
        productId: string;
      }[];
      expect(trades.length).toBeGreaterThan(0);
      let turnover = 0;
      let energy = 0;
      for (const t of trades) {
        const p = parseProductId(t.productId)!;
        const mwh = (t.quantityLots / 10) * ((p.deliveryEndMs - p.deliveryStartMs) / 3_600_000);
        turnover += (t.priceTicks / 100) * mwh;
        energy += mwh;
      }
      expect(base.market.cidTrades).toBe(trades.length);
      expect(base.market.cidTradedMwh).toBeCloseTo(energy, 9);
      expect(base.market.cidVwapEur!).toBeCloseTo(turnover / energy, 9);
      // The day-ahead prices are the clearing prices of the auction results on the tape.
      const results = readTapeRecords(base.runDir).filter(
        (t) => t.type === 'auction-result' && String(t.auctionId).startsWith('da-'),
      ) as { pricesTicks: number[] }[];
      expect(results).toHaveLength(1);
      expect(base.market.daPricesEur).toEqual(results[0]!.pricesTicks.map((p) => p / 100));
    }
    const n1 = outcome.summary.fleetCurve.find((p) => p.x === 1)!;
    expect(n1.revenuePerMwEur.mean).toBeCloseTo((perMw[0]! + perMw[1]!) / 2, 9);
  }, 300_000);

  it('resumes without running anything again', async () => {
    const again = await runStudy(study, { dir: out });
    expect(again.played).toBe(0);
    expect(again.resumed).toBe(8);
    expect(again.summary).toEqual(outcome.summary);
  });

  it('stops at a signal: the run in progress dropped, finished runs kept; the next call plays the rest', async () => {
    const stopped = join(dir, 'stopped');
    const runs = join(stopped, 'runs');
    const finished = () =>
      existsSync(join(stopped, 'runs.jsonl'))
        ? readFileSync(join(stopped, 'runs.jsonl'), 'utf8').trim().split('\n').length
        : 0;
    // Ctrl-C while the second run plays: its run folder exists (a finished run's is removed).
    const ctrlC = new AbortController();
    const watch = setInterval(() => {
      if (finished() === 1 && existsSync(runs) && readdirSync(runs).length > 0) ctrlC.abort('SIGINT');
    }, 2);
    const err = await runStudy(study, { dir: stopped, signal: ctrlC.signal }).catch((e: unknown) => e);
    clearInterval(watch);
    expect(ctrlC.signal.aborted).toBe(true);
    expect(err).toBeInstanceOf(StudyInterruptedError);
    expect(err).toMatchObject({ signal: 'SIGINT', finished: 1, total: 8 });
    expect((err as Error).message).toBe(
      `study interrupted by SIGINT: 1 of 8 run(s) finished, kept in ${stopped}; run the same command again to play the other 7`,
    );
    // The dropped run's folder is gone, and with it the folder the runs are played in.
    expect(existsSync(runs)).toBe(false);
    expect(finished()).toBe(1);
    const again = await runStudy(study, { dir: stopped });
    expect(again.played).toBe(7);
    expect(again.resumed).toBe(1);
    expect(again.summary).toEqual(outcome.summary);
  }, 300_000);

  it('names the field when the agent is not a battery of the scenario', async () => {
    const bad = parseStudy({ name: 'bad', scenario, agent: 'liquidity' }, 'bad.yaml', dir);
    await expect(runStudy(bad, { dir: join(dir, 'bad'), file: 'bad.yaml' })).rejects.toThrow(
      /bad\.yaml[\s\S]*agent: agent "liquidity" has no battery asset/,
    );
    expect(() => parseStudy({ name: 'bad', scenario, agent: 'big', sizes: [0] }, 'b.yaml')).toThrow(
      /sizes\[0\]: Too small/,
    );
  });

  it("refuses a scenario whose strategy refuses its params before playing anything, naming the scenario's field", async () => {
    const cfg = fastScenario() as { agents: Record<string, unknown>[] };
    cfg.agents = [
      cfg.agents[0]!,
      {
        id: 'big',
        strategy: 'heuristic-battery',
        asset: { type: 'battery', powerMw: 5, energyMwh: 10 },
        params: { maxSlippageEur: -3 },
      },
    ];
    const badScenario = writeConfig(dir, cfg, 'bad-params.yaml');
    const bad = parseStudy({ name: 'bad-params', scenario: badScenario, agent: 'big' }, 'bp.yaml', dir);
    const folder = join(dir, 'bad-params');
    await expect(runStudy(bad, { dir: folder, file: 'bp.yaml' })).rejects.toThrow(
      /bad-params\.yaml[\s\S]*agents\[1\]\.params\.maxSlippageEur: .*heuristic-battery.*\(got -3\)/,
    );
    expect(existsSync(folder)).toBe(false);
  });

  // Before, each surfaced when its run started — a size variant's after the runs before it — as
  // one line naming neither file nor field.
  it('welcomes every agent to its seat in the scenario and in each size variant before playing anything', async () => {
    const cfg = fastScenario() as { agents: Record<string, unknown>[] };
    cfg.agents = [
      cfg.agents[0]!,
      {
        id: 'big',
        strategy: 'lp-battery',
        asset: { type: 'battery', powerMw: 5, energyMwh: 10 },
        params: { endSocMwh: 8 },
      },
    ];
    const socTarget = writeConfig(dir, cfg, 'soc-target.yaml');
    const folder = join(dir, 'soc-target');
    // A tenth of the battery holds at most 0.95 MWh: the target is outside, in that variant only.
    const scaled = parseStudy(
      { name: 'soc', scenario: socTarget, agent: 'big', sizes: [1, 0.1] },
      's.yaml',
      dir,
    );
    await expect(runStudy(scaled, { dir: folder, file: 's.yaml' })).rejects.toThrow(
      /s\.yaml:\n {2}- sizes\[1\]: agents\[1\]\.params\.endSocMwh of .*soc-target\.yaml with its battery scaled by 0\.1: 8 MWh is outside the battery's SoC range \[0\.05, 0\.95\] MWh \(strategy lp-battery\) \(got 0\.1\)$/,
    );
    expect(existsSync(folder)).toBe(false);
    // The scenario's own seat is the scenario file's field.
    const own = parseStudy({ name: 'soc', scenario: socTarget, agent: 'big', sizes: [2] }, 's.yaml', dir);
    cfg.agents[1]!.params = { endSocMwh: 12 };
    writeConfig(dir, cfg, 'soc-target.yaml');
    await expect(runStudy(own, { dir: folder, file: 's.yaml' })).rejects.toThrow(
      /soc-target\.yaml:\n {2}- agents\[1\]\.params\.endSocMwh: 12 MWh is outside the battery's SoC range \[0\.5, 9\.5\] MWh/,
    );
    expect(existsSync(folder)).toBe(false);
  });

  // Both were played as the built-in strategy of their label: the command was never started.
  it('refuses an agent of the scenario started from its own command line or by hand', async () => {
    const cfg = fastScenario() as { agents: Record<string, unknown>[] };
    cfg.agents = [
      cfg.agents[0]!,
      { id: 'big', strategy: 'heuristic-battery', asset: { type: 'battery', powerMw: 5, energyMwh: 10 } },
      { id: 'ext', strategy: 'idle', command: ['my-bot', '--arena', '{arena}'] },
      { id: 'hand', strategy: 'idle', launch: false, token: 'hand-token-1' },
    ];
    const own = writeConfig(dir, cfg, 'own-lines.yaml');
    const study = parseStudy({ name: 'own-lines', scenario: own, agent: 'big' }, 'o.yaml', dir);
    const folder = join(dir, 'own-lines');
    await expect(runStudy(study, { dir: folder, file: 'o.yaml' })).rejects.toThrow(
      /own-lines\.yaml:\n {2}- agents\[2\]\.command: a study plays every agent of its scenario in process, as a built-in strategy: this one is started from its own command line\n {2}- agents\[3\]\.launch: .*started by hand$/,
    );
    expect(existsSync(folder)).toBe(false);
  });

  it('refuses a real-time scenario before playing anything: its runs ran on the wall clock', async () => {
    const cfg = fastScenario() as { agents: Record<string, unknown>[] };
    cfg.agents = [
      cfg.agents[0]!,
      { id: 'big', strategy: 'heuristic-battery', asset: { type: 'battery', powerMw: 5, energyMwh: 10 } },
    ];
    Object.assign(cfg, { mode: 'realtime', realtime: { speed: 600 } });
    const realtime = writeConfig(dir, cfg, 'realtime.yaml');
    const study = parseStudy({ name: 'realtime', scenario: realtime, agent: 'big' }, 'rt.yaml', dir);
    const folder = join(dir, 'realtime');
    await expect(runStudy(study, { dir: folder, file: 'rt.yaml' })).rejects.toThrow(
      /rt\.yaml:\n {2}- scenario: .*realtime\.yaml is a real-time run \(mode: realtime\): a study's runs are lock-step/,
    );
    expect(existsSync(folder)).toBe(false);
  });

  it('refuses a scenario agent that saves a learned table for the next run, before playing anything', async () => {
    const cfg = fastScenario() as { agents: Record<string, unknown>[] };
    cfg.agents = [
      cfg.agents[0]!,
      { id: 'big', strategy: 'heuristic-battery', asset: { type: 'battery', powerMw: 5, energyMwh: 10 } },
      {
        id: 'learner',
        strategy: 'tabular-q',
        asset: { type: 'battery', powerMw: 5, energyMwh: 10 },
        params: { qTablePath: join(dir, 'q.json') },
      },
    ];
    const learning = writeConfig(dir, cfg, 'learner.yaml');
    const study = parseStudy({ name: 'learner', scenario: learning, agent: 'big' }, 'l.yaml', dir);
    const folder = join(dir, 'learner');
    await expect(runStudy(study, { dir: folder, file: 'l.yaml' })).rejects.toThrow(
      /learner\.yaml[\s\S]*agents\[2\]\.params\.qTablePath: tabular-q saves what it learns to this file, so in a study each run would start where the run before stopped/,
    );
    expect(existsSync(folder)).toBe(false);
  });
});

// A strategy that throws is scored as one that did nothing from then on. A study removes each
// run's folder (its agent-faults.log with it), and nothing said an agent had faults: its figures
// looked like a strategy's choice.
describe('a study in which a strategy throws', () => {
  it('keeps the faults in the run and names the agent', async () => {
    const broken = vi.spyOn(HeuristicBattery.prototype, 'decide').mockImplementation(() => {
      throw new Error('a bug in the strategy');
    });
    try {
      const study = parseStudy(
        { name: 'faults', seed: 5, seeds: 1, scenario: scenarioFile(), agent: 'big' },
        'f.yaml',
        dir,
      );
      const outcome = await runStudy(study, { dir: join(dir, 'faults') });
      const withIt = outcome.runs.find((r) => r.variant === 'with')!;
      const without = outcome.runs.find((r) => r.variant === 'without')!;
      const errors = withIt.faults?.big?.['strategy-error'];
      expect(errors).toBeGreaterThan(0);
      expect(Object.keys(withIt.faults!)).toEqual(['big']);
      expect(without.faults).toBeUndefined();
      expect(withIt.batteries[0]!.tradedMwh).toBe(0);
      expect(studyFaultLines(outcome.runs)).toEqual([
        `agent faults: big in 1 of 2 run(s) (strategy-error ${errors}, missed-deadline ${errors}; runs 0:with); those runs count, with what the agent did before its fault; runs.jsonl has them per run`,
      ]);
      // Kept in runs.jsonl: a resumed study still names it.
      const again = await runStudy(study, { dir: join(dir, 'faults') });
      expect(again.played).toBe(0);
      expect(studyFaultLines(again.runs)).toEqual(studyFaultLines(outcome.runs));
    } finally {
      broken.mockRestore();
    }
  }, 120_000);
});
