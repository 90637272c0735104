// The options of the training scripts (seed001/002/003, league-eval, bench-training): node's
// parseArgs refuses an option it does not know, and every number is checked against its limits.
// A bad option is one line on stderr and exit code 2 — before, `--seeds abc` ran with NaN seeds
// into a stack trace, `--episodes -5` "trained" and printed a table, `--test-days 500` crashed.
import { basename } from 'node:path';
import { parseArgs } from 'node:util';

export interface IntOption {
  default?: number;
  min: number;
  max: number;
}

export interface ScriptOptions {
  /** The option's value, else `fallback`, else its default. */
  int(name: string, fallback?: number): number;
  flag(name: string): boolean;
  string(name: string): string;
}

/** The script's options, or one line on stderr and exit 2 for an unknown, missing or bad one. */
export function scriptOptions(spec: {
  ints?: Record<string, IntOption>;
  flags?: readonly string[];
  /** Text options; undefined: required. */
  strings?: Record<string, string | undefined>;
}): ScriptOptions {
  const script = basename(process.argv[1] ?? 'script');
  const fail = (message: string): never => {
    process.stderr.write(`${script}: ${message}\n`);
    process.exit(2);
  };
  const ints = spec.ints ?? {};
  const strings = spec.strings ?? {};
  const options: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const name of [...Object.keys(ints), ...Object.keys(strings)]) options[name] = { type: 'string' };
  for (const name of spec.flags ?? []) options[name] = { type: 'boolean' };
  let values: Record<string, string | boolean | undefined> = {};
  try {
    values = parseArgs({
      args: process.argv.slice(2),
      options,
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    // parseArgs words some refusals on several lines: one line here.
    const why = (err as Error).message.replace(/\s*\n\s*/g, ' ');
    fail(
      `${why}; options: ${Object.keys(options)
        .map((o) => `--${o}`)
        .join(', ')}`,
    );
  }
  return {
    int(name, fallback) {
      const o = ints[name];
      if (!o) throw new Error(`no integer option --${name}`);
      const raw = values[name];
      if (raw === undefined) {
        const d = fallback ?? o.default;
        return d === undefined ? fail(`--${name} is required`) : d;
      }
      const n = Number(raw);
      if (typeof raw !== 'string' || raw.trim() === '' || !Number.isInteger(n) || n < o.min || n > o.max)
        fail(`--${name} must be an integer in [${o.min}, ${o.max}], got ${JSON.stringify(raw)}`);
      return n;
    },
    flag: (name) => values[name] === true,
    string(name) {
      const raw = values[name];
      if (typeof raw === 'string' && raw !== '') return raw;
      const d = strings[name];
      return d === undefined ? fail(`--${name} is required`) : d;
    },
  };
}
