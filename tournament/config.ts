// The tournament file (`flexarena tournament <file.yaml>`): who plays (entrants: a built-in
// strategy in process or as its own process, or any command line over gRPC), where (scenarios and
// the seats the entrants take in them), how often (world seeds, game sizes) and how results are
// judged (metric, bootstrap resamples, optional adaptive scheduling). Validated with every error
// naming its field.
import { dirname, isAbsolute, resolve } from 'node:path';
import * as z from 'zod';
import { resolveParamPaths } from '../agents/strategies/index.js';
import { readYamlConfig } from '../arena/index.js';
import { ConfigError, configIssues, configName, configSeed } from '../lib/index.js';
import { commandParamsIssue, commandPlaceholderIssues } from '../sim/index.js';

const name = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,31}$/, 'expected 1-32 chars: lowercase letters, digits, dashes');

const entrantSchema = z
  .object({
    name,
    /** A built-in strategy (agents/strategies); with `command`, only a label. */
    strategy: z.string().min(1).optional(),
    params: z.record(z.string(), z.unknown()).default({}),
    /** 'in-process' (fast, the default) or 'process': `flexarena agent <strategy>` over gRPC. */
    mode: z.enum(['in-process', 'process']).default('in-process'),
    /** Any agent over gRPC: the command line, with {arena}, {token} and {params} (JSON) filled in. */
    command: z.array(z.string().min(1)).min(1).optional(),
  })
  .strict()
  .refine((e) => e.strategy !== undefined || e.command !== undefined, {
    message: 'an entrant needs a strategy or a command',
    path: ['strategy'],
  });

const scenarioSchema = z
  .object({
    /** A run configuration file (relative to the tournament file). */
    file: z.string().min(1),
    /** Agent ids of the scenario that entrants take, in seat order; the others play as configured. */
    seats: z.array(name).min(1),
  })
  .strict();

/**
 * The most games a tournament plays: `adaptive.maxGames`' limit, and that of the games the first
 * `seeds` seeds plan (every combination of entrants grows fast: 30 entrants in games of 15 are
 * 155 million line-ups, which the planner listed in memory for minutes before running out of it).
 */
export const MAX_GAMES = 1_000_000;

