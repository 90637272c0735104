// The options `flexarena worker`, `evaluate` and `tournament` share for the NATS server they use:
// one wording in their --help and one default. Each had its own: the worker showed the default
// resolved from the environment, the evaluator named the variable, the tournament took no default.
import { InvalidArgumentError } from 'commander';
import { intOption } from './options.js';

export const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';

export const NATS_URL_HELP = `NATS server URL (default: $FLEXARENA_NATS_URL, else ${DEFAULT_NATS_URL})`;

/**
 * `--nats <url>`'s parser: a blank URL is refused, and so is a YAML file — the tournament's `--nats`
 * takes an optional value, so `tournament --nats t.yaml` would take the file for the server.
 */
export function natsUrlOption(v: string): string {
  if (v.trim() === '') throw new InvalidArgumentError(`--nats must be a NATS server URL, got "${v}"`);
  if (/\.ya?ml$/i.test(v))
    throw new InvalidArgumentError(
      `--nats must be a NATS server URL, got the file "${v}" (give the file before --nats, or --nats=<url>)`,
    );
  return v;
}

/**
 * The NATS URL to use: the one given, else FLEXARENA_NATS_URL, else the default. `true` is a
 * `--nats` given without a value (the tournament's, where the flag itself picks the work queue).
 */
export function natsUrlOf(given: string | true | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (typeof given === 'string') return given;
  return env.FLEXARENA_NATS_URL || DEFAULT_NATS_URL;
}

/**
 * Where natsUrlOf's URL came from, for errors about it: a user who set FLEXARENA_NATS_URL, or set
 * nothing, looked for a `--nats` that was never given.
 */
export function natsUrlSource(
  given: string | true | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string {
  if (typeof given === 'string') return '--nats';
  if (env.FLEXARENA_NATS_URL) return 'FLEXARENA_NATS_URL';
  return 'the default; give --nats or FLEXARENA_NATS_URL';
}

/**
 * `--ack-wait-ms`: JetStream turns 0 into its default (30 s) and stores a negative wait as it is;
 * below a second a busy consumer gets its messages again while it still works on them. Above a day
 * a dead consumer's message waits longer than anyone watches for it (and far above, the
 * nanoseconds JetStream stores no longer fit its integer).
 */
export const ACK_WAIT_MS_LIMITS = { min: 1_000, max: 86_400_000 } as const;

export const ackWaitMsOption = () => intOption('--ack-wait-ms', ACK_WAIT_MS_LIMITS);
