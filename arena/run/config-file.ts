// A configuration file read as a whole: what goes wrong before any field can be checked
// (unreadable, not YAML) is a ConfigError naming the file, like the schema's errors do, so
// every `flexarena <command> <file.yaml>` reports a bad file the same way.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../../lib/index.js';

/**
 * How every configuration file is read: YAML 1.2 with merge keys (`<<: *anchor`), so that agents or
 * entrants that differ in a field or two can share the rest; without them `<<` was refused as an
 * unknown field.
 */
export const YAML_OPTIONS = { merge: true } as const;

/** A ConfigError about the file itself (no field path): `<what>: <the cause's message>`. */
export function configFileError(file: string, what: string, cause: unknown): ConfigError {
  return new ConfigError(file, [{ path: '', message: `${what}: ${(cause as Error).message}` }], { cause });
}

/** The YAML document in `file`; reading and parsing fail alike with "cannot read". */
export function readYamlConfig(file: string): unknown {
  try {
    return parseYaml(readFileSync(file, 'utf8'), YAML_OPTIONS);
  } catch (cause) {
    throw configFileError(file, 'cannot read', cause);
  }
}
