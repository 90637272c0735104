// A configuration file read as a whole: what goes wrong before any field can be checked
// (unreadable, not YAML) is a ConfigError naming the file, like the schema's errors do, so
// every `flexarena <command> <file.yaml>` reports a bad file the same way; a file that cannot be
// read at all (missing, a folder) says so in one line.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ConfigError, fileErrorText, UnreadableFileError } from '../../lib/index.js';

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

/**
 * The configuration file that cannot be read (missing, a folder, not allowed), in one line:
 * `cannot read the configuration file <file>: no such file or directory`.
 */
export function unreadableConfigError(file: string, cause: unknown): UnreadableFileError {
  return new UnreadableFileError(
    file,
    { path: '', message: `cannot read file: ${(cause as Error).message}` },
    `cannot read the configuration file ${file}: ${fileErrorText(cause)}`,
    { cause },
  );
}

/** The text of a configuration file (an UnreadableFileError naming it when it cannot be read). */
export function readConfigText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (cause) {
    throw unreadableConfigError(file, cause);
  }
}

/** The YAML document in `file`; a file that is not YAML is a ConfigError "not valid YAML". */
export function readYamlConfig(file: string): unknown {
  const text = readConfigText(file);
  try {
    return parseYaml(text, YAML_OPTIONS);
  } catch (cause) {
    throw configFileError(file, 'not valid YAML', cause);
  }
}

/**
 * `read()` of a configuration file that another one names (a tournament's scenario, a study's):
 * when that file cannot be read, the one line names the field and the file that point to it.
 */
export function readNamedConfig<T>(
  read: () => T,
  file: string,
  named: { what: string; field: string; source: string },
): T {
  try {
    return read();
  } catch (err) {
    if (!(err instanceof UnreadableFileError) || err.file !== file || err.issues[0]?.path !== '') throw err;
    const { what, field, source } = named;
    throw new UnreadableFileError(
      source,
      { ...err.issues[0]!, path: field, value: file },
      `cannot read the ${what} ${file} (${field} of ${source}): ${fileErrorText(err.cause)}`,
      { cause: err.cause },
    );
  }
}
