// Typed errors of the arena. Business rejections inside a run are events, not exceptions;
// these are for the operator: bad configuration, missing tools, broken runs.

export class FlexArenaError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export interface ConfigIssue {
  /** Dotted path into the document, e.g. "agents[1].asset.powerMw". */
  path: string;
  message: string;
  value?: unknown;
}

/**
 * The value an issue found, as JSON, except where JSON cannot say it: NaN and ±Infinity (YAML's
 * .nan, .inf, 1e400) are named, not shown as null, and a value that contains itself (a YAML alias
 * inside its own anchor) is said so instead of ending the message with a TypeError and its stack.
 */
function shownValue(value: unknown): string {
  let json: string | undefined;
  try {
    // Marked with NULs so a string the user wrote ("Infinity") stays a string.
    json = JSON.stringify(value, (_key, v) =>
      typeof v === 'number' && !Number.isFinite(v) ? `\0${v}\0` : v,
    );
  } catch {
    return 'a value that contains itself (a YAML alias inside its own anchor)';
  }
  return json === undefined ? String(value) : json.replace(/"\\u0000(-?Infinity|NaN)\\u0000"/g, '$1');
}

export class ConfigError extends FlexArenaError {
  constructor(
    readonly file: string,
    readonly issues: ConfigIssue[],
    options?: { cause?: unknown },
  ) {
    super(
      `invalid configuration ${file}:\n` +
        issues
          .map(
            (i) =>
              `  - ${i.path || '(root)'}: ${i.message}${i.value === undefined ? '' : ` (got ${shownValue(i.value)})`}`,
          )
          .join('\n'),
      options,
    );
  }
}

/**
 * A file that cannot be read, as one line: a missing configuration file (or a price file it names)
 * is no list of field issues, and `invalid configuration x.yaml:` over `- (root): cannot read: …`
 * said it in two lines where every other mistake takes one. The issue stays for callers that read
 * issues; the message is `line`.
 */
export class UnreadableFileError extends ConfigError {
  constructor(file: string, issue: ConfigIssue, line: string, options?: { cause?: unknown }) {
    super(file, [issue], options);
    this.message = line;
  }
}

/**
 * Why a file could not be read, without the code and the system call Node puts around it
 * ("ENOENT: no such file or directory, open 'x.yaml'" is "no such file or directory"); a folder
 * is said to be one.
 */
export function fileErrorText(cause: unknown): string {
  const e = cause as NodeJS.ErrnoException;
  if (e?.code === 'EISDIR') return 'it is a folder, not a file';
  const m = /^[A-Z0-9_]+: (.*?)(?:, \w+(?: '.*')?)?$/s.exec(e?.message ?? '');
  return m?.[1] ?? String(e?.message ?? cause);
}

export class NatsServerError extends FlexArenaError {}
export class AgentLaunchError extends FlexArenaError {}

/**
 * A command stopped by a signal (Ctrl-C, SIGTERM from a supervisor) after cleaning up; the command
 * exits as a shell reports the signal (128 + its number).
 */
export class InterruptedError extends FlexArenaError {
  constructor(
    readonly signal: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A series of runs (a tournament's games, a study's runs) stopped by a signal: the run in progress
 * was dropped, the finished ones are kept in `dir`, and the same command plays the rest.
 */
export class SeriesInterruptedError extends InterruptedError {
  constructor(
    signal: string,
    /** "tournament", "study" */
    what: string,
    /** "game", "run" */
    unit: string,
    readonly dir: string,
    readonly finished: number,
    readonly total: number,
  ) {
    super(
      signal,
      `${what} interrupted by ${signal}: ${finished} of ${total} ${unit}(s) finished, kept in ${dir}; ` +
        `run the same command again to play the other ${total - finished}`,
    );
  }
}

/**
 * A run stopped by a signal: its agents and nats-server were stopped, its tape and settlement file
 * closed with what happened until then.
 */
export class RunInterruptedError extends InterruptedError {
  constructor(signal: string, message = `run interrupted by ${signal}`) {
    super(signal, message);
  }
}

/** Errors of a host that is no address of this machine, or no address at all (not of the port). */
const HOST_ERROR = /EADDRNOTAVAIL|ENOTFOUND|EAI_AGAIN|EAI_NONAME|EAI_FAIL|Name resolution failed/;

/** A server cannot listen where it was told to (a port in use, an address not on this host). */
export class ListenError extends FlexArenaError {
  constructor(
    /** What listens: "agents", "the dashboard page", … */
    readonly what: string,
    readonly host: string,
    readonly port: number,
    /** Where the port is set, e.g. "--dashboard-port". */
    readonly setting: string,
    cause: Error,
    /** Where the host is set, e.g. "--host": named instead of the port when the host is at fault. */
    readonly hostSetting?: string,
  ) {
    // grpc-js words it "No address added out of total 1 resolved errors: [listen EADDRINUSE: …]".
    const why = /\[(.*)\]/.exec(cause.message)?.[1] ?? cause.message;
    const code = (cause as NodeJS.ErrnoException).code ?? '';
    // A host that does not resolve, or is not this machine's, was blamed on the port setting.
    const hint =
      hostSetting !== undefined && HOST_ERROR.test(`${code} ${why}`)
        ? `${hostSetting}: not an address of this machine; 127.0.0.1 for this machine only, 0.0.0.0 for every interface`
        : `${setting}; 0 picks a free one`;
    super(`cannot listen for ${what} on ${host}:${port} (${hint}): ${why}`, { cause });
  }
}
