// Reads a run configuration file (YAML) and validates it with the simulation's schema; the file's
// own errors (unreadable, not YAML) are ConfigErrors naming the file like schema errors do.
import { readFileSync } from 'node:fs';
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
  if (doc && typeof doc === 'object')
    Object.assign(doc, Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)));
  return parseRunConfig(doc, file);
}
