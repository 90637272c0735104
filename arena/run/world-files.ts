// The files a configuration names, read for the simulation (which does no I/O). Relative paths
// resolve against the configuration file's folder.
import { readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { ConfigError } from '../../lib/index.js';
import type { RunConfig, SimulationFiles } from '../../sim/index.js';

/** `source` names the configuration in the error (its file when the caller knows it). */
export function readWorldFiles(cfg: RunConfig, baseDir = process.cwd(), source = 'world'): SimulationFiles {
  const src = cfg.world.source;
  if (src === 'synthetic') return {};
  const path = isAbsolute(src.entsoeCsv) ? src.entsoeCsv : resolve(baseDir, src.entsoeCsv);
  try {
    return { entsoeCsv: { text: readFileSync(path, 'utf8'), source: path } };
  } catch (cause) {
    throw new ConfigError(
      source,
      [
        {
          path: 'world.source.entsoeCsv',
          message: `cannot read file: ${(cause as Error).message}`,
          value: path,
        },
      ],
      { cause },
    );
  }
}

/** The name of the run folder's copy of the price file a `world.source.entsoeCsv` run read. */
export const WORLD_CSV_COPY = 'world-prices.csv';

/**
 * The configuration as the run folder keeps it. A run driven by an ENTSO-E CSV gets a copy of the
 * file it read, and its `config.yaml` names that copy: the scenario's relative path would resolve
 * against the run folder (a replay, a rerun of `config.yaml`) and not find the file.
 */
export function runFolderConfig(cfg: RunConfig, runDir: string, files: SimulationFiles): RunConfig {
  const src = cfg.world.source;
  if (src === 'synthetic' || !files.entsoeCsv) return cfg;
  writeFileSync(join(runDir, WORLD_CSV_COPY), files.entsoeCsv.text);
  return { ...cfg, world: { ...cfg.world, source: { ...src, entsoeCsv: WORLD_CSV_COPY } } };
}
