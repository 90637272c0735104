// What the arena prints for an agent it waits for instead of launching (`launch: false`, or
// `flexarena run --external <id>=<token>`): a command line that starts that agent, so that the
// hint is one a user can paste. `flexarena agent <strategy>` only runs a built-in strategy; an
// agent with a `command` or `runtime: python` is started with its own command line, and any other
// one is the user's own program.
import type { AgentConfig } from '../../sim/index.js';
import { agentCommand, fillPlaceholders } from './agent-launcher.js';

/** Single-quoted for a POSIX shell when the word holds anything the shell would read. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

export function handStartHint(
  agent: Pick<AgentConfig, 'id' | 'strategy' | 'command' | 'runtime' | 'module' | 'params'>,
  address: string,
  isBuiltInStrategy: (name: string) => boolean,
): string {
  const command = agentCommand(agent as AgentConfig);
  if (command) {
    const has = (p: string) => command.argv.some((a) => a.includes(p));
    // What the arena would put in the environment and the command line does not say itself.
    const env = [
      ...(has('{arena}') ? [] : [`FLEXARENA_ARENA=${address}`]),
      ...(has('{token}') ? [] : ['FLEXARENA_TOKEN=<token>']),
      ...Object.entries(command.env ?? {}).map(([k, v]) => `${k}=${shellWord(v)}`),
    ];
    // The token and the state file (a restart policy's {state}) are the user's to give: shown as
    // <token> and <state-file>, unquoted, never as a literal placeholder.
    const argv = command.argv.map((a) =>
      a
        .split(/(\{token\}|\{state\})/)
        .map((part) =>
          part === '{token}'
            ? '<token>'
            : part === '{state}'
              ? '<state-file>'
              : part === ''
                ? ''
                : shellWord(fillPlaceholders(part, { arena: address, params: command.params })),
        )
        .join(''),
    );
    return [...env, ...argv].join(' ');
  }
  if (isBuiltInStrategy(agent.strategy)) {
    // The configured params go along: without them the pasted line played the strategy's defaults.
    // `node bin/flexarena.mjs` as README.md writes it: `flexarena` is on no PATH in a clone.
    const params = Object.keys(agent.params ?? {}).length
      ? ` --params ${shellWord(JSON.stringify(agent.params))}`
      : '';
    return `node bin/flexarena.mjs agent ${agent.strategy} --arena ${address} --token <token>${params}`;
  }
  // Its configured params reach it only through whoever starts it: said, or they were lost unseen.
  const params = Object.keys(agent.params ?? {}).length
    ? ` (and its params from the configuration, ${JSON.stringify(agent.params)})`
    : '';
  return `"${agent.strategy}" is not a built-in strategy: start your program with the arena address ${address} and the agent's token${params}`;
}
