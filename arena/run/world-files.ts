// The files a configuration names, read for the simulation (which does no I/O). Relative paths
// resolve against the configuration file's folder (as its outDir does: load-config.ts).
import { readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { fileErrorText, UnreadableFileError } from '../../lib/index.js';
import type { RunConfig, SimulationFiles } from '../../sim/index.js';

/**
 * `source` names the configuration in the error (its file when the caller knows it); `at` is where
 * the run configuration sits in that file (`env.run.` in a training file), so that the error names
 * the field as the file has it.
 */
export function readWorldFiles(
  cfg: RunConfig,
  baseDir = process.cwd(),
  source = 'world',
  at = '',
): SimulationFiles {
  const src = cfg.world.source;
  if (src === 'synthetic') return {};
  const path = isAbsolute(src.entsoeCsv) ? src.entsoeCsv : resolve(baseDir, src.entsoeCsv);
  const field = `${at}world.source.entsoeCsv`;
  try {
    return { entsoeCsv: { text: readFileSync(path, 'utf8'), source: path } };
  } catch (cause) {
    // One line, like a configuration file that cannot be read: the file, the field that names it.
    throw new UnreadableFileError(
      source,
      {
        path: field,
        message: `cannot read file: ${(cause as Error).message}`,
        value: path,
      },
      `cannot read the price file ${path} (${field} of ${source}): ${fileErrorText(cause)}`,
      { cause },
    );
  }
}

/** The name of the run folder's copy of the price file a `world.source.entsoeCsv` run read. */
export const WORLD_CSV_COPY = 'world-prices.csv';

/**
 * The configuration as the run folder keeps it. Its paths resolve against the run folder (a
 * replay, a rerun of `config.yaml`): `outDir` is `..`, the folder the run folder is in, wherever it
 * was put and wherever it is moved to; a run driven by an ENTSO-E CSV gets a copy of the file it
 * read, and `config.yaml` names that copy (the scenario's relative path would not find the file).
 */
export function runFolderConfig(cfg: RunConfig, runDir: string, files: SimulationFiles): RunConfig {
  const kept = { ...cfg, outDir: '..' };
  const src = cfg.world.source;
  if (src === 'synthetic' || !files.entsoeCsv) return kept;
  writeFileSync(join(runDir, WORLD_CSV_COPY), files.entsoeCsv.text);
  return { ...kept, world: { ...cfg.world, source: { ...src, entsoeCsv: WORLD_CSV_COPY } } };
}
