// Reads a run configuration file (YAML) and validates it with the simulation's schema; the file's
// own errors (unreadable, not YAML) are ConfigErrors naming the file like schema errors do.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseRunConfig, type RunConfig } from '../../sim/index.js';
import { configFileError } from './config-file.js';

export function loadRunConfig(
  file: string,
  overrides: Partial<Pick<RunConfig, 'seed' | 'port' | 'outDir' | 'mode' | 'realtime'>> = {},
): RunConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw configFileError(file, 'cannot read file', cause);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (cause) {
    throw configFileError(file, 'not valid YAML', cause);
  }
  if (doc && typeof doc === 'object') {
    // Every path written in the file is relative to the file's folder (world.source.entsoeCsv is
    // read that way too): `flexarena run some/dir/x.yaml` from elsewhere puts the run folders next
    // to the file, not into the working directory. `--out` (the override) and the default `runs`
    // are the command line's: relative to the working directory.
    const d = doc as Record<string, unknown>;
    if (typeof d.outDir === 'string' && d.outDir !== '' && !isAbsolute(d.outDir))
      d.outDir = resolve(dirname(resolve(file)), d.outDir);
    Object.assign(doc, Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)));
  }
  return parseRunConfig(doc, file);
}
