// Reads a run configuration file (YAML) and validates it with the simulation's schema; the file's
// own errors (unreadable, not YAML) are ConfigErrors naming the file like schema errors do (an
// unreadable one in one line).
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseRunConfig, type RunConfig } from '../../sim/index.js';
import { configFileError, readConfigText, YAML_OPTIONS } from './config-file.js';

export function loadRunConfig(
  file: string,
  overrides: Partial<Pick<RunConfig, 'seed' | 'port' | 'outDir' | 'mode' | 'realtime'>> = {},
): RunConfig {
  const text = readConfigText(file);
  let doc: unknown;
  try {
    doc = parseYaml(text, YAML_OPTIONS);
  } catch (cause) {
    throw configFileError(file, 'not valid YAML', cause);
  }
  if (doc && typeof doc === 'object') {
    // Every path written in the file is relative to the file's folder: `flexarena run
    // some/dir/x.yaml` from elsewhere puts the run folders next to the file, not into the working
    // directory. `--out` (the override) and the default `runs` are the command line's: relative to
    // the working directory.
    const d = doc as Record<string, unknown>;
    if (typeof d.outDir === 'string' && d.outDir !== '' && !isAbsolute(d.outDir))
      d.outDir = resolve(dirname(resolve(file)), d.outDir);
    Object.assign(doc, Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)));
  }
  const cfg = parseRunConfig(doc, file);
  // The price file too, made absolute here: a tournament's or a study's scenario is played by
  // runs that know nothing of the file it came from (they read it against the working directory,
  // so a tournament started from another folder could not find its scenario's CSV).
  const src = cfg.world.source;
  if (src !== 'synthetic' && !isAbsolute(src.entsoeCsv))
    cfg.world.source = { ...src, entsoeCsv: resolve(dirname(resolve(file)), src.entsoeCsv) };
  return cfg;
}
