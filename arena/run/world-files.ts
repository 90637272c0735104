// The files a configuration names, read for the simulation (which does no I/O). Relative paths
// resolve against the configuration file's folder.
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { ConfigError } from '../../lib/index.js';
import type { RunConfig, SimulationFiles } from '../../sim/index.js';

export function readWorldFiles(cfg: RunConfig, baseDir = process.cwd()): SimulationFiles {
  const src = cfg.world.source;
  if (src === 'synthetic') return {};
  const path = isAbsolute(src.entsoeCsv) ? src.entsoeCsv : resolve(baseDir, src.entsoeCsv);
  try {
    return { entsoeCsv: { text: readFileSync(path, 'utf8'), source: path } };
  } catch (cause) {
    throw new ConfigError(
      'world',
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
