// The study file (`flexarena study <file.yaml>`): one scenario, one named agent, and the
// counterfactuals to run on the same world seeds — the scenario without the agent, with the agent's
// battery scaled by each factor in `sizes`, and with N identical copies of a battery sharing the
// books for each N in `fleet.counts`. Validated with every error naming its field.
import { dirname, isAbsolute, resolve } from 'node:path';
import * as z from 'zod';
import { readYamlConfig } from '../arena/index.js';
import { ConfigError, configIssues, configName, configSeed } from '../lib/index.js';

const agentId = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,31}$/, 'expected 1-32 chars: lowercase letters, digits, dashes');

export const studySchema = z
  .object({
    name: configName,
    /** Everything random in the study (world seeds, bootstrap) derives from this. */
    seed: configSeed.default(1),
    /** World seeds every counterfactual plays. */
    seeds: z.number().int().min(1).max(10_000).default(3),
    /** A run configuration file (relative to the study file). */
    scenario: z.string().min(1),
    /** The agent under study: it must have a battery asset in the scenario. */
    agent: agentId,
    /** Factors its battery's power and energy are scaled by (1 = as configured). */
    sizes: z.array(z.number().positive().max(100)).min(1).default([1]),
    /** N identical batteries (copies of `fleet.agent`, default the agent under study) sharing the books. */
    fleet: z
      .object({
        agent: agentId.optional(),
        counts: z.array(z.number().int().min(1).max(32)).min(1),
      })
      .strict()
      .optional(),
    /** What "revenue" means in the curves: cash profit or the SoC-neutral profit (the default). */
    metric: z.enum(['profit', 'socNeutralProfit']).default('socNeutralProfit'),
    bootstrap: z
      .object({ resamples: z.number().int().min(2_000).max(1_000_000).default(2_000) })
      .strict()
      .default({ resamples: 2_000 }),
  })
  .strict()
  .superRefine((s, ctx) => {
    const dup = (list: readonly number[], path: string) =>
      list.forEach((x, i) => {
        if (list.indexOf(x) !== i)
          ctx.addIssue({ code: 'custom', path: [path, i], message: `duplicate value ${x}` });
      });
    dup(s.sizes, 'sizes');
    if (s.fleet) {
      const counts = s.fleet.counts;
      counts.forEach((x, i) => {
        if (counts.indexOf(x) !== i)
          ctx.addIssue({ code: 'custom', path: ['fleet', 'counts', i], message: `duplicate value ${x}` });
      });
    }
  });

export type StudyConfig = z.infer<typeof studySchema>;

export function parseStudy(doc: unknown, source = '<inline>', baseDir = '.'): StudyConfig {
  const res = studySchema.safeParse(doc);
  if (!res.success) throw new ConfigError(source, configIssues(res.error, doc));
  const s = res.data;
  if (!isAbsolute(s.scenario)) s.scenario = resolve(baseDir, s.scenario);
  return s;
}

export function loadStudy(file: string): StudyConfig {
  return parseStudy(readYamlConfig(file), file, dirname(resolve(file)));
}
