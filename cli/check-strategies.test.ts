import { describe, expect, it } from 'vitest';
import { ConfigError } from '../lib/index.js';
import { parseRunConfig } from '../sim/index.js';
import { checkLaunchedStrategies } from './check-strategies.js';
import { strategyNames } from './commands/run.js';

describe('strategies of launched agents', () => {
  it('rejects an unknown strategy the arena would have to launch, and allows any label for agents started by hand', () => {
    const cfg = parseRunConfig({ day: '2026-11-22', agents: [{ id: 'a', strategy: 'no-such-thing' }] });
    let issues: ConfigError['issues'] = [];
    try {
      checkLaunchedStrategies(cfg, 'run.yaml', strategyNames);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      issues = (err as ConfigError).issues;
    }
    expect(issues[0]).toMatchObject({ path: 'agents[0].strategy', value: 'no-such-thing' });
    expect(issues[0]!.message).toMatch(/unknown strategy.*known: .*heuristic-battery/);
    const byHand = parseRunConfig({
      day: '2026-11-22',
      agents: [{ id: 'a', strategy: 'my-python-bot', launch: false, token: 'tok-12345' }],
    });
    expect(() => checkLaunchedStrategies(byHand, 'run.yaml', strategyNames)).not.toThrow();
  });
});
