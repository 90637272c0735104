// How `flexarena` ends on an error: one line `flexarena: …` on stderr and exit code 1 (130/143 for
// a signal). Commander's own usage errors (an unknown option, a value its parser refuses, a missing
// argument) used to come out its way — `error: option '--seed <n>' argument 'x' is invalid. …` and
// a hint line — while the commands' own refusals said `flexarena: …`: a script or a person could
// not tell by the first word what failed. Commander is told to throw instead of printing and
// exiting (exitOverride), and the error is written here like every other.
import { type Command, CommanderError } from 'commander';
import { StrategyError } from '../agents/sdk/index.js';
import { FlexArenaError, InterruptedError } from '../lib/index.js';
import { signalExitCode } from './options.js';

/** Commander throws its usage errors (and help's exit) instead of writing them and exiting. */
export function throwUsageErrors(program: Command): Command {
  // Set before the commands are added: each copies these settings from the program.
  return program.exitOverride().configureOutput({ outputError: () => undefined });
}

/**
 * The arguments to parse: `flexarena help <name>` for a name that is no command is parsed as
 * `flexarena <name>`, the same unknown-command error with its suggestion. Commander printed the
 * general help on stderr and exited 1 without naming the command it did not know (and `help help`
 * did so too; now it shows the general help).
 */
export function withUnknownHelpTopic(program: Command, argv: readonly string[]): string[] {
  const [node, bin, first, topic] = argv;
  if (first !== 'help' || topic === undefined || topic.startsWith('-')) return [...argv];
  const known = program.commands.some((c) => c.name() === topic || c.aliases().includes(topic));
  return known ? [...argv] : [node!, bin!, topic];
}

/** Help and version end the process through the same path: not errors, nothing more to print. */
const NOT_ERRORS = new Set(['commander.helpDisplayed', 'commander.help', 'commander.version']);

/** Errors about what was typed, after which the command's --help is worth a look. */
const WITH_HELP_HINT = new Set([
  'commander.unknownOption',
  'commander.unknownCommand',
  'commander.missingArgument',
  'commander.optionMissingArgument',
  'commander.missingMandatoryOptionValue',
  'commander.excessArguments',
  'commander.conflictingOption',
]);

/** The line to print (undefined: none) and the exit code for an error that ended the command. */
export function errorExit(err: unknown, argv: readonly string[]): { line?: string; code: number } {
  if (err instanceof CommanderError) {
    if (NOT_ERRORS.has(err.code)) return { code: err.exitCode };
    const help = err.code === 'commander.unknownCommand' ? 'flexarena --help' : helpCommand(argv);
    return { line: `flexarena: ${usageErrorText(err, help)}`, code: 1 };
  }
  // A strategy that refused its own input with a typed error (a parameter out of its range) has
  // said what to change: that one line, as when the SDK passed it on unwrapped.
  const e = err instanceof StrategyError && err.cause instanceof FlexArenaError ? err.cause : (err as Error);
  // Typed errors (the arena's, the agent SDK's: a session the arena ended, a refused parameter) are
  // for the user and say what to change; anything else is a bug and shows its stack.
  // A strategy's own code threw (StrategyError): a bug too, in the strategy. Its line says where
  // (method, wake-up); the stack of what it threw follows, whose frames the arena's fault line
  // leaves to the agent's log (launch-watch.ts, exitDetail).
  const line = `flexarena: ${e instanceof FlexArenaError ? e.message : (e.stack ?? e.message)}${strategyStack(e)}`;
  return { line, code: e instanceof InterruptedError ? signalExitCode(e.signal) : 1 };
}

/** The frames of the error a strategy threw (its first line is in the StrategyError's message). */
function strategyStack(e: Error): string {
  if (!(e instanceof StrategyError) || !(e.cause instanceof Error) || e.cause.stack === undefined) return '';
  const frames = e.cause.stack.split('\n').filter((l) => /^\s+at /.test(l));
  return frames.length > 0 ? `\n${frames.join('\n')}` : '';
}

/** `flexarena <command> --help` for the command typed, `flexarena --help` without one. */
function helpCommand(argv: readonly string[]): string {
  const first = argv[2];
  return first === undefined || first.startsWith('-') ? 'flexarena --help' : `flexarena ${first} --help`;
}

/** Commander's message as one line that names the option or argument, without its `error: `. */
export function usageErrorText(err: CommanderError, help: string): string {
  // Commander puts its "(Did you mean --nats?)" on a line of its own.
  const text = err.message
    .replace(/^error: /, '')
    .replace(/\s*\n\(Did you mean (.*)\?\)/, '; did you mean $1?')
    .replace(/\s*\n\s*/g, ' ');
  if (err.code === 'commander.invalidArgument') return invalidValueText(text);
  // What was typed, quoted as the arena's own messages quote it (`got "x"`).
  if (err.code === 'commander.unknownCommand')
    return `${text.replace(/^unknown command '(.*?)'/, 'unknown command "$1"')} (see ${help})`;
  return WITH_HELP_HINT.has(err.code) ? `${text} (see ${help})` : text;
}

// `option '--seed <n>' argument 'x' is invalid. <the parser's message>`: the parser's message
// names the option and its limit already; commander's own (choices) names neither.
const INVALID_OPTION = /^option '(?:-\w, )?(--[\w-]+)[^']*' argument '(.*)' is invalid\. (.*)$/s;
const CHOICES = /^Allowed choices are (.*)\.$/;

function invalidValueText(text: string): string {
  const m = INVALID_OPTION.exec(text);
  if (!m) return text; // an InvalidArgumentError an action threw: its message is the whole story
  const [, flag, value, why] = m as unknown as [string, string, string, string];
  if (why.startsWith(`${flag} `)) return why;
  const choices = CHOICES.exec(why);
  if (choices) return `${flag} must be one of ${choices[1]}, got "${value}"`;
  return `${flag} "${value}": ${why}`;
}
