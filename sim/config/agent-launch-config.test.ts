// How an agent is started: a built-in strategy, a command line, or the Python SDK runtime — said
// once, with typed configuration errors naming the field otherwise.
import { describe, expect, it } from 'vitest';
import { ConfigError, type ConfigIssue } from '../../lib/errors.js';
import { parseRunConfig } from './run-config.js';

function withAgent(agent: Record<string, unknown>): Record<string, unknown> {
  return { day: '2026-11-22', agents: [{ id: 'a', strategy: 'py', ...agent }] };
}

function issuesOf(doc: unknown): ConfigIssue[] {
  try {
    parseRunConfig(doc, 'launch.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).issues;
  }
  throw new Error('expected a ConfigError');
}

describe('agent launch fields', () => {
  it('accepts a command line and a python runtime with its module', () => {
    const cfg = parseRunConfig(withAgent({ command: ['my-agent', '--arena', '{arena}'] }));
    expect(cfg.agents[0]!.command).toEqual(['my-agent', '--arena', '{arena}']);
    const py = parseRunConfig(withAgent({ runtime: 'python', module: 'flexarena_examples.battery' }));
    expect(py.agents[0]).toMatchObject({ runtime: 'python', module: 'flexarena_examples.battery' });
    const withParams = parseRunConfig(
      withAgent({ command: ['my-agent', '--params={params}'], params: { margin_eur: 4 } }),
    );
    expect(withParams.agents[0]!.params).toEqual({ margin_eur: 4 });
    // Braces that are not a placeholder's (JSON, a shell-like word) are the command's own business.
    const braces = parseRunConfig(
      withAgent({ command: ['my-agent', '--arena', '{arena}', '--opts', '{"a": 1}', '{}', '{state}x'] }),
    );
    expect(braces.agents[0]!.command).toHaveLength(7);
  });

  it.each([
    [{ command: [] }, 'agents[0].command', /at least 1|>=1/i],
    [{ command: ['ok', ''] }, 'agents[0].command[1]', /at least 1|>=1/i],
    [{ runtime: 'ruby', module: 'x' }, 'agents[0].runtime', /python/],
    [{ runtime: 'python' }, 'agents[0].module', /needs the module/],
    [{ module: 'x.y' }, 'agents[0].module', /only read with runtime: python/],
    [{ runtime: 'python', module: 'not a module' }, 'agents[0].module', /module path/],
    [{ command: ['x'], runtime: 'python', module: 'x' }, 'agents[0].runtime', /either command or runtime/],
    [{ command: ['x'], launch: false, token: 'token-123' }, 'agents[0].command', /started by hand/],
    // Before, these params were dropped without a word: the agent played its defaults.
    [
      { command: ['my-agent', '--arena', '{arena}'], params: { margin_eur: 4 } },
      'agents[0].params',
      /\{params\}/,
    ],
    // Before, a misspelt placeholder went to the agent as written: "unknown token" at its hello.
    [
      { command: ['my-agent', '--arena', '{arena}', '--token', '{tokne}'] },
      'agents[0].command[4]',
      /^unknown placeholder \{tokne\}; the arena fills in \{arena\}, \{token\}, \{params\}, \{state\}$/,
    ],
    [{ command: ['my-agent', '--arena={Arena}'] }, 'agents[0].command[1]', /unknown placeholder \{Arena\}/],
  ])('refuses %j at %s', (agent, path, message) => {
    const issue = issuesOf(withAgent(agent)).find((i) => i.path === path);
    expect(issue, JSON.stringify(issuesOf(withAgent(agent)))).toBeDefined();
    expect(issue!.message).toMatch(message);
  });
});
