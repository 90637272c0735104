// Tournament throughput: one 6-strategy tournament (every pair of six built-in strategies on the
// same world seed, a short fast scenario) played in this process, then the same tournament over a
// JetStream work queue by two `flexarena worker` processes on a real nats-server. Prints games per
// hour of both and their ratio (same machine, same run), checks the two give identical results,
// and writes the BENCHMARKS.md section.
//
//   npm run bench:tournament [-- --seeds 1]
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startNatsServer } from '../arena/index.js';
import {
  type GameResult,
  loadScenarios,
  natsExecutor,
  parseTournament,
  runTournament,
  type TournamentConfig,
} from '../tournament/index.js';
import { writeBenchmarkSection } from './benchmarks-file.js';

const { values } = parseArgs({ options: { seeds: { type: 'string', default: '1' } } });
const seeds = Number(values.seeds);
const ROOT = join(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'flexarena-bench-tournament-'));

// The fast scenario of the tournament tests: a day of 30-minute decisions, thin liquidity.
writeFileSync(
  join(dir, 'fast.yaml'),
  JSON.stringify({
    name: 'fast',
    seed: 3,
    day: '2026-11-22',
    // Half an hour before the day-ahead gate (D-1 12:00): one decision point to bid into it.
    simStartHoursBeforeDay: 12.5,
    decisionIntervalMinutes: 30,
    nats: { enabled: false },
    market: { auctions: { intraday: false }, balancing: { enabled: false } },
    agents: [
      {
        id: 'liquidity',
        strategy: 'liquidity',
        role: 'liquidity',
        params: { depthMwPerEur: 2, levels: 4, horizonHours: 3 },
      },
      { id: 'seat-a', strategy: 'idle', asset: { type: 'battery', powerMw: 5, energyMwh: 10 } },
      { id: 'seat-b', strategy: 'idle', asset: { type: 'battery', powerMw: 5, energyMwh: 10 } },
    ],
  }),
);
const entrants = [
  { name: 'idle', strategy: 'idle' },
  { name: 'heuristic', strategy: 'heuristic-battery' },
  { name: 'heuristic-wide', strategy: 'heuristic-battery', params: { maxSlippageEur: 30 } },
  { name: 'lp', strategy: 'lp-battery' },
  { name: 'rolling-intrinsic', strategy: 'rolling-intrinsic' },
  { name: 'yesterday', strategy: 'yesterday-prices' },
];
const t: TournamentConfig = parseTournament(
  {
    name: 'bench',
    seed: 1,
    seeds,
    gameSizes: [2],
    entrants,
    scenarios: [{ file: 'fast.yaml', seats: ['seat-a', 'seat-b'] }],
  },
  'bench',
  dir,
);

const perHour = (games: number, ms: number) => (games / ms) * 3_600_000;

async function inProcess() {
  const started = Date.now();
  const out = await runTournament(t, { dir: join(dir, 'local') });
  return { ms: Date.now() - started, results: out.results };
}

function startWorker(url: string, name: string): ChildProcess {
  return spawn(
    process.execPath,
    [join(ROOT, 'bin', 'flexarena.mjs'), 'worker', '--nats', url, '--name', name, '--out', join(dir, name)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
}

async function overWorkers() {
  const nats = await startNatsServer();
  const workers = [startWorker(nats.url, 'w1'), startWorker(nats.url, 'w2')];
  try {
    // Timed from when both workers are ready, as a standing worker pool would be.
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            let text = '';
            w.stdout!.on('data', (d) => {
              text += d;
              if (/waiting for games/.test(text)) resolve();
            });
          }),
      ),
    );
    const started = Date.now();
    const out = await runTournament(t, {
      dir: join(dir, 'workers'),
      executor: natsExecutor({ natsUrl: nats.url, tournament: t, scenarios: loadScenarios(t) }),
    });
    return { ms: Date.now() - started, results: out.results };
  } finally {
    for (const w of workers) w.kill('SIGTERM');
    await Promise.all(
      workers.map((w) => new Promise((r) => (w.exitCode !== null ? r(null) : w.once('exit', r)))),
    );
    await nats.stop();
  }
}

const key = (g: GameResult) => JSON.stringify([g.id, g.tapeSha256, g.seats]);
const local = await inProcess();
const distributed = await overWorkers();
const same = local.results.map(key).join('\n') === distributed.results.map(key).join('\n');
const games = local.results.length;
const byWorker = new Map<string, number>();
for (const g of distributed.results) byWorker.set(g.playedBy, (byWorker.get(g.playedBy) ?? 0) + 1);
const rows = [
  ['in process (one Node process)', local.ms, perHour(games, local.ms)],
  ['2 workers over a JetStream work queue', distributed.ms, perHour(games, distributed.ms)],
] as const;
const date = new Date().toISOString().slice(0, 10);
const load = loadavg()[0]!.toFixed(1);
const body = `## Tournament throughput (\`npm run bench:tournament\`)

A 6-strategy tournament (${entrants.map((e) => e.name).join(', ')}): every pair on ${seeds} world seed(s) = ${games} games
of a one-day scenario with 30-minute decisions (the tournament tests' fast scenario). ${date}, ${cpus().length} cores
(${cpus()[0]?.model.trim()}), load average ${load} at the end (the machine is shared: read the ratio).

| how | wall time | games per hour |
|---|---|---|
${rows.map(([how, ms, gph]) => `| ${how} | ${(ms / 1000).toFixed(1)} s | ${gph.toFixed(0)} |`).join('\n')}

Workers / in process: ${(distributed.ms > 0 ? local.ms / distributed.ms : 0).toFixed(2)}× the throughput; games per worker: ${[...byWorker.entries()].map(([w, n]) => `${w} ${n}`).join(', ')}.
Identical per-game results (tape hashes, profits, PoP) both ways: ${same ? 'yes' : 'NO'}.`;
process.stdout.write(`${body}\n`);
writeBenchmarkSection('tournament', body);
rmSync(dir, { recursive: true, force: true });
if (!same) process.exitCode = 1;