export const tournamentSchema = z
  .object({
    name: configName,
    /** Everything random in the tournament (world seeds, bootstrap) derives from this. */
    seed: configSeed.default(1),
    /** World seeds every line-up plays (duplicate games). */
    seeds: z.number().int().min(1).max(10_000).default(3),
    /** Entrants per game; every size plays every combination of entrants (or `lineups`). */
    gameSizes: z.array(z.number().int().min(1).max(64)).min(1).default([2]),
    /** Rotate entrants through the seats: where the seats' assets differ (auto), always, never. */
    rotateSeats: z.enum(['auto', 'always', 'never']).default('auto'),
    /** What ranks: cash profit or the SoC-neutral profit (stored energy counts, the default). */
    metric: z.enum(['profit', 'socNeutralProfit']).default('socNeutralProfit'),
    entrants: z.array(entrantSchema).min(2),
    scenarios: z.array(scenarioSchema).min(1),
    /** Explicit line-ups (entrant names) instead of every combination. */
    lineups: z.array(z.array(name).min(1)).optional(),
    bootstrap: z
      .object({ resamples: z.number().int().min(2_000).max(1_000_000).default(2_000) })
      .strict()
      .default({ resamples: 2_000 }),
    /** Keep adding seeds until the top-k are separated by non-overlapping intervals, or the budget is spent. */
    adaptive: z
      .object({
        topK: z.number().int().min(1).max(64).default(3),
        maxGames: z.number().int().min(1).max(MAX_GAMES),
      })
      .strict()
      .optional(),
    /** Keep each game's run folder (tape, records); by default only the results are kept. */
    keepRuns: z.boolean().default(false),
  })
  .strict()
  .superRefine((t, ctx) => {
    const names = new Set<string>();
    t.entrants.forEach((e, i) => {
      if (names.has(e.name))
        ctx.addIssue({
          code: 'custom',
          path: ['entrants', i, 'name'],
          message: `duplicate entrant "${e.name}"`,
        });
      names.add(e.name);
      const params = commandParamsIssue(e.command, e.params);
      if (params) ctx.addIssue({ code: 'custom', path: ['entrants', i, 'params'], message: params });
      for (const issue of commandPlaceholderIssues(e.command))
        ctx.addIssue({
          code: 'custom',
          path: ['entrants', i, 'command', issue.index],
          message: issue.message,
        });
    });
    t.gameSizes.forEach((k, i) => {
      // A size twice plans every game of it twice under the same id: each result counted twice.
      if (t.gameSizes.indexOf(k) !== i)
        ctx.addIssue({ code: 'custom', path: ['gameSizes', i], message: `game size ${k} twice` });
      if (!t.lineups && k > t.entrants.length)
        ctx.addIssue({
          code: 'custom',
          path: ['gameSizes', i],
          message: `${k} entrants per game, but only ${t.entrants.length} entrants`,
        });
      for (const [j, s] of t.scenarios.entries())
        if (k > s.seats.length)
          ctx.addIssue({
            code: 'custom',
            path: ['gameSizes', i],
            message: `${k} entrants per game, but scenarios[${j}] has ${s.seats.length} seats`,
          });
    });
    // Two entrants on one seat would both be credited with the one that played there.
    for (const [i, s] of t.scenarios.entries())
      for (const [j, seat] of s.seats.entries())
        if (s.seats.indexOf(seat) !== j)
          ctx.addIssue({
            code: 'custom',
            path: ['scenarios', i, 'seats', j],
            message: `seat "${seat}" twice: each seat takes one entrant`,
          });
    const lineupKeys: string[] = [];
    for (const [i, l] of (t.lineups ?? []).entries()) {
      // The same line-up again plans its games again under the same ids: each counted twice.
      const key = l.join('+');
      const first = lineupKeys.indexOf(key);
      if (first >= 0)
        ctx.addIssue({
          code: 'custom',
          path: ['lineups', i],
          message: `the same line-up as lineups[${first}]: each line-up once`,
        });
      lineupKeys.push(key);
      for (const [j, n] of l.entries()) {
        if (!names.has(n))
          ctx.addIssue({ code: 'custom', path: ['lineups', i, j], message: `unknown entrant "${n}"` });
        else if (l.indexOf(n) !== j)
          ctx.addIssue({
            code: 'custom',
            path: ['lineups', i, j],
            message: `entrant "${n}" twice in one line-up: an entrant plays one seat per game`,
          });
      }
      // Only line-ups of a listed game size are played: any other would be dropped without a word.
      if (!t.gameSizes.includes(l.length))
        ctx.addIssue({
          code: 'custom',
          path: ['lineups', i],
          message: `${l.length} entrants, but gameSizes is [${t.gameSizes.join(', ')}]: this line-up would never play`,
        });
    }
    if (t.lineups)
      t.gameSizes.forEach((k, i) => {
        if (!t.lineups!.some((l) => l.length === k))
          ctx.addIssue({
            code: 'custom',
            path: ['gameSizes', i],
            message: `no line-up of ${k} entrants in lineups: this game size would play no game`,
          });
      });
    if (t.adaptive) {
      const playing = new Set(t.lineups ? t.lineups.flat() : t.entrants.map((e) => e.name)).size;
      if (t.adaptive.topK > playing)
        ctx.addIssue({
          code: 'custom',
          path: ['adaptive', 'topK'],
          message: `top ${t.adaptive.topK} of ${playing} entrants that play: at most ${playing}`,
        });
    }
  });

export type TournamentConfig = z.infer<typeof tournamentSchema>;
export type Entrant = TournamentConfig['entrants'][number];

export function parseTournament(doc: unknown, source = '<inline>', baseDir = '.'): TournamentConfig {
  const res = tournamentSchema.safeParse(doc);
  if (!res.success) throw new ConfigError(source, configIssues(res.error, doc));
  const t = res.data;
  for (const s of t.scenarios) if (!isAbsolute(s.file)) s.file = resolve(baseDir, s.file);
  // A file named in an entrant's params (a policy checkpoint, a Q-table) is the tournament file's too.
  for (const e of t.entrants)
    if (e.strategy && !e.command) e.params = resolveParamPaths(e.strategy, e.params, baseDir);
  return t;
}

export function loadTournament(file: string): TournamentConfig {
  return parseTournament(readYamlConfig(file), file, dirname(resolve(file)));
}
