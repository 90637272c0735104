// Option parsers shared by the commands.
import { constants } from 'node:os';
import { InvalidArgumentError } from 'commander';

/**
 * An integer option, optionally within [min, max]. A flag that overrides a configuration field is
 * checked here, so a wrong value names the flag the user typed, not the file's field (the file may
 * be right). A blank value is refused: Number('') is 0, which would pass for a given zero.
 */
export function intOption(name: string, limits: { min?: number; max?: number } = {}) {
  return (v: string) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isInteger(n))
      throw new InvalidArgumentError(`${name} must be an integer, got "${v}"`);
    checkLimits(name, n, v, limits);
    return n;
  };
}

function checkLimits(name: string, n: number, v: string, { min, max }: { min?: number; max?: number }): void {
  if ((min !== undefined && n < min) || (max !== undefined && n > max))
    throw new InvalidArgumentError(
      `${name} must be ${min !== undefined && max !== undefined ? `from ${min} to ${max}` : min !== undefined ? `at least ${min}` : `at most ${max}`}, got "${v}"`,
    );
}

/** A TCP port: an integer 0…65535 (0: any free one); anything else is refused before a server starts. */
export function portOption(name: string) {
  return (v: string) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isInteger(n) || n < 0 || n > 65_535)
      throw new InvalidArgumentError(
        `${name} must be a port number from 0 to 65535 (0: any free one), got "${v}"`,
      );
    return n;
  };
}

/**
 * An interface to bind to. A blank one is refused: Node's HTTP server takes "" for every interface
 * (the evaluator answered on all of them), and grpc-js failed on it with "[object Object]".
 */
export function hostOption(name: string) {
  return (v: string) => {
    if (v.trim() === '' || v !== v.trim())
      throw new InvalidArgumentError(
        `${name} must be a host name or address to bind to (0.0.0.0 for every interface), got "${v}"`,
      );
    return v;
  };
}

/**
 * A file or folder. A blank one is refused: it was taken for none (the default folder, no resume
 * file) or for the working directory (`train --out ""` wrote its checkpoint, report and policy.json
 * over whatever was there).
 */
export function pathOption(name: string) {
  return (v: string) => {
    if (v.trim() === '') throw new InvalidArgumentError(`${name} must be a path, got "${v}"`);
    return v;
  };
}

/**
 * A name shown in results and logs (a worker's). A blank one is refused: `playedBy` in games.jsonl
 * would name nobody.
 */
export function nameOption(name: string) {
  return (v: string) => {
    if (v.trim() === '' || v !== v.trim())
      throw new InvalidArgumentError(`${name} must be a name without leading or trailing spaces, got "${v}"`);
    return v;
  };
}

/** A positive number, or one within [min, max] when a min is given (min > 0 is the caller's to set). */
export function numberOption(name: string, limits: { min?: number; max?: number } = {}) {
  return (v: string) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n))
      throw new InvalidArgumentError(`${name} must be a number, got "${v}"`);
    // With limits the message names them ("from 1 to 100000"), not only "positive".
    if (limits.min === undefined && n <= 0)
      throw new InvalidArgumentError(`${name} must be a positive number, got "${v}"`);
    checkLimits(name, n, v, limits);
    return n;
  };
}

/**
 * The longest `--nats-outage-limit`: its give-up timer cannot wait longer. Node.js runs a timer of
 * more than 2^31 − 1 ms after 1 ms instead, so a limit of 25 days gave up at the outage's start.
 */
const MAX_NATS_OUTAGE_LIMIT_S = Math.floor((2 ** 31 - 1) / 1000);

/**
 * `--nats-outage-limit <seconds>` of the tournament and its workers: how long NATS may be away
 * before they give up; a number ≥ 1 (a shorter one would end them at a blip), never rounded.
 */
export function parseNatsOutageLimit(value: string): number {
  const s = Number(value);
  if (value.trim() === '' || !Number.isFinite(s) || s < 1)
    throw new InvalidArgumentError(`--nats-outage-limit must be a number of seconds ≥ 1, got "${value}"`);
  if (s > MAX_NATS_OUTAGE_LIMIT_S)
    throw new InvalidArgumentError(
      `--nats-outage-limit must be at most ${MAX_NATS_OUTAGE_LIMIT_S} seconds (24.8 days, the longest a timer waits), got "${value}"`,
    );
  return s;
}

/** Resolves at the first SIGINT or SIGTERM (a command that serves until stopped). */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

/**
 * The first SIGINT or SIGTERM aborts the returned signal (the command stops properly: `stopping`
 * says what it does now); a second one exits at once. `release` removes the handlers. A command
 * that installs them late (training, from its first episode) passes the controller it made first.
 */
export function stopOnSignal(
  stopping: string,
  controller = new AbortController(),
): { signal: AbortSignal; release(): void } {
  const on = (sig: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(signalExitCode(sig));
    process.stderr.write(`\n${sig}: ${stopping}… (again to exit at once)\n`);
    controller.abort(sig);
  };
  process.on('SIGINT', on);
  process.on('SIGTERM', on);
  return {
    signal: controller.signal,
    release: () => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
    },
  };
}

/** The exit code of a command a signal stopped, as a shell reports it: 128 + the signal's number. */
export function signalExitCode(signal: string): number {
  return 128 + (constants.signals[signal as NodeJS.Signals] ?? 0);
}
